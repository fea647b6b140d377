/** The native host as Chrome sees it: native messaging on stdio, the relay's handshake rules. */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { encodeFrame, Op, RELAY_PROTOCOL_VERSION, RELAY_SUBPROTOCOL } from '../../../src/relay/protocol.js';
import { RelayNetwork } from '../../../src/platform/browser/relay-network.js';
import { DEFAULT_RELAY_LIMITS } from '../../../src/relay/limits.js';
import { EXTENSION_ORIGIN, HostProcess, relayProtocols, requireBuild, tryUpgrade, wsWithOrigin } from './helpers.js';

beforeAll(requireBuild);

const hosts: HostProcess[] = [];
afterEach(async () => {
  for (const host of hosts.splice(0)) if (host.child.exitCode === null) await host.stop();
});

async function startHost(env: Record<string, string> = {}): Promise<{ host: HostProcess; port: number; secret: string }> {
  const host = HostProcess.spawn(undefined, undefined, env);
  hosts.push(host);
  const ready = await host.ready();
  return { host, port: ready.port, secret: ready.secret };
}

function hello(ws: WebSocket, version = RELAY_PROTOCOL_VERSION): void {
  ws.send(encodeFrame({ op: Op.HELLO, version, window: 1 << 20 }));
}

function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((done) => ws.on('close', (code, reason) => done({ code, reason: reason.toString() })));
}

function nextMessage(ws: WebSocket): Promise<Buffer> {
  return new Promise((done) => ws.once('message', (data: Buffer) => done(data)));
}

async function openRelay(port: number, secret: string): Promise<WebSocket> {
  const { status, ws } = await tryUpgrade(port, { protocols: relayProtocols(secret), origin: EXTENSION_ORIGIN });
  expect(status).toBe(101);
  return ws!;
}

describe('native messaging', () => {
  it('ready carries the port, a 128-bit secret and the protocol version', async () => {
    const { port, secret, host } = await startHost();
    expect(port).toBeGreaterThan(0);
    expect(secret).toMatch(/^[0-9a-f]{32}$/);
    expect(host.messages).toEqual([]);
    const again = await startHost();
    expect(again.secret).not.toBe(secret);
  });

  it('ready says version 2 (BATCH messages)', async () => {
    const host = HostProcess.spawn();
    hosts.push(host);
    expect((await host.ready()).version).toBe(RELAY_PROTOCOL_VERSION);
  });

  it('ping is answered with pong', async () => {
    const { host } = await startHost();
    host.send({ type: 'ping' });
    expect(await host.next('pong')).toEqual({ type: 'pong' });
  });

  it('an unknown message gets an error reply, and the host keeps running', async () => {
    const { host } = await startHost();
    host.send({ type: 'format-disk' });
    expect((await host.next('error'))['message']).toMatch(/unknown message type/);
    host.send({ type: 'ping' });
    await host.next('pong');
  });

  it('exits cleanly when stdin closes, and the relay port is gone', async () => {
    const { host, port } = await startHost();
    const started = Date.now();
    expect(await host.stop()).toBe(0);
    expect(Date.now() - started).toBeLessThan(3_000);
    const server = createServer();
    // The port is free again (nothing listens there any more).
    await new Promise<void>((done, fail) => server.once('error', fail).listen(port, '127.0.0.1', done));
    server.close();
  });

  it('exits when stdin closes even with a relay connection open', async () => {
    const { host, port, secret } = await startHost();
    const ws = await openRelay(port, secret);
    hello(ws);
    await nextMessage(ws);
    const gone = closed(ws);
    expect(await host.stop()).toBe(0);
    expect((await gone).code).toBe(1001);
  });
});

describe('relay handshake', () => {
  it('no secret: 401', async () => {
    const { port } = await startHost();
    expect((await tryUpgrade(port, { protocols: [RELAY_SUBPROTOCOL], origin: EXTENSION_ORIGIN })).status).toBe(401);
  });

  it('no subprotocol header at all: 401', async () => {
    const { port } = await startHost();
    expect((await tryUpgrade(port, { origin: EXTENSION_ORIGIN })).status).toBe(401);
  });

  it('wrong secret of the right length: 401', async () => {
    const { port, secret } = await startHost();
    const wrong = secret.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    expect((await tryUpgrade(port, { protocols: relayProtocols(wrong), origin: EXTENSION_ORIGIN })).status).toBe(401);
  });

  it('secret prefix only: 401', async () => {
    const { port, secret } = await startHost();
    expect((await tryUpgrade(port, { protocols: relayProtocols(secret.slice(0, 16)), origin: EXTENSION_ORIGIN })).status).toBe(401);
  });

  it('right secret, wrong Origin: 403', async () => {
    const { port, secret } = await startHost();
    expect((await tryUpgrade(port, { protocols: relayProtocols(secret), origin: 'https://evil.example' })).status).toBe(403);
  });

  it('right secret, another extension: 403', async () => {
    const { port, secret } = await startHost();
    expect((await tryUpgrade(port, { protocols: relayProtocols(secret), origin: 'chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' })).status).toBe(403);
  });

  it('right secret, no Origin: 403', async () => {
    const { port, secret } = await startHost();
    expect((await tryUpgrade(port, { protocols: relayProtocols(secret) })).status).toBe(403);
  });

  it('secret and Origin right: connects, and the chosen subprotocol does not echo the secret', async () => {
    const { port, secret } = await startHost();
    const result = await tryUpgrade(port, { protocols: relayProtocols(secret), origin: EXTENSION_ORIGIN });
    expect(result.status).toBe(101);
    expect(result.protocol).toBe(RELAY_SUBPROTOCOL);
    result.ws!.close();
  });

  it('answers HELLO with HELLO_OK', async () => {
    const { port, secret } = await startHost();
    const ws = await openRelay(port, secret);
    hello(ws);
    const reply = await nextMessage(ws);
    expect(reply[0]).toBe(Op.HELLO_OK);
    expect(reply.readUInt16BE(5)).toBe(RELAY_PROTOCOL_VERSION);
    ws.close();
  });

  it('an unsupported version is closed with a reason naming both versions', async () => {
    const { port, secret } = await startHost();
    const ws = await openRelay(port, secret);
    const gone = closed(ws);
    hello(ws, 7);
    const { code, reason } = await gone;
    expect(code).toBe(4002);
    expect(reason).toMatch(new RegExp(`protocol 7 unsupported; host speaks ${RELAY_PROTOCOL_VERSION}`));
  });

  it('a frame before HELLO closes the connection', async () => {
    const { port, secret } = await startHost();
    const ws = await openRelay(port, secret);
    const gone = closed(ws);
    ws.send(encodeFrame({ op: Op.UDP_BIND, stream: 1, port: 0, host: '127.0.0.1' }));
    expect(await gone).toMatchObject({ code: 4000, reason: expect.stringMatching(/expected HELLO first/) });
  });

  it('a stalled client without HELLO is closed within seconds', async () => {
    const { port, secret } = await startHost();
    const ws = await openRelay(port, secret);
    const started = Date.now();
    expect((await closed(ws)).code).toBe(4001);
    expect(Date.now() - started).toBeLessThan(7_000);
  }, 10_000);

  it('a text message is a protocol error', async () => {
    const { port, secret } = await startHost();
    const ws = await openRelay(port, secret);
    const gone = closed(ws);
    ws.send('hello?');
    expect((await gone).code).toBe(4000);
  });

  it('a malformed frame closes only that connection; a second one keeps working', async () => {
    const { port, secret } = await startHost();
    const bad = await openRelay(port, secret);
    const good = await RelayNetwork.connect({ url: `ws://127.0.0.1:${port}`, secret, WebSocketImpl: wsWithOrigin() });
    hello(bad);
    await nextMessage(bad);
    const gone = closed(bad);
    bad.send(Buffer.from([Op.CREDIT, 0, 0, 0, 1, 0, 0])); // CREDIT must be 9 bytes
    expect(await gone).toMatchObject({ code: 4000, reason: expect.stringMatching(/CREDIT must be 9 bytes/) });

    const echo = createServer((s) => s.on('error', () => undefined).pipe(s)).listen(0, '127.0.0.1');
    await new Promise((done) => echo.once('listening', done));
    const socket = await good.connect({ host: '127.0.0.1', port: (echo.address() as AddressInfo).port });
    const reply = new Promise<string>((done) => socket.setHandlers({ data: (d) => done(Buffer.from(d).toString()), close: () => undefined }));
    socket.write(Buffer.from('still here'));
    expect(await reply).toBe('still here');
    good.close();
    echo.close();
  });

  it('an oversized frame closes the connection (1009)', async () => {
    const { port, secret } = await startHost();
    const ws = await openRelay(port, secret);
    hello(ws);
    await nextMessage(ws);
    const gone = closed(ws);
    ws.send(Buffer.alloc(DEFAULT_RELAY_LIMITS.maxFrameBytes + 1));
    expect((await gone).code).toBe(1009);
  });
});

describe('the secret stays secret', () => {
  it('is not in argv, the environment, stderr or the log file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'relay-log-'));
    const logFile = join(dir, 'host.log');
    const { host, port, secret } = await startHost({ TORRENTEDGE_HOST_LOG: logFile });
    const pid = host.child.pid!;
    // Exercise every logging path: refused upgrades, a protocol error, a clean connection.
    await tryUpgrade(port, { protocols: relayProtocols(secret), origin: 'https://evil.example' });
    await tryUpgrade(port, { protocols: relayProtocols('0'.repeat(32)), origin: EXTENSION_ORIGIN });
    const ws = await openRelay(port, secret);
    const gone = closed(ws);
    ws.send(Buffer.from([0xff, 0, 0, 0, 0]));
    await gone;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    const environ = await readFile(`/proc/${pid}/environ`, 'utf8');
    expect(cmdline).toContain('main.js');
    expect(cmdline).not.toContain(secret);
    expect(environ).toContain('TORRENTEDGE_HOST_LOG');
    expect(environ).not.toContain(secret);
    await host.stop();
    const log = await readFile(logFile, 'utf8');
    expect(log).toMatch(/relay listening on 127\.0\.0\.1/);
    expect(log).toMatch(/closing relay connection/);
    expect(log).not.toContain(secret);
    expect(host.stderr).not.toContain(secret);
  });
});
