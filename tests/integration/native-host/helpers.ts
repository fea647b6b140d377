/** Spawning the built native host (`npm run build:node` first) and speaking native messaging to it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { WebSocket } from 'ws';
import { RELAY_SUBPROTOCOL, SECRET_PROTOCOL_PREFIX } from '../../../src/relay/protocol.js';

export const REPO = resolve(import.meta.dirname, '../../..');
export const HOST_MAIN = join(REPO, 'build/native-host/main.js');
export const INSTALL = join(REPO, 'build/native-host/install.js');
export const EXTENSION_ORIGIN = 'chrome-extension://bkhngainmfimebdhdakboflefceoakbd';

export function requireBuild(): void {
  if (!existsSync(HOST_MAIN)) throw new Error(`${HOST_MAIN} is missing: run 'npm run build:node' first`);
}

export interface Ready {
  type: 'ready';
  port: number;
  secret: string;
  version: number;
}

/** A running host and its native-messaging side. */
export class HostProcess {
  readonly messages: Array<Record<string, unknown>> = [];
  stderr = '';
  private buffered = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  readonly exited: Promise<number | null>;

  constructor(readonly child: ChildProcess) {
    child.stdout!.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      while (this.buffered.length >= 4) {
        const length = this.buffered.readUInt32LE(0);
        if (this.buffered.length < 4 + length) break;
        this.messages.push(JSON.parse(this.buffered.subarray(4, 4 + length).toString('utf8')) as Record<string, unknown>);
        this.buffered = this.buffered.subarray(4 + length);
      }
      for (const wake of this.waiters.splice(0)) wake();
    });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    this.exited = new Promise((done) => child.on('exit', (code) => done(code)));
  }

  static spawn(command: string = process.execPath, args: string[] = [HOST_MAIN], env: Record<string, string> = {}): HostProcess {
    // Chrome passes the caller's origin as the first argument.
    const child = spawn(command, [...args, `${EXTENSION_ORIGIN}/`], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    return new HostProcess(child);
  }

  send(message: unknown): void {
    const body = Buffer.from(JSON.stringify(message), 'utf8');
    const header = Buffer.alloc(4);
    header.writeUInt32LE(body.length, 0);
    this.child.stdin!.write(Buffer.concat([header, body]));
  }

  /** The next message matching `type` (already received ones count). */
  async next(type: string, timeoutMs = 10_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.messages.findIndex((m) => m['type'] === type);
      if (index >= 0) return this.messages.splice(index, 1)[0]!;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${type} message from the host within ${timeoutMs} ms; stderr: ${this.stderr}`);
      await new Promise<void>((wake) => {
        const timer = setTimeout(wake, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          wake();
        });
      });
    }
  }

  ready(): Promise<Ready> {
    return this.next('ready') as Promise<unknown> as Promise<Ready>;
  }

  async stats(): Promise<{ connections: number; streams: number; bufferedBytes: number }> {
    this.send({ type: 'stats' });
    return (await this.next('stats')) as unknown as { connections: number; streams: number; bufferedBytes: number };
  }

  /** Closes stdin (as the browser does) and waits for the exit. */
  async stop(): Promise<number | null> {
    this.child.stdin!.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}

/** ws's WebSocket with the extension's Origin, shaped like the DOM constructor. */
export function wsWithOrigin(origin: string = EXTENSION_ORIGIN): typeof globalThis.WebSocket {
  class OriginWebSocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { origin, perMessageDeflate: false });
    }
  }
  return OriginWebSocket as unknown as typeof globalThis.WebSocket;
}

/** Tries a raw upgrade; resolves with the HTTP status (101 when accepted) and the socket if open. */
export function tryUpgrade(port: number, options: { protocols?: string[]; origin?: string }): Promise<{ status: number; ws?: WebSocket; protocol?: string }> {
  return new Promise((done) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}`, options.protocols ?? [], {
      ...(options.origin === undefined ? {} : { origin: options.origin }),
      perMessageDeflate: false,
    });
    ws.on('unexpected-response', (_req, res) => {
      done({ status: res.statusCode ?? 0 });
      res.resume();
      ws.terminate();
    });
    ws.on('open', () => done({ status: 101, ws, protocol: ws.protocol }));
    ws.on('error', () => done({ status: -1 }));
  });
}

export function relayProtocols(secret: string): string[] {
  return [RELAY_SUBPROTOCOL, SECRET_PROTOCOL_PREFIX + secret];
}
