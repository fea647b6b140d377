// Stream integrity: what one side writes is exactly what the other side reads, byte for byte,
// over a simulated link that loses, reorders and duplicates datagrams, with both directions
// busy at once (so data packets carry selective acks), writes of random sizes from a buffer
// the writer overwrites right after write() returns, and sequence numbers that wrap.
//
// The link also reads datagrams into a 1500-byte buffer, as libtorrent does (its udp_socket
// receives into std::array<char, 1500>): a longer datagram arrives cut short, its payload's tail
// silently gone. Our data packets once carried up to 128 bytes of selective ack on top of a
// 1400-byte payload (1550 bytes): libtorrent then read a stream with holes in it ("invalid piece
// request", "packet too large") whenever a big hole in its data met a full packet of ours.
import { describe, expect, it } from 'vitest';
import type { TcpSocket } from '../../../src/platform/interfaces/index.js';
import { sackRoom, utpLimits, type UtpLimits } from '../../../src/engine/utp/limits.js';
import type { Random } from '../../../src/engine/util/random.js';
import { SeededRandom } from '../../../src/engine/util/random.js';
import { SimLink, type LinkOptions } from './sim-link.js';

const A = { host: '10.0.0.1', port: 6881 };
const B = { host: '10.0.0.2', port: 6882 };
/** libtorrent's UDP receive buffer. */
const LIBTORRENT_READ_BYTES = 1500;

function stream(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  const random = new SeededRandom(seed);
  for (let i = 0; i < size; i += 4) {
    const x = Math.floor(random.next() * 0x1_0000_0000);
    for (let k = 0; k < 4 && i + k < size; k++) out[i + k] = (x >>> (8 * k)) & 0xff;
  }
  return out;
}

/** Checks every chunk against the expected stream as it arrives. */
class Checker {
  received = 0;
  firstMismatch = -1;
  closed = false;
  constructor(private readonly expected: Uint8Array) {}
  attach(socket: TcpSocket, writer?: Writer): void {
    socket.setHandlers({
      data: (chunk) => {
        for (let i = 0; i < chunk.length && this.firstMismatch < 0; i++) {
          if (this.received + i >= this.expected.length || chunk[i] !== this.expected[this.received + i]) this.firstMismatch = this.received + i;
        }
        this.received += chunk.length;
      },
      ...(writer ? { drain: () => writer.pump() } : {}),
      close: () => {
        this.closed = true;
      },
    });
  }
  get done(): boolean {
    return this.received >= this.expected.length || this.firstMismatch >= 0;
  }
}

/**
 * Writes `data` in random-sized pieces through one scratch buffer that it scribbles over right
 * after each write() (the engine lends its buffers), honouring write() = false and 'drain'.
 */
class Writer {
  offset = 0;
  writes = 0;
  private readonly scratch: Uint8Array;
  constructor(
    private readonly socket: TcpSocket,
    private readonly data: Uint8Array,
    private readonly random: Random,
    private readonly maxWrite: number,
  ) {
    this.scratch = new Uint8Array(maxWrite);
  }
  pump(): void {
    while (this.offset < this.data.length) {
      // Mostly small (requests, haves), sometimes large (blocks).
      const size = this.random.next() < 0.7 ? 1 + this.random.int(40) : 1 + this.random.int(this.maxWrite);
      const n = Math.min(size, this.data.length - this.offset);
      this.scratch.set(this.data.subarray(this.offset, this.offset + n));
      const more = this.socket.write(this.scratch.subarray(0, n));
      this.scratch.fill(0xee);
      this.offset += n;
      this.writes++;
      if (!more) return;
    }
  }
}

/** Dial from A to B; `randomB` decides B's first seq_nr. */
async function connectedPair(link: SimLink, randomB?: Random, limitsA?: Partial<UtpLimits>, limitsB?: Partial<UtpLimits>) {
  const a = link.transport(A.host, A.port, limitsA);
  const b = link.transport(B.host, B.port, limitsB, randomB);
  let server: TcpSocket | undefined;
  b.onIncoming((s) => (server = s));
  let client: TcpSocket | undefined;
  void a.connect(B).then((s) => (client = s));
  await link.runUntil(() => client !== undefined && server !== undefined, 10_000);
  if (!client || !server) throw new Error('no connection');
  return { a, b, client, server };
}

/** Both directions at once; returns the checkers and the largest datagram sent. */
async function bothWays(options: LinkOptions, bytes: number, randomB?: Random) {
  const link = new SimLink(options);
  const { client, server } = await connectedPair(link, randomB);
  const toServer = stream(bytes, 101);
  const toClient = stream(bytes, 202);
  const atServer = new Checker(toServer);
  const atClient = new Checker(toClient);
  const clientWriter = new Writer(client, toServer, new SeededRandom(11), 5000);
  const serverWriter = new Writer(server, toClient, new SeededRandom(22), 5000);
  atServer.attach(server, serverWriter);
  atClient.attach(client, clientWriter);
  clientWriter.pump();
  serverWriter.pump();
  await link.runUntil(() => atServer.done && atClient.done, 1_800_000, 10);
  const largest = Math.max(...link.sent.map((s) => s.data.length));
  return { atServer, atClient, largest, link };
}

function expectIntact(checker: Checker, size: number): void {
  expect(checker.firstMismatch).toBe(-1);
  expect(checker.received).toBe(size);
}

describe('uTP byte stream integrity', () => {
  it('no datagram exceeds libtorrent\'s 1500-byte read buffer, even with a full payload and a long selective ack', async () => {
    // One of A's data packets is lost, and so is its fast retransmission: the hole stays open
    // until the retransmission timer while A keeps sending, so B's selective-ack mask grows to
    // its longest, and B's own data packets (full, both sides send bulk) carry it. A's window is
    // pinned wide open (as a fast peer's would be) and B may hold 1024 packets out of order.
    const SIZE = 6 * 1024 * 1024;
    const link = new SimLink({ delayMs: 20, jitterMs: 2, seed: 5, receiveBufferBytes: LIBTORRENT_READ_BYTES });
    const wide = { minCwndBytes: 2 * 1024 * 1024, maxCwndBytes: 2 * 1024 * 1024 };
    const { client, server } = await connectedPair(link, undefined, wide, { receiveBufferBytes: 4 * 1024 * 1024 });
    const atServer = new Checker(stream(SIZE, 1));
    const atClient = new Checker(stream(SIZE, 2));
    const w1 = new Writer(client, stream(SIZE, 1), new SeededRandom(3), 16 * 1024);
    const w2 = new Writer(server, stream(SIZE, 2), new SeededRandom(4), 16 * 1024);
    // A's data packet 300 (its seq_nr: A's SYN was 1) is lost twice.
    const victim = 300;
    let drops = 0;
    link.drop = (from, _to, data) => from.port === A.port && data[0]! >> 4 === 0 && ((data[16]! << 8) | data[17]!) === victim && drops++ < 2;
    atServer.attach(server, w2);
    atClient.attach(client, w1);
    w1.pump();
    w2.pump();
    await link.runUntil(() => atServer.done && atClient.done, 600_000, 10);
    expectIntact(atServer, SIZE);
    expectIntact(atClient, SIZE);
    expect(drops).toBeGreaterThanOrEqual(2);
    let longestSack = 0;
    for (const s of link.sent) if (s.from.port === B.port && s.data[1] === 1) longestSack = Math.max(longestSack, s.data[21]!);
    expect(longestSack).toBeGreaterThanOrEqual(64);
    const largest = Math.max(...link.sent.map((s) => s.data.length));
    expect(largest).toBeLessThanOrEqual(LIBTORRENT_READ_BYTES);
  }, 120_000);

  it('both directions arrive exactly as written over a lossy, reordering, duplicating link read into 1500 bytes', async () => {
    const SIZE = 2 * 1024 * 1024;
    const r = await bothWays({ loss: 0.05, duplicate: 0.05, delayMs: 15, jitterMs: 15, seed: 9, receiveBufferBytes: LIBTORRENT_READ_BYTES }, SIZE);
    expectIntact(r.atServer, SIZE);
    expectIntact(r.atClient, SIZE);
    expect(r.largest).toBeLessThanOrEqual(LIBTORRENT_READ_BYTES);
  }, 120_000);

  it('survives heavy loss (15%) with duplicates and reordering', async () => {
    const SIZE = 512 * 1024;
    const r = await bothWays({ loss: 0.15, duplicate: 0.1, delayMs: 5, jitterMs: 30, seed: 77, receiveBufferBytes: LIBTORRENT_READ_BYTES }, SIZE);
    expectIntact(r.atServer, SIZE);
    expectIntact(r.atClient, SIZE);
  }, 120_000);

  it('sequence numbers wrap (65535 → 0) mid-transfer with loss, duplicates and selective acks across the wrap', async () => {
    const SIZE = 1024 * 1024;
    // B's first seq_nr just below the wrap: its data crosses 0xffff → 0 after a few packets,
    // while packets on both sides of the wrap are lost, duplicated and selectively acked.
    const nearWrap: Random = {
      next: () => 0.5,
      int: (n) => (n === 0x10000 ? 0xffc0 : 0),
    };
    const r = await bothWays({ loss: 0.05, duplicate: 0.05, delayMs: 10, jitterMs: 10, seed: 31 }, SIZE, nearWrap);
    expectIntact(r.atServer, SIZE);
    expectIntact(r.atClient, SIZE);
    // The wrap did happen: B sent packets with seq_nr on both sides of it.
    const seqs = new Set<number>();
    for (const s of r.link.sent) if (s.from.port === B.port && s.data.length >= 20 && s.data[0]! >> 4 === 0) seqs.add((s.data[16]! << 8) | s.data[17]!);
    expect(seqs.has(0xffff)).toBe(true);
    expect(seqs.has(0)).toBe(true);
    expect(seqs.has(500)).toBe(true);
  }, 120_000);
});

describe('uTP datagram size', () => {
  it('a selective ack rides on a data packet only in the room its payload leaves', () => {
    const limits = utpLimits();
    expect(limits.maxPacketBytes).toBeLessThanOrEqual(LIBTORRENT_READ_BYTES);
    // ST_STATE: the whole mask.
    expect(sackRoom(limits, 0)).toBe(limits.maxSackBytes);
    // A full payload: 1452 - 22 - 1400 = 30, rounded down to a multiple of 4.
    expect(sackRoom(limits, 1400)).toBe(28);
    expect(sackRoom(limits, 1427)).toBe(0);
    for (let payload = 0; payload <= limits.maxPayload; payload++) {
      const room = sackRoom(limits, payload);
      expect(room % 4).toBe(0);
      expect(20 + (room > 0 ? 2 + room : 0) + payload).toBeLessThanOrEqual(limits.maxPacketBytes);
    }
  });

  it('limits that cannot fit a full packet or a whole selective ack are refused', () => {
    expect(() => utpLimits({ maxPayload: 1440 })).toThrow(RangeError);
    expect(() => utpLimits({ maxPacketBytes: 140 })).toThrow(RangeError);
    expect(() => utpLimits({ maxSackBytes: 6 })).toThrow(RangeError);
    expect(utpLimits({ maxPayload: 1000, maxPacketBytes: 1100 }).maxPacketBytes).toBe(1100);
  });
});
