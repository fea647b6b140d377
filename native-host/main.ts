/**
 * The native host's entry (started by Chrome through the launcher that install.ts writes).
 * Chrome native messaging on stdio is the control channel: on start we open the relay's
 * WebSocket server on 127.0.0.1 with a fresh secret and tell the browser its port and the
 * secret; piece data then flows over the WebSocket. When stdin ends the browser is gone, and
 * so are we. stdout carries native messages only: nothing else may ever be printed there.
 */
import { randomBytes } from 'node:crypto';
import { RELAY_PROTOCOL_VERSION } from '../src/relay/protocol.js';
import { HostLog } from './log.js';
import { NativeMessaging, type NativeMessage } from './native-messaging.js';
import { RelayServer } from './relay-server.js';

async function main(): Promise<void> {
  const log = new HostLog();
  // 128 bits, held in this process's memory only: sent once to the browser over stdout.
  const secret = randomBytes(16).toString('hex');
  log.redact(secret);

  const server = await RelayServer.start({ secret, log });
  log.info(`relay listening on 127.0.0.1:${server.port}`);

  let stopping = false;
  const stop = (reason: string): void => {
    if (stopping) return;
    stopping = true;
    log.info(`stopping: ${reason}`);
    const exit = setTimeout(() => process.exit(0), 2_000);
    exit.unref();
    void server.close().finally(() => process.exit(0));
  };

  const messaging = new NativeMessaging(process.stdin, process.stdout, {
    message: (message: NativeMessage) => {
      switch (message['type']) {
        case 'ping':
          messaging.send({ type: 'pong' });
          return;
        case 'stats':
          messaging.send({ type: 'stats', ...server.stats() });
          return;
        default:
          messaging.send({ type: 'error', message: `unknown message type ${JSON.stringify(message['type'])}` });
      }
    },
    end: stop,
  });
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.stdout.on('error', () => stop('stdout closed'));

  messaging.send({ type: 'ready', port: server.port, secret, version: RELAY_PROTOCOL_VERSION });
}

main().catch((error: unknown) => {
  new HostLog().error(`relay host failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
