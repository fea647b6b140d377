import { describe, expect, it } from 'vitest';
import { MemoryHub } from '../../../src/platform/memory/memory-hub.js';
import { NetError, type Endpoint, type TcpSocket } from '../../../src/platform/interfaces/net.js';
import { concat, equalBytes, fromUtf8, utf8 } from '../../../src/engine/util/bytes.js';

const tick = (ms = 5): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Recorder {
  chunks: Uint8Array[];
  closes: Array<Error | undefined>;
  drains: number;
  bytes(): Uint8Array;
}

function record(socket: TcpSocket): Recorder {
  const r: Recorder = { chunks: [], closes: [], drains: 0, bytes: () => concat(r.chunks) };
  socket.setHandlers({
    data: (c) => r.chunks.push(c),
    drain: () => r.drains++,
    close: (e) => r.closes.push(e),
  });
  return r;
}

async function connectedPair(hub: MemoryHub): Promise<[TcpSocket, TcpSocket]> {
  let server!: TcpSocket;
  await hub.host('10.0.0.1').listen(6881, '0.0.0.0', (s) => (server = s));
  const client = await hub.host('10.0.0.2').connect({ host: '10.0.0.1', port: 6881 });
  return [client, server];
}

describe('MemoryNetwork TCP', () => {
  it('connects hosts and names each side\'s remote', async () => {
    const hub = new MemoryHub();
    const [client, server] = await connectedPair(hub);
    expect(client.remote).toEqual({ host: '10.0.0.1', port: 6881 });
    expect(server.remote.host).toBe('10.0.0.2');
    expect(server.remote.port).toBeGreaterThan(0);
  });

  it('delivers asynchronously, never inside write()', async () => {
    const hub = new MemoryHub();
    const [client, server] = await connectedPair(hub);
    const r = record(server);
    client.write(utf8('x'));
    expect(r.chunks).toHaveLength(0);
    await tick();
    expect(fromUtf8(r.bytes())).toBe('x');
  });

  it('keeps order across writes when splitting into random chunks', async () => {
    const hub = new MemoryHub({ maxChunk: 7 });
    const [client, server] = await connectedPair(hub);
    const r = record(server);
    const writes = Array.from({ length: 50 }, (_, i) => new Uint8Array(1 + (i % 13)).fill(i));
    for (const w of writes) client.write(w);
    await tick(20);
    expect(equalBytes(r.bytes(), concat(writes))).toBe(true);
    expect(r.chunks.every((c) => c.length >= 1 && c.length <= 7)).toBe(true);
    expect(r.chunks.length).toBeGreaterThan(writes.length / 2);
  });

  it('splitting joins small writes too (several messages in one chunk)', async () => {
    const hub = new MemoryHub({ maxChunk: 64 });
    const [client, server] = await connectedPair(hub);
    const r = record(server);
    for (let i = 0; i < 100; i++) client.write(new Uint8Array([i]));
    await tick(20);
    expect(r.chunks.some((c) => c.length > 1)).toBe(true);
    expect([...r.bytes()]).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('copies written bytes: the sender may reuse its buffer', async () => {
    const hub = new MemoryHub();
    const [client, server] = await connectedPair(hub);
    const r = record(server);
    const buf = utf8('abc');
    client.write(buf);
    buf.fill(0);
    await tick();
    expect(fromUtf8(r.bytes())).toBe('abc');
  });

  it('holds data written before setHandlers and delivers it after', async () => {
    const hub = new MemoryHub();
    const [client, server] = await connectedPair(hub);
    client.write(utf8('early'));
    await tick();
    expect(client.bufferedAmount).toBe(5);
    const r = record(server);
    await tick();
    expect(fromUtf8(r.bytes())).toBe('early');
    expect(client.bufferedAmount).toBe(0);
  });

  it('refuses a connect to a port nobody listens on', async () => {
    const hub = new MemoryHub();
    hub.host('10.0.0.1');
    const error = await hub.host('10.0.0.2').connect({ host: '10.0.0.1', port: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetError);
    expect((error as NetError).kind).toBe('refused');
  });

  it('reports an unknown host as unreachable', async () => {
    const hub = new MemoryHub();
    const error = await hub.host('10.0.0.2').connect({ host: '10.9.9.9', port: 1 }).catch((e: unknown) => e);
    expect((error as NetError).kind).toBe('unreachable');
  });

  it('times out connecting to a blackholed host', async () => {
    const hub = new MemoryHub();
    hub.blackhole('10.6.6.6');
    const error = await hub.host('10.0.0.2').connect({ host: '10.6.6.6', port: 1 }, { timeoutMs: 10 }).catch((e: unknown) => e);
    expect((error as NetError).kind).toBe('timeout');
  });

  it('refuses connects after the listener closed', async () => {
    const hub = new MemoryHub();
    const listener = await hub.host('10.0.0.1').listen(0, '0.0.0.0', () => undefined);
    await listener.close();
    const error = await hub.host('10.0.0.2').connect({ host: '10.0.0.1', port: listener.port }).catch((e: unknown) => e);
    expect((error as NetError).kind).toBe('refused');
  });

  it('rejects listening twice on one port', async () => {
    const hub = new MemoryHub();
    await hub.host('10.0.0.1').listen(7000, '0.0.0.0', () => undefined);
    await expect(hub.host('10.0.0.1').listen(7000, '0.0.0.0', () => undefined)).rejects.toBeInstanceOf(NetError);
  });

  it('close() delivers queued data, then closes both sides once, without error', async () => {
    const hub = new MemoryHub({ maxChunk: 3 });
    const [client, server] = await connectedPair(hub);
    const rs = record(server);
    const rc = record(client);
    client.write(utf8('last words'));
    client.close();
    client.close();
    expect(client.write(utf8('too late'))).toBe(false);
    await tick(20);
    expect(fromUtf8(rs.bytes())).toBe('last words');
    expect(rs.closes).toEqual([undefined]);
    expect(rc.closes).toEqual([undefined]);
  });

  it('destroy() drops queued data and the remote sees an error', async () => {
    const hub = new MemoryHub();
    const [client, server] = await connectedPair(hub);
    const rs = record(server);
    const rc = record(client);
    client.write(utf8('dropped'));
    client.destroy();
    client.destroy();
    await tick();
    expect(rs.chunks).toHaveLength(0);
    expect(rs.closes).toHaveLength(1);
    expect(rs.closes[0]).toBeInstanceOf(NetError);
    expect(rc.closes).toEqual([undefined]);
  });

  it('reports a close that happened before setHandlers', async () => {
    const hub = new MemoryHub();
    const [client, server] = await connectedPair(hub);
    client.destroy();
    await tick();
    const rs = record(server);
    await tick();
    expect(rs.closes).toHaveLength(1);
  });

  it('pause() stops delivery and pushes back on the writer; resume() continues', async () => {
    const hub = new MemoryHub({ highWaterMark: 100 });
    const [client, server] = await connectedPair(hub);
    const rs = record(server);
    const rc = record(client);
    server.pause();
    expect(client.write(new Uint8Array(60))).toBe(true);
    expect(client.write(new Uint8Array(60))).toBe(false);
    await tick();
    expect(rs.chunks).toHaveLength(0);
    expect(client.bufferedAmount).toBe(120);
    server.resume();
    await tick();
    expect(rs.bytes().length).toBe(120);
    expect(client.bufferedAmount).toBe(0);
    expect(rc.drains).toBe(1);
  });

  it('pause() from inside the data handler stops the next chunk', async () => {
    const hub = new MemoryHub({ maxChunk: 1 });
    const [client, server] = await connectedPair(hub);
    const got: number[] = [];
    server.setHandlers({
      data: (c) => {
        got.push(c[0]!);
        server.pause();
      },
      close: () => undefined,
    });
    client.write(new Uint8Array([1, 2, 3]));
    await tick();
    expect(got).toEqual([1]);
    server.resume();
    await tick();
    expect(got).toEqual([1, 2]);
  });

  it('a graceful close waits for a paused reader', async () => {
    const hub = new MemoryHub();
    const [client, server] = await connectedPair(hub);
    const rs = record(server);
    server.pause();
    client.write(utf8('pending'));
    client.close();
    await tick();
    expect(rs.closes).toHaveLength(0);
    server.resume();
    await tick();
    expect(fromUtf8(rs.bytes())).toBe('pending');
    expect(rs.closes).toEqual([undefined]);
  });
});

describe('MemoryNetwork UDP', () => {
  it('delivers datagrams between hosts with the sender endpoint', async () => {
    const hub = new MemoryHub();
    const a = await hub.host('10.0.0.1').bindUdp(0, '0.0.0.0');
    const b = await hub.host('10.0.0.2').bindUdp(6881, '0.0.0.0');
    const got: Array<[string, Endpoint]> = [];
    b.setHandler((data, from) => got.push([fromUtf8(data), from]));
    a.send(utf8('ping'), { host: '10.0.0.2', port: 6881 });
    await tick();
    expect(got).toEqual([['ping', { host: '10.0.0.1', port: a.port }]]);
  });

  it('drops datagrams to nobody, and to a closed socket', async () => {
    const hub = new MemoryHub();
    const a = await hub.host('10.0.0.1').bindUdp(0, '0.0.0.0');
    const b = await hub.host('10.0.0.2').bindUdp(0, '0.0.0.0');
    const got: Uint8Array[] = [];
    b.setHandler((data) => got.push(data));
    a.send(utf8('x'), { host: '10.0.0.3', port: 1 });
    b.close();
    a.send(utf8('y'), { host: '10.0.0.2', port: b.port });
    await tick();
    expect(got).toHaveLength(0);
  });

  it('loses every datagram at udpLoss 1', async () => {
    const hub = new MemoryHub({ udpLoss: 1 });
    const a = await hub.host('10.0.0.1').bindUdp(0, '0.0.0.0');
    const b = await hub.host('10.0.0.2').bindUdp(0, '0.0.0.0');
    const got: Uint8Array[] = [];
    b.setHandler((data) => got.push(data));
    a.send(utf8('x'), { host: '10.0.0.2', port: b.port });
    await tick();
    expect(got).toHaveLength(0);
  });
});
