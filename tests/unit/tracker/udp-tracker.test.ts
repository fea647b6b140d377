import { beforeEach, describe, expect, it } from 'vitest';
import { resolveTrackerLimits } from '../../../src/engine/tracker/limits.js';
import type { AnnounceRequest } from '../../../src/engine/tracker/types.js';
import { parseUdpTrackerUrl, UdpTrackerClient } from '../../../src/engine/tracker/udp-tracker.js';
import { readUint16BE, readUint32BE, writeUint32BE } from '../../../src/engine/util/bytes.js';
import { ManualClock } from '../../../src/engine/util/clock.js';
import { SeededRandom } from '../../../src/engine/util/random.js';
import { FakeNetwork, flush } from './fakes.js';

const URL = 'udp://tracker.example:6969/announce';
const CONNECTION_ID = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
const request: AnnounceRequest = {
  infoHash: new Uint8Array(20).fill(0xaa),
  peerId: new Uint8Array(20).fill(0xbb),
  port: 51413,
  uploaded: 2 ** 33 + 5,
  downloaded: 7,
  left: 9,
  event: 'started',
  numWant: 30,
  key: 0xdeadbeef,
  compact: true,
};

function packet(...words: number[]): Uint8Array {
  const out = new Uint8Array(words.length * 4);
  words.forEach((w, i) => writeUint32BE(out, i * 4, w >>> 0));
  return out;
}
const join = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
const tid = (data: Uint8Array) => readUint32BE(data, 12);
const connectReply = (t: number) => join(packet(0, t), CONNECTION_ID);

let net: FakeNetwork;
let clock: ManualClock;
let client: UdpTrackerClient;

beforeEach(() => {
  net = new FakeNetwork();
  clock = new ManualClock();
  client = new UdpTrackerClient({
    network: net,
    clock,
    random: new SeededRandom(7),
    limits: resolveTrackerLimits({ udpBaseTimeoutMs: 1000, udpMaxTries: 3 }),
  });
});

/** Answers the pending connect, returning the announce packet that follows. */
async function connect(): Promise<Uint8Array> {
  await flush();
  const sent = net.socket.sent.at(-1)!.data;
  net.socket.deliver(connectReply(tid(sent)));
  await flush();
  return net.socket.sent.at(-1)!.data;
}

describe('UDP tracker URL', () => {
  it('parses host and port', () => {
    expect(parseUdpTrackerUrl('udp://open.tracker:1337/announce')).toEqual({ host: 'open.tracker', port: 1337 });
  });
  it('strips brackets from an IPv6 host', () => {
    expect(parseUdpTrackerUrl('udp://[2001:db8::1]:6969')).toEqual({ host: '2001:db8::1', port: 6969 });
  });
  it('refuses a URL without a port (BEP 15 has no default)', () => {
    expect(() => parseUdpTrackerUrl('udp://tracker.example/announce')).toThrow('not a valid UDP tracker URL');
  });
  it('refuses port 0 and ports above 65535', () => {
    expect(() => parseUdpTrackerUrl('udp://t:0')).toThrow();
    expect(() => parseUdpTrackerUrl('udp://t:70000')).toThrow();
  });
});

describe('UDP tracker client (BEP 15)', () => {
  it('binds one socket lazily, on the first request', async () => {
    expect(net.binds).toEqual([]);
    void client.announce(URL, request).catch(() => undefined);
    void client.announce(URL, request).catch(() => undefined);
    await flush();
    expect(net.binds).toEqual([{ port: 0, host: '0.0.0.0' }]);
    client.close();
  });

  it('sends a connect with the magic protocol id and hands the host name to the socket', async () => {
    void client.announce(URL, request).catch(() => undefined);
    await flush();
    const { data, to } = net.socket.sent[0]!;
    expect(data.length).toBe(16);
    expect([readUint32BE(data, 0), readUint32BE(data, 4), readUint32BE(data, 8)]).toEqual([0x417, 0x27101980, 0]);
    expect(to).toEqual({ host: 'tracker.example', port: 6969 });
    client.close();
  });

  it('lays out the 98-byte announce with the connection id', async () => {
    void client.announce(URL, request).catch(() => undefined);
    const a = await connect();
    expect(a.length).toBe(98);
    expect([...a.subarray(0, 8)]).toEqual([...CONNECTION_ID]);
    expect(readUint32BE(a, 8)).toBe(1);
    expect([...a.subarray(16, 36)]).toEqual([...request.infoHash]);
    expect([...a.subarray(36, 56)]).toEqual([...request.peerId]);
    expect([readUint32BE(a, 56), readUint32BE(a, 60)]).toEqual([0, 7]);
    expect([readUint32BE(a, 64), readUint32BE(a, 68)]).toEqual([0, 9]);
    expect([readUint32BE(a, 72), readUint32BE(a, 76)]).toEqual([2, 5]);
    expect(readUint32BE(a, 80)).toBe(2); // started
    expect(readUint32BE(a, 84)).toBe(0);
    expect(readUint32BE(a, 88)).toBe(0xdeadbeef);
    expect(readUint32BE(a, 92)).toBe(30);
    expect(readUint16BE(a, 96)).toBe(51413);
    client.close();
  });

  it('sends num_want -1 when the caller leaves it to the tracker', async () => {
    const { numWant: _omit, ...rest } = request;
    void client.announce(URL, rest).catch(() => undefined);
    expect(readUint32BE(await connect(), 92)).toBe(0xffffffff);
    client.close();
  });

  it('parses the announce response: interval, counts and IPv4 peers', async () => {
    const result = client.announce(URL, request);
    const a = await connect();
    net.socket.deliver(join(packet(1, tid(a), 1800, 5, 3), Uint8Array.from([10, 0, 0, 1, 0x1a, 0xe1])));
    await expect(result).resolves.toEqual({ interval: 1800, incomplete: 5, complete: 3, peers: [{ host: '10.0.0.1', port: 6881 }] });
  });

  it('reads 18-byte peers from a tracker at an IPv6 address', async () => {
    const result = client.announce('udp://[::1]:6969', request);
    const a = await connect();
    const peer = new Uint8Array(18);
    peer[15] = 2;
    peer[17] = 80;
    net.socket.deliver(join(packet(1, tid(a), 60, 0, 0), peer));
    await expect(result).resolves.toMatchObject({ peers: [{ host: '::2', port: 80 }] });
  });

  it('ignores a response with an unknown transaction id', async () => {
    const result = client.announce(URL, request);
    const a = await connect();
    net.socket.deliver(packet(1, tid(a) ^ 1, 60, 0, 0));
    net.socket.deliver(packet(1, tid(a), 61, 0, 0));
    await expect(result).resolves.toMatchObject({ interval: 61 });
  });

  it('ignores short packets', async () => {
    const result = client.announce(URL, request);
    await flush();
    const c = net.socket.sent[0]!.data;
    net.socket.deliver(new Uint8Array(3));
    net.socket.deliver(packet(0, tid(c))); // a connect reply without its connection id
    net.socket.deliver(new Uint8Array(0));
    expect(net.socket.sent).toHaveLength(1);
    net.socket.deliver(connectReply(tid(c)));
    await flush();
    const a = net.socket.sent[1]!.data;
    net.socket.deliver(packet(1, tid(a), 60, 0)); // announce reply under 20 bytes
    net.socket.deliver(packet(1, tid(a), 62, 0, 0));
    await expect(result).resolves.toMatchObject({ interval: 62 });
  });

  it('ignores a response whose action does not match the request', async () => {
    const result = client.announce(URL, request);
    await flush();
    const c = net.socket.sent[0]!.data;
    net.socket.deliver(packet(1, tid(c), 60, 0, 0));
    expect(net.socket.sent).toHaveLength(1);
    net.socket.deliver(connectReply(tid(c)));
    await flush();
    const a = net.socket.sent[1]!.data;
    net.socket.deliver(connectReply(tid(a)));
    net.socket.deliver(packet(1, tid(a), 60, 0, 0));
    await expect(result).resolves.toMatchObject({ interval: 60 });
  });

  it('turns an error action into a tracker error with its message', async () => {
    const result = client.announce(URL, request);
    const a = await connect();
    net.socket.deliver(join(packet(3, tid(a)), new TextEncoder().encode('torrent not registered')));
    await expect(result).rejects.toMatchObject({ kind: 'tracker', message: 'tracker said: torrent not registered' });
  });

  it('reuses the connection id for 60 s, then connects again', async () => {
    const first = client.announce(URL, request);
    const a = await connect();
    net.socket.deliver(packet(1, tid(a), 60, 0, 0));
    await first;
    clock.advance(59_000);
    void client.announce(URL, request).catch(() => undefined);
    await flush();
    expect(readUint32BE(net.socket.sent.at(-1)!.data, 8)).toBe(1);
    clock.advance(2_000);
    void client.announce(URL, request).catch(() => undefined);
    await flush();
    expect(net.socket.sent.at(-1)!.data.length).toBe(16);
    client.close();
  });

  it('shares one connect between concurrent requests to the same tracker', async () => {
    const one = client.announce(URL, request);
    const two = client.announce(URL, request);
    await flush();
    expect(net.socket.sent).toHaveLength(1);
    net.socket.deliver(connectReply(tid(net.socket.sent[0]!.data)));
    await flush();
    const announces = net.socket.sent.slice(1).map((s) => s.data);
    expect(announces).toHaveLength(2);
    expect(tid(announces[0]!)).not.toBe(tid(announces[1]!));
    net.socket.deliver(packet(1, tid(announces[1]!), 222, 0, 0));
    net.socket.deliver(packet(1, tid(announces[0]!), 111, 0, 0));
    await expect(one).resolves.toMatchObject({ interval: 111 });
    await expect(two).resolves.toMatchObject({ interval: 222 });
  });

  it('retransmits after base * 2^n and gives up after maxTries', async () => {
    const result = client.announce(URL, request);
    let error: unknown;
    result.catch((e: unknown) => (error = e));
    await flush();
    expect(net.socket.sent).toHaveLength(1);
    clock.advance(999);
    await flush();
    expect(net.socket.sent).toHaveLength(1);
    clock.advance(1);
    await flush();
    expect(net.socket.sent).toHaveLength(2);
    clock.advance(1999);
    await flush();
    expect(net.socket.sent).toHaveLength(2);
    clock.advance(1);
    await flush();
    expect(net.socket.sent).toHaveLength(3);
    expect(error).toBeUndefined();
    clock.advance(4000);
    await flush();
    expect(net.socket.sent).toHaveLength(3);
    expect(error).toMatchObject({ kind: 'tracker', message: 'tracker tracker.example:6969 did not answer over UDP (3 tries)' });
  });

  it('asks for a fresh connection id after an announce times out', async () => {
    void client.announce(URL, request).catch(() => undefined);
    await connect();
    clock.advance(1000);
    await flush();
    expect(net.socket.sent.at(-1)!.data.length).toBe(16);
    client.close();
  });

  it('scrapes one info hash', async () => {
    const result = client.scrape(URL, request.infoHash);
    const s = await connect();
    expect(s.length).toBe(36);
    expect(readUint32BE(s, 8)).toBe(2);
    expect([...s.subarray(16)]).toEqual([...request.infoHash]);
    net.socket.deliver(packet(2, tid(s), 4, 10, 6));
    await expect(result).resolves.toEqual({ complete: 4, downloaded: 10, incomplete: 6 });
  });

  it('ignores a scrape response without an entry', async () => {
    const result = client.scrape(URL, request.infoHash);
    const s = await connect();
    net.socket.deliver(packet(2, tid(s)));
    net.socket.deliver(packet(2, tid(s), 1, 2, 3));
    await expect(result).resolves.toEqual({ complete: 1, downloaded: 2, incomplete: 3 });
  });

  it('close() fails requests in flight and closes the socket', async () => {
    const result = client.announce(URL, request);
    await flush();
    client.close();
    await expect(result).rejects.toThrow('UDP tracker client is closed');
    expect(net.socket.closed).toBe(true);
    await expect(client.announce(URL, request)).rejects.toThrow('closed');
  });

  it('reports a socket that cannot be bound, and binds again next time', async () => {
    net.failBind = true;
    await expect(client.announce(URL, request)).rejects.toMatchObject({ kind: 'network', message: expect.stringContaining('EACCES') });
    net.failBind = false;
    void client.announce(URL, request).catch(() => undefined);
    await flush();
    expect(net.binds).toHaveLength(2);
    client.close();
  });

  it('rejects an invalid URL without touching the network', async () => {
    await expect(client.announce('udp://nohost', request)).rejects.toThrow('not a valid UDP tracker URL');
    expect(net.binds).toEqual([]);
  });
});
