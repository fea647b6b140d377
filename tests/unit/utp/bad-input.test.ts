// Hostile and broken datagrams against a live uTP transport: each is dropped (or answered with
// a RESET where BEP 29 says so), nothing throws, and the real connection keeps working.
import { describe, expect, it } from 'vitest';
import type { Endpoint, TcpSocket } from '../../../src/platform/interfaces/index.js';
import { SeededRandom } from '../../../src/engine/util/random.js';
import { DEFAULT_UTP_LIMITS } from '../../../src/engine/utp/limits.js';
import {
  decodePacket, encodePacket, ST_DATA, ST_FIN, ST_RESET, ST_STATE, ST_SYN, type UtpPacket,
} from '../../../src/engine/utp/packet.js';
import { SimLink } from './sim-link.js';

const B = { host: '10.0.0.2', port: 6882 };
const EVIL = { host: '10.0.0.9', port: 666 };

/** A live connection dialled by a raw endpoint we control byte by byte, accepted at B. */
async function rawPeer() {
  const link = new SimLink();
  const b = link.transport(B.host, B.port);
  let server: TcpSocket | undefined;
  b.onIncoming((s) => (server = s));
  const replies: UtpPacket[] = [];
  const send = link.raw(EVIL.host, EVIL.port, (data) => {
    const r = decodePacket(data, DEFAULT_UTP_LIMITS);
    if ('packet' in r) replies.push(r.packet);
  });
  const recvId = 1000;
  const packet = (over: Partial<UtpPacket>): Uint8Array =>
    encodePacket({ type: ST_DATA, connectionId: recvId + 1, timestamp: 1, timestampDiff: 0, wndSize: 65536, seqNr: 2, ackNr: 0, payload: new Uint8Array(0), ...over });
  send(packet({ type: ST_SYN, connectionId: recvId, seqNr: 1 }), B);
  await link.runUntil(() => server !== undefined && replies.length > 0, 1000);
  const got: number[] = [];
  const closes: Array<Error | undefined> = [];
  server!.setHandlers({ data: (c) => got.push(...c), close: (e) => closes.push(e) });
  const theirSeq = replies[0]!.seqNr;
  return { link, b, server: server!, replies, got, closes, theirSeq, packet, send: (bytes: Uint8Array) => send(bytes, B) };
}

describe('uTP bad input', () => {
  it('a DHT datagram is not uTP: handlePacket returns false', () => {
    const link = new SimLink();
    const t = link.transport(B.host, B.port);
    expect(t.handlePacket(new TextEncoder().encode('d1:y1:qe'), EVIL)).toBe(false);
  });

  it('a datagram with a version other than 1 is not uTP', () => {
    const link = new SimLink();
    const t = link.transport(B.host, B.port);
    expect(t.handlePacket(Uint8Array.of(0x02, ...new Uint8Array(30)), EVIL)).toBe(false);
  });

  it('a too-short packet is consumed and dropped', () => {
    const link = new SimLink();
    const t = link.transport(B.host, B.port);
    expect(t.handlePacket(Uint8Array.of(0x01, 0, 0), EVIL)).toBe(true);
    expect(t.stats().dropped).toBe(1);
    expect(link.sent).toEqual([]);
  });

  it('a packet for an unknown connection id is answered with ST_RESET', () => {
    const link = new SimLink();
    const t = link.transport(B.host, B.port);
    const data = encodePacket({ type: ST_DATA, connectionId: 77, timestamp: 0, timestampDiff: 0, wndSize: 0, seqNr: 5, ackNr: 0, payload: Uint8Array.of(1) });
    expect(t.handlePacket(data, EVIL)).toBe(true);
    expect(link.sent.length).toBe(1);
    const reset = decodePacket(link.sent[0]!.data, DEFAULT_UTP_LIMITS);
    expect('packet' in reset && reset.packet.type).toBe(ST_RESET);
    expect('packet' in reset && reset.packet.connectionId).toBe(77);
  });

  it('a RESET for an unknown connection id is ignored (never answered: no RESET loops)', () => {
    const link = new SimLink();
    const t = link.transport(B.host, B.port);
    t.handlePacket(encodePacket({ type: ST_RESET, connectionId: 77, timestamp: 0, timestampDiff: 0, wndSize: 0, seqNr: 5, ackNr: 0, payload: new Uint8Array(0) }), EVIL);
    expect(link.sent).toEqual([]);
  });

  it('an ack for a packet never sent is dropped whole (its data too)', async () => {
    const p = await rawPeer();
    p.send(p.packet({ seqNr: 2, ackNr: (p.theirSeq + 500) & 0xffff, payload: Uint8Array.of(66) }));
    await p.link.run(50);
    expect(p.got).toEqual([]);
    p.send(p.packet({ seqNr: 2, ackNr: (p.theirSeq - 1) & 0xffff, payload: Uint8Array.of(1) }));
    await p.link.run(50);
    expect(p.got).toEqual([1]);
  });

  it('a seq_nr far beyond the reorder window is dropped', async () => {
    const p = await rawPeer();
    const ack = (p.theirSeq - 1) & 0xffff;
    p.send(p.packet({ seqNr: 2 + DEFAULT_UTP_LIMITS.maxReorderPackets + 5, ackNr: ack, payload: Uint8Array.of(9) }));
    p.send(p.packet({ seqNr: 2, ackNr: ack, payload: Uint8Array.of(1) }));
    await p.link.run(50);
    expect(p.got).toEqual([1]);
  });

  it('an old (already acked) seq_nr is not delivered twice, and is re-acked', async () => {
    const p = await rawPeer();
    const ack = (p.theirSeq - 1) & 0xffff;
    p.send(p.packet({ seqNr: 2, ackNr: ack, payload: Uint8Array.of(1) }));
    await p.link.run(50);
    const before = p.replies.length;
    p.send(p.packet({ seqNr: 2, ackNr: ack, payload: Uint8Array.of(1) }));
    await p.link.run(50);
    expect(p.got).toEqual([1]);
    expect(p.replies.length).toBeGreaterThan(before);
    expect(p.replies.at(-1)!.ackNr).toBe(2);
  });

  it('data after the FIN is dropped', async () => {
    const p = await rawPeer();
    const ack = (p.theirSeq - 1) & 0xffff;
    p.send(p.packet({ type: ST_FIN, seqNr: 3, ackNr: ack }));
    p.send(p.packet({ seqNr: 4, ackNr: ack, payload: Uint8Array.of(7) }));
    p.send(p.packet({ seqNr: 2, ackNr: ack, payload: Uint8Array.of(1) }));
    await p.link.run(50);
    expect(p.got).toEqual([1]);
    expect(p.closes).toEqual([undefined]);
  });

  it('a packet from another address with the right connection id is not routed to it', async () => {
    const p = await rawPeer();
    const ack = (p.theirSeq - 1) & 0xffff;
    p.b.handlePacket(p.packet({ seqNr: 2, ackNr: ack, payload: Uint8Array.of(13) }), { host: '10.0.0.10', port: 666 });
    await p.link.run(50);
    expect(p.got).toEqual([]);
  });

  it('a flood of random datagrams never throws and the connection still works', async () => {
    const p = await rawPeer();
    const random = new SeededRandom(99);
    for (let i = 0; i < 5000; i++) {
      const size = random.int(60);
      const junk = new Uint8Array(size);
      for (let j = 0; j < size; j++) junk[j] = random.int(256);
      // Half of them with a valid first byte (data/state/fin with version 1) and our id.
      if (size >= 4 && i % 2 === 0) {
        junk[0] = ([ST_DATA, ST_STATE, ST_FIN][random.int(3)]! << 4) | 1;
        junk[2] = (1001 >> 8) & 0xff;
        junk[3] = 1001 & 0xff;
      }
      expect(() => p.b.handlePacket(junk, EVIL as Endpoint)).not.toThrow();
    }
    await p.link.run(50);
    // The transport itself is unharmed: a fresh connection works.
    const q = await rawPeerOn(p.link, p.b);
    q.send(q.packet({ seqNr: 2, ackNr: (q.theirSeq - 1) & 0xffff, payload: Uint8Array.of(42) }));
    await p.link.run(50);
    expect(q.got).toEqual([42]);
  });
});

async function rawPeerOn(link: SimLink, b: ReturnType<SimLink['transport']>) {
  let server: TcpSocket | undefined;
  b.onIncoming((s) => (server = s));
  const replies: UtpPacket[] = [];
  const from = { host: '10.0.0.11', port: 4242 };
  const send = link.raw(from.host, from.port, (data) => {
    const r = decodePacket(data, DEFAULT_UTP_LIMITS);
    if ('packet' in r) replies.push(r.packet);
  });
  const packet = (over: Partial<UtpPacket>): Uint8Array =>
    encodePacket({ type: ST_DATA, connectionId: 501, timestamp: 1, timestampDiff: 0, wndSize: 65536, seqNr: 2, ackNr: 0, payload: new Uint8Array(0), ...over });
  send(packet({ type: ST_SYN, connectionId: 500, seqNr: 1 }), B);
  await link.runUntil(() => server !== undefined && replies.length > 0, 1000);
  const got: number[] = [];
  server!.setHandlers({ data: (c) => got.push(...c), close: () => undefined });
  return { got, theirSeq: replies[0]!.seqNr, packet, send: (bytes: Uint8Array) => send(bytes, B) };
}
