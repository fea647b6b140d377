// Two of our uTP endpoints over a simulated link: handshake, ordering, loss, flow control,
// closing, and the TcpSocket contract the peer code relies on.
import { describe, expect, it } from 'vitest';
import type { TcpSocket } from '../../../src/platform/interfaces/index.js';
import { NetError } from '../../../src/platform/interfaces/index.js';
import { decodePacket, ST_FIN, ST_RESET, ST_STATE, type UtpPacket } from '../../../src/engine/utp/packet.js';
import { DEFAULT_UTP_LIMITS } from '../../../src/engine/utp/limits.js';
import { SimLink } from './sim-link.js';

const A = { host: '10.0.0.1', port: 6881 };
const B = { host: '10.0.0.2', port: 6882 };

interface Collected {
  bytes: number;
  chunks: Uint8Array[];
  closes: Array<Error | undefined>;
}

function collect(socket: TcpSocket, keep = true): Collected {
  const c: Collected = { bytes: 0, chunks: [], closes: [] };
  socket.setHandlers({
    data(chunk) {
      c.bytes += chunk.length;
      if (keep) c.chunks.push(chunk.slice());
    },
    close(error) {
      c.closes.push(error);
    },
  });
  return c;
}

function joined(c: Collected): Uint8Array {
  const out = new Uint8Array(c.bytes);
  let at = 0;
  for (const chunk of c.chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

function pattern(size: number, seed = 1): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

function packetsFrom(link: SimLink, from: { port: number }): UtpPacket[] {
  const out: UtpPacket[] = [];
  for (const s of link.sent) {
    if (s.from.port !== from.port) continue;
    const r = decodePacket(s.data, DEFAULT_UTP_LIMITS);
    if ('packet' in r) out.push(r.packet);
  }
  return out;
}

/** A connected pair: `client` dialled from A, `server` accepted at B. */
async function pair(link: SimLink, limitsA = {}, limitsB = {}) {
  const a = link.transport(A.host, A.port, limitsA);
  const b = link.transport(B.host, B.port, limitsB);
  let server: TcpSocket | undefined;
  b.onIncoming((s) => (server = s));
  let client: TcpSocket | undefined;
  void a.connect(B).then((s) => (client = s));
  await link.runUntil(() => client !== undefined && server !== undefined, 5000);
  if (!client || !server) throw new Error('no connection');
  return { a, b, client, server };
}

describe('uTP connection setup', () => {
  it('connects, and data flows both ways in order', async () => {
    const link = new SimLink();
    const { client, server } = await pair(link);
    const atServer = collect(server);
    const atClient = collect(client);
    client.write(Uint8Array.of(1, 2, 3));
    server.write(Uint8Array.of(9, 8));
    await link.runUntil(() => atServer.bytes === 3 && atClient.bytes === 2, 2000);
    expect([...joined(atServer)]).toEqual([1, 2, 3]);
    expect([...joined(atClient)]).toEqual([9, 8]);
    expect(client.remote).toEqual(B);
    expect(server.remote).toEqual(A);
  });

  it('uses connection ids that differ by one (BEP 29)', async () => {
    const link = new SimLink();
    await pair(link);
    const syn = packetsFrom(link, A)[0]!;
    const reply = packetsFrom(link, B)[0]!;
    expect(reply.type).toBe(ST_STATE);
    expect(reply.connectionId).toBe(syn.connectionId);
    expect(reply.ackNr).toBe(syn.seqNr);
    const next = packetsFrom(link, A).find((p) => p.type === ST_STATE);
    if (next) expect(next.connectionId).toBe((syn.connectionId + 1) & 0xffff);
  });

  it('survives a lost SYN (retransmitted on the timer)', async () => {
    const link = new SimLink();
    link.loss = 1;
    const a = link.transport(A.host, A.port);
    const b = link.transport(B.host, B.port);
    let accepted = 0;
    b.onIncoming(() => accepted++);
    let done = false;
    void a.connect(B).then(() => (done = true));
    await link.run(200);
    link.loss = 0;
    await link.runUntil(() => done, 5000);
    expect(done).toBe(true);
    expect(accepted).toBe(1);
  });

  it('answers a duplicate SYN again without a second connection', async () => {
    const link = new SimLink();
    const a = link.transport(A.host, A.port);
    const b = link.transport(B.host, B.port);
    let accepted = 0;
    b.onIncoming(() => accepted++);
    // Drop only B's replies for a while: A keeps resending the same SYN.
    const send = link.send.bind(link);
    let dropReplies = true;
    let replies = 0;
    link.send = (from, to, data) => {
      if (from.port === B.port) replies++;
      if (!(dropReplies && from.port === B.port)) send(from, to, data);
    };
    let done = false;
    void a.connect(B).then(() => (done = true));
    await link.run(2500);
    dropReplies = false;
    await link.runUntil(() => done, 5000);
    expect(done).toBe(true);
    expect(accepted).toBe(1);
    expect(replies).toBeGreaterThan(1);
  });

  it('connect is refused (RESET) when nobody listens', async () => {
    const link = new SimLink();
    const a = link.transport(A.host, A.port);
    link.transport(B.host, B.port); // no onIncoming
    let error: unknown;
    void a.connect(B).catch((e) => (error = e));
    await link.runUntil(() => error !== undefined, 2000);
    expect(error).toBeInstanceOf(NetError);
    expect((error as NetError).kind).toBe('refused');
  });

  it('connect times out when the peer never answers', async () => {
    const link = new SimLink();
    const a = link.transport(A.host, A.port);
    let error: unknown;
    void a.connect(B, { timeoutMs: 3000 }).catch((e) => (error = e));
    await link.runUntil(() => error !== undefined, 5000, 50);
    expect((error as NetError).kind).toBe('timeout');
    expect(a.stats().connections).toBe(0);
  });

  it('refuses a SYN past maxConnections with a RESET', async () => {
    const link = new SimLink();
    const b = link.transport(B.host, B.port, { maxConnections: 1 });
    b.onIncoming(() => undefined);
    const a1 = link.transport(A.host, A.port);
    const a2 = link.transport('10.0.0.3', 7000);
    let first = false;
    let second: unknown;
    void a1.connect(B).then(() => (first = true));
    void a2.connect(B).catch((e) => (second = e));
    await link.runUntil(() => first && second !== undefined, 2000);
    expect(first).toBe(true);
    expect((second as NetError).kind).toBe('refused');
  });

  it('rejects connect() past maxConnections locally', async () => {
    const link = new SimLink();
    const a = link.transport(A.host, A.port, { maxConnections: 1 });
    void a.connect(B).catch(() => undefined);
    await expect(a.connect(B)).rejects.toThrow(/too many uTP connections/);
  });
});

describe('uTP data transfer', () => {
  it('moves 5 MiB intact over a link with 5% loss and reordering', async () => {
    const link = new SimLink({ loss: 0.05, delayMs: 10, jitterMs: 8, seed: 42 });
    const { client, server } = await pair(link);
    const data = pattern(5 * 1024 * 1024);
    const got = collect(server);
    let offset = 0;
    const pump = () => {
      while (offset < data.length) {
        const end = Math.min(data.length, offset + 16 * 1024);
        const more = client.write(data.subarray(offset, end));
        offset = end;
        if (!more) return;
      }
    };
    client.setHandlers({ data: () => undefined, drain: pump, close: () => undefined });
    pump();
    const ok = await link.runUntil(() => got.bytes >= data.length, 600_000, 10);
    expect(ok).toBe(true);
    expect(got.bytes).toBe(data.length);
    expect(Buffer.from(joined(got)).equals(Buffer.from(data))).toBe(true);
  }, 120_000);

  it('write() returns false past the high-water mark, then drain fires', async () => {
    const link = new SimLink();
    const { client, server } = await pair(link, { sendHighWaterMark: 64 * 1024 });
    collect(server, false);
    let drains = 0;
    client.setHandlers({ data: () => undefined, drain: () => drains++, close: () => undefined });
    expect(client.write(new Uint8Array(32 * 1024))).toBe(true);
    expect(client.write(new Uint8Array(64 * 1024))).toBe(false);
    expect(client.bufferedAmount).toBeGreaterThan(0);
    await link.runUntil(() => drains > 0, 5000);
    expect(drains).toBe(1);
  });

  it('pause() stops delivery and closes the advertised window; resume() delivers the rest', async () => {
    const link = new SimLink();
    const limits = { receiveBufferBytes: 64 * 1024 };
    const { client, server } = await pair(link, {}, limits);
    const got = collect(server, false);
    server.pause();
    const data = new Uint8Array(300 * 1024);
    client.write(data);
    await link.run(2000);
    expect(got.bytes).toBe(0);
    // The sender held back: no more than the window (plus one packet of slack) was taken.
    const acks = packetsFrom(link, B).filter((p) => p.type === ST_STATE);
    expect(acks.at(-1)!.wndSize).toBeLessThan(DEFAULT_UTP_LIMITS.maxPayload);
    expect(client.bufferedAmount).toBeGreaterThan(200 * 1024);
    server.resume();
    await link.runUntil(() => got.bytes === data.length, 30_000);
    expect(got.bytes).toBe(data.length);
  });

  it('data that arrives before setHandlers is delivered after it', async () => {
    const link = new SimLink();
    const a = link.transport(A.host, A.port);
    const b = link.transport(B.host, B.port);
    let server: TcpSocket | undefined;
    b.onIncoming((s) => (server = s));
    let client: TcpSocket | undefined;
    void a.connect(B).then((s) => (client = s));
    await link.runUntil(() => client !== undefined, 2000);
    client!.write(Uint8Array.of(5, 6, 7));
    await link.run(100);
    const got = collect(server!);
    await link.run(10);
    expect([...joined(got)]).toEqual([5, 6, 7]);
  });
});

describe('uTP closing', () => {
  it('close() sends a FIN after queued data; the peer gets every byte, then one close', async () => {
    const link = new SimLink({ loss: 0.02, jitterMs: 5 });
    const { client, server } = await pair(link);
    const got = collect(server);
    const mine = collect(client);
    const data = pattern(200 * 1024, 3);
    client.write(data);
    client.close();
    expect(client.write(Uint8Array.of(1))).toBe(false);
    await link.runUntil(() => got.closes.length > 0 && mine.closes.length > 0, 30_000);
    expect(got.bytes).toBe(data.length);
    expect(Buffer.from(joined(got)).equals(Buffer.from(data))).toBe(true);
    expect(got.closes).toEqual([undefined]);
    expect(mine.closes).toEqual([undefined]);
    expect(packetsFrom(link, A).some((p) => p.type === ST_FIN)).toBe(true);
    await link.run(5000);
    expect(got.closes.length).toBe(1);
  });

  it('destroy() sends a RESET: the peer closes with an error, we close without one', async () => {
    const link = new SimLink();
    const { client, server } = await pair(link);
    const got = collect(server);
    const mine = collect(client);
    client.destroy();
    await link.runUntil(() => got.closes.length > 0 && mine.closes.length > 0, 2000);
    expect(mine.closes).toEqual([undefined]);
    expect(got.closes[0]).toBeInstanceOf(NetError);
    expect(String(got.closes[0])).toMatch(/reset/);
    expect(packetsFrom(link, A).some((p) => p.type === ST_RESET)).toBe(true);
  });

  it('the close handler never runs inside destroy()', async () => {
    const link = new SimLink();
    const { client } = await pair(link);
    const mine = collect(client);
    client.destroy();
    expect(mine.closes).toEqual([]);
    await link.run(10);
    expect(mine.closes).toEqual([undefined]);
  });

  it('a peer that goes silent is closed with a timeout', async () => {
    const link = new SimLink();
    const { client } = await pair(link, { idleTimeoutMs: 5000, keepAliveMs: 1000 });
    const mine = collect(client);
    link.up = false;
    await link.runUntil(() => mine.closes.length > 0, 10_000, 50);
    expect((mine.closes[0] as NetError).kind).toBe('timeout');
  });

  it('sends keep-alives while idle, so an idle connection stays up', async () => {
    const link = new SimLink();
    const { client, server } = await pair(link, { idleTimeoutMs: 5000, keepAliveMs: 1000 }, { idleTimeoutMs: 5000, keepAliveMs: 1000 });
    const mine = collect(client);
    const theirs = collect(server);
    await link.run(20_000, 50);
    expect(mine.closes).toEqual([]);
    expect(theirs.closes).toEqual([]);
  });

  it('a FIN ahead of a hole the peer never fills ends the connection after finWaitMs, not idleTimeoutMs', async () => {
    // libtorrent, dropping a peer on an error, sends its FIN and never resends what was lost.
    // Here the lost packet is resent but never gets through, while the FIN's retransmissions
    // do: the connection is alive, the stream cannot move.
    const link = new SimLink();
    const { client, server } = await pair(link);
    const mine = collect(client);
    collect(server);
    // The server's 5th data packet never arrives, however often it is sent.
    let victim = -1;
    let dataSeen = 0;
    link.drop = (from, _to, data) => {
      if (from.port !== B.port || data[0]! >> 4 !== 0) return false;
      const seq = (data[16]! << 8) | data[17]!;
      if (victim < 0 && ++dataSeen === 5) victim = seq;
      return seq === victim;
    };
    server.write(pattern(20 * 1400, 4));
    server.close();
    const start = link.clock.now();
    await link.runUntil(() => mine.closes.length > 0, 60_000, 50);
    const closedAfter = link.clock.now() - start;
    expect(mine.bytes).toBe(4 * 1400);
    expect((mine.closes[0] as NetError).kind).toBe('closed');
    expect(String(mine.closes[0])).toMatch(/never resent/);
    expect(closedAfter).toBeGreaterThanOrEqual(DEFAULT_UTP_LIMITS.finWaitMs);
    expect(closedAfter).toBeLessThan(DEFAULT_UTP_LIMITS.finWaitMs + 1000);
  });

  it('a FIN ahead of a hole that is filled late still ends cleanly with every byte', async () => {
    const link = new SimLink();
    const { client, server } = await pair(link);
    const mine = collect(client);
    collect(server);
    // The server's 5th data packet is lost three times (the FIN overtakes it), then arrives.
    let victim = -1;
    let dataSeen = 0;
    let drops = 0;
    link.drop = (from, _to, data) => {
      if (from.port !== B.port || data[0]! >> 4 !== 0) return false;
      const seq = (data[16]! << 8) | data[17]!;
      if (victim < 0 && ++dataSeen === 5) victim = seq;
      if (seq !== victim || drops === 3) return false;
      drops++;
      return true;
    };
    const data = pattern(20 * 1400, 5);
    server.write(data);
    server.close();
    await link.runUntil(() => mine.closes.length > 0, 60_000, 50);
    expect(drops).toBe(3);
    expect(mine.closes).toEqual([undefined]);
    expect(Buffer.from(joined(mine)).equals(Buffer.from(data))).toBe(true);
  });

  it('transport.close() resets every connection', async () => {
    const link = new SimLink();
    const { a, server } = await pair(link);
    const theirs = collect(server);
    a.close();
    await link.runUntil(() => theirs.closes.length > 0, 2000);
    expect((theirs.closes[0] as NetError).kind).toBe('closed');
  });
});
