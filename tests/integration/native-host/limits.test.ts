/** The host's limits and stream rules, in process with small limits (RelayServer directly). */
import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { HostLog } from '../../../native-host/log.js';
import { RelayServer } from '../../../native-host/relay-server.js';
import { relayLimits, type RelayLimits } from '../../../src/relay/limits.js';
import { decodeMessage } from '../../../src/relay/batch.js';
import { encodeData, encodeFrame, Op, RELAY_PROTOCOL_VERSION, type Frame } from '../../../src/relay/protocol.js';
import { EXTENSION_ORIGIN, relayProtocols } from './helpers.js';

const SECRET = '0123456789abcdef0123456789abcdef';
const log = new HostLog('/dev/null');
let servers: RelayServer[] = [];
let peer: Server;
let peerPort: number;

beforeAll(async () => {
  peer = createServer((s) => s.on('error', () => undefined).resume());
  await new Promise<void>((done) => peer.listen(0, '127.0.0.1', done));
  peerPort = (peer.address() as AddressInfo).port;
});
afterAll(() => peer.close());
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

/** A raw client: frames in, decoded frames out. */
class RawClient {
  readonly frames: Frame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private wake: (() => void) | undefined;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      decodeMessage(new Uint8Array(data), 'host', relayLimits(), (frame) => this.frames.push(frame));
      this.wake?.();
    });
    this.closed = new Promise((done) => ws.on('close', (code, reason) => done({ code, reason: reason.toString() })));
  }

  send(frame: Frame | Uint8Array): void {
    this.ws.send(frame instanceof Uint8Array ? frame : encodeFrame(frame));
  }

  async next(op: number, stream?: number): Promise<Frame> {
    for (;;) {
      const index = this.frames.findIndex((f) => f.op === op && (stream === undefined || ('stream' in f && f.stream === stream)));
      if (index >= 0) return this.frames.splice(index, 1)[0]!;
      await new Promise<void>((done) => (this.wake = done));
    }
  }
}

async function client(limits: Partial<RelayLimits> = {}): Promise<RawClient> {
  const server = await RelayServer.start({ secret: SECRET, log, allowedOrigins: [EXTENSION_ORIGIN], limits: relayLimits(limits) });
  servers.push(server);
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}`, relayProtocols(SECRET), { origin: EXTENSION_ORIGIN });
  await new Promise((done) => ws.once('open', done));
  const raw = new RawClient(ws);
  raw.send({ op: Op.HELLO, version: RELAY_PROTOCOL_VERSION, window: 1 << 20 });
  await raw.next(Op.HELLO_OK);
  return raw;
}

const connectFrame = (stream: number): Frame => ({ op: Op.TCP_CONNECT, stream, host: '127.0.0.1', port: peerPort, timeoutMs: 5_000 });

describe('relay limits', () => {
  it('HELLO_OK announces the host window and max DATA size', async () => {
    const server = await RelayServer.start({ secret: SECRET, log, limits: relayLimits({ streamWindowBytes: 4096, maxDataBytes: 1024 }) });
    servers.push(server);
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}`, relayProtocols(SECRET), { origin: EXTENSION_ORIGIN });
    await new Promise((done) => ws.once('open', done));
    const raw = new RawClient(ws);
    raw.send({ op: Op.HELLO, version: RELAY_PROTOCOL_VERSION, window: 1 << 20 });
    expect(await raw.next(Op.HELLO_OK)).toEqual({ op: Op.HELLO_OK, version: RELAY_PROTOCOL_VERSION, window: 4096, maxData: 1024 });
  });

  it('a stream beyond maxStreams is refused with a CLOSE naming the limit', async () => {
    const raw = await client({ maxStreams: 2 });
    for (const id of [1, 2, 3]) raw.send(connectFrame(id));
    await raw.next(Op.CONNECTED, 1);
    await raw.next(Op.CONNECTED, 2);
    expect(await raw.next(Op.CLOSE, 3)).toMatchObject({ kind: 'other', message: expect.stringMatching(/relay limit reached: 2 streams/) });
  });

  it('listeners beyond maxListeners are refused', async () => {
    const raw = await client({ maxListeners: 1 });
    raw.send({ op: Op.TCP_LISTEN, stream: 1, host: '127.0.0.1', port: 0 });
    raw.send({ op: Op.TCP_LISTEN, stream: 2, host: '127.0.0.1', port: 0 });
    await raw.next(Op.LISTENING, 1);
    expect(await raw.next(Op.CLOSE, 2)).toMatchObject({ message: expect.stringMatching(/1 listeners/) });
  });

  it('UDP sockets beyond maxUdpSockets are refused', async () => {
    const raw = await client({ maxUdpSockets: 1 });
    raw.send({ op: Op.UDP_BIND, stream: 1, host: '127.0.0.1', port: 0 });
    raw.send({ op: Op.UDP_BIND, stream: 2, host: '127.0.0.1', port: 0 });
    await raw.next(Op.BOUND, 1);
    expect(await raw.next(Op.CLOSE, 2)).toMatchObject({ message: expect.stringMatching(/1 UDP sockets/) });
  });

  it('connects beyond the burst are refused by the rate limit', async () => {
    const raw = await client({ connectBurst: 2, connectsPerSecond: 0.001 });
    for (const id of [1, 2, 3]) raw.send(connectFrame(id));
    expect(await raw.next(Op.CLOSE, 3)).toMatchObject({ message: expect.stringMatching(/connect rate limit/) });
  });

  it('the connect rate refills: after 1/rate s one more connect passes; refused ones open no socket', async () => {
    let accepted = 0;
    const counter = createServer((s) => { accepted++; s.on('error', () => undefined).resume(); });
    await new Promise<void>((done) => counter.listen(0, '127.0.0.1', done));
    try {
      const port = (counter.address() as AddressInfo).port;
      const connect = (stream: number): Frame => ({ op: Op.TCP_CONNECT, stream, host: '127.0.0.1', port, timeoutMs: 5_000 });
      const raw = await client({ connectBurst: 3, connectsPerSecond: 2 });
      for (const id of [1, 2, 3, 4, 5]) raw.send(connect(id));
      for (const id of [1, 2, 3]) await raw.next(Op.CONNECTED, id);
      for (const id of [4, 5]) expect(await raw.next(Op.CLOSE, id)).toMatchObject({ message: expect.stringMatching(/connect rate limit/) });
      await new Promise((r) => setTimeout(r, 600)); // one token at 2/s
      raw.send(connect(6));
      raw.send(connect(7));
      await raw.next(Op.CONNECTED, 6);
      expect(await raw.next(Op.CLOSE, 7)).toMatchObject({ message: expect.stringMatching(/connect rate limit/) });
      await new Promise((r) => setTimeout(r, 100));
      expect(accepted, 'TCP connections the peer saw: the refused connects never dialed').toBe(4);
    } finally {
      counter.close();
    }
  });

  it('the connect rate is per relay connection, and maxConnections bounds the connections', async () => {
    const server = await RelayServer.start({ secret: SECRET, log, allowedOrigins: [EXTENSION_ORIGIN], limits: relayLimits({ connectBurst: 1, connectsPerSecond: 0.001, maxConnections: 2 }) });
    servers.push(server);
    const open = async (): Promise<{ ws: WebSocket; ok: boolean }> => {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}`, relayProtocols(SECRET), { origin: EXTENSION_ORIGIN });
      const ok = await new Promise<boolean>((done) => {
        ws.once('open', () => done(true));
        ws.once('error', () => done(false));
        ws.once('unexpected-response', () => done(false));
      });
      return { ws, ok };
    };
    const clients: RawClient[] = [];
    for (let i = 0; i < 2; i++) {
      const { ws, ok } = await open();
      expect(ok).toBe(true);
      const raw = new RawClient(ws);
      raw.send({ op: Op.HELLO, version: RELAY_PROTOCOL_VERSION, window: 1 << 20 });
      await raw.next(Op.HELLO_OK);
      clients.push(raw);
    }
    for (const raw of clients) raw.send(connectFrame(1));
    for (const raw of clients) await raw.next(Op.CONNECTED, 1);
    const third = await open();
    expect(third.ok, 'a third relay connection (past maxConnections) is refused at the handshake (503)').toBe(false);
  });

  it('a closed stream frees its slot', async () => {
    const raw = await client({ maxStreams: 1 });
    raw.send(connectFrame(1));
    await raw.next(Op.CONNECTED, 1);
    raw.send({ op: Op.CLOSE, stream: 1, kind: 'none', message: '' });
    raw.send(connectFrame(2));
    await raw.next(Op.CONNECTED, 2);
  });

  it('the connection budget bounds uncredited DATA across all streams', async () => {
    const blaster = createServer((s) => s.on('error', () => undefined).end(Buffer.alloc(8 * 1024 * 1024)));
    await new Promise<void>((done) => blaster.listen(0, '127.0.0.1', done));
    const port = (blaster.address() as AddressInfo).port;
    const budget = 256 * 1024;
    const raw = await client({ maxBufferedBytesTotal: budget });
    raw.send({ ...connectFrame(1), port } as Frame);
    raw.send({ ...connectFrame(2), port } as Frame);
    await new Promise((done) => setTimeout(done, 500));
    const sent = raw.frames.reduce((n, f) => n + (f.op === Op.DATA ? f.data.length : 0), 0);
    expect(sent).toBeGreaterThanOrEqual(budget);
    // At most one read chunk (64 KiB) past the budget per stream: the check runs per frame.
    expect(sent).toBeLessThanOrEqual(budget + 2 * 64 * 1024);
    // Credit reopens it.
    raw.send({ op: Op.CREDIT, stream: 1, bytes: 1 << 20 });
    raw.send({ op: Op.CREDIT, stream: 2, bytes: 1 << 20 });
    await new Promise((done) => setTimeout(done, 300));
    expect(raw.frames.reduce((n, f) => n + (f.op === Op.DATA ? f.data.length : 0), 0)).toBeGreaterThan(sent);
    blaster.close();
  });

  it('a listen that fails answers CLOSE with the error', async () => {
    const raw = await client();
    raw.send({ op: Op.TCP_LISTEN, stream: 1, host: '127.0.0.1', port: peerPort });
    expect(await raw.next(Op.CLOSE, 1)).toMatchObject({ kind: 'other', message: expect.stringMatching(/EADDRINUSE/) });
  });
});

describe('stream rules (each closes the connection with 4000)', () => {
  it('DATA beyond the host window', async () => {
    const raw = await client({ streamWindowBytes: 1000 });
    raw.send(connectFrame(1));
    await raw.next(Op.CONNECTED, 1);
    raw.send(encodeData(1, new Uint8Array(1001)));
    expect(await raw.closed).toMatchObject({ code: 4000, reason: expect.stringMatching(/sent 1001 bytes with only 1000 bytes of credit/) });
  });

  it('a reused stream id', async () => {
    const raw = await client();
    raw.send(connectFrame(5));
    raw.send(connectFrame(5));
    expect(await raw.closed).toMatchObject({ code: 4000, reason: expect.stringMatching(/reuses an id/) });
  });

  it('DATA on a stream never opened', async () => {
    const raw = await client();
    raw.send(encodeData(9, new Uint8Array(1)));
    expect(await raw.closed).toMatchObject({ code: 4000, reason: expect.stringMatching(/stream 9 was never opened/) });
  });

  it('DATA on a UDP stream', async () => {
    const raw = await client();
    raw.send({ op: Op.UDP_BIND, stream: 1, host: '127.0.0.1', port: 0 });
    await raw.next(Op.BOUND, 1);
    raw.send(encodeData(1, new Uint8Array(1)));
    expect(await raw.closed).toMatchObject({ code: 4000, reason: expect.stringMatching(/DATA on udp stream 1/) });
  });

  it('DATA after END', async () => {
    const raw = await client();
    raw.send(connectFrame(1));
    await raw.next(Op.CONNECTED, 1);
    raw.send({ op: Op.END, stream: 1 });
    raw.send(encodeData(1, new Uint8Array(1)));
    expect(await raw.closed).toMatchObject({ code: 4000, reason: expect.stringMatching(/DATA after END/) });
  });

  it('DATA on a stream closed a moment ago is ignored (it crossed our CLOSE)', async () => {
    const raw = await client();
    raw.send(connectFrame(1));
    await raw.next(Op.CONNECTED, 1);
    raw.send({ op: Op.CLOSE, stream: 1, kind: 'none', message: '' });
    raw.send(encodeData(1, new Uint8Array(1)));
    raw.send(connectFrame(2));
    await raw.next(Op.CONNECTED, 2);
  });
});
