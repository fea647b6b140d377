import { describe, expect, it } from 'vitest';
import { DEFAULT_LSD_LIMITS, encodeLsdAnnounce, LocalDiscovery, LSD_IPV4_GROUP } from '../../../src/engine/lsd/index.js';
import { MemoryHub } from '../../../src/platform/memory/index.js';
import { ManualClock } from '../../../src/engine/util/clock.js';
import { SeededRandom } from '../../../src/engine/util/random.js';
import type { Endpoint, UdpSocket } from '../../../src/platform/interfaces/index.js';

const hash = (n: number): string => n.toString(16).padStart(40, '0');
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function member(hub: MemoryHub, address: string): Promise<UdpSocket> {
  return hub.host(address).bindMulticast!({ group: LSD_IPV4_GROUP.host, port: LSD_IPV4_GROUP.port, ttl: 1, loopback: true });
}

async function setup() {
  const hub = new MemoryHub();
  const clock = new ManualClock(1_000_000);
  const heard: Array<[string, Endpoint]> = [];
  const make = async (address: string, port: number, seed: number, onPeer = (h: string, p: Endpoint) => void heard.push([h, p])) =>
    new LocalDiscovery({ socket: await member(hub, address), group: LSD_IPV4_GROUP, clock, random: new SeededRandom(seed), listenPort: () => port, onPeer });
  // A raw listener sees every datagram on the group.
  const sniffer = await member(hub, '10.9.9.9');
  const packets: string[] = [];
  sniffer.setHandler((data) => packets.push(String.fromCharCode(...data)));
  return { hub, clock, heard, make, packets };
}

describe('LocalDiscovery (BEP 14) on a memory multicast group', () => {
  it('announces a torrent at once; other members learn the peer at the source address and announced port', async () => {
    const { clock, heard, make, packets } = await setup();
    const a = await make('10.0.0.1', 6881, 1);
    await make('10.0.0.2', 7000, 2);
    a.add(hash(1));
    clock.advance(0);
    await flush();
    expect(packets).toHaveLength(1);
    expect(packets[0]).toContain(`Infohash: ${hash(1)}\r\n`);
    expect(packets[0]).toContain('Port: 6881\r\n');
    // Only the other member hears it: the sender's own copy (loopback) carries its cookie.
    expect(heard).toEqual([[hash(1), { host: '10.0.0.1', port: 6881 }]]);
    expect(a.counters.own).toBe(1);
  });

  it('sends at most one datagram a minute and re-announces every 5 minutes', async () => {
    const { clock, make, packets } = await setup();
    const a = await make('10.0.0.1', 6881, 1);
    a.add(hash(1));
    clock.advance(0);
    clock.advance(10_000);
    a.add(hash(2)); // due now, but a datagram went out 10 s ago
    clock.advance(49_999);
    await flush();
    expect(packets).toHaveLength(1);
    clock.advance(1);
    await flush();
    expect(packets).toHaveLength(2);
    expect(packets[1]).toContain(hash(2));
    expect(packets[1]).not.toContain(hash(1));
    clock.advance(5 * 60_000 - 60_000 - 1); // hash(1) is due again at t0 + 5 min
    await flush();
    expect(packets).toHaveLength(2);
    clock.advance(1);
    await flush();
    expect(packets).toHaveLength(3);
    expect(packets[2]).toContain(hash(1));
  });

  it('packs several infohashes per datagram under 1400 bytes, the rest a minute later', async () => {
    const { clock, make, packets } = await setup();
    const a = await make('10.0.0.1', 6881, 1);
    for (let i = 1; i <= 40; i++) a.add(hash(i));
    clock.advance(0);
    await flush();
    expect(packets).toHaveLength(1);
    expect(packets[0]!.length).toBeLessThanOrEqual(DEFAULT_LSD_LIMITS.maxPacketBytes);
    const first = packets[0]!.match(/Infohash: /g)!.length;
    expect(first).toBeGreaterThan(20);
    clock.advance(60_000);
    await flush();
    expect(packets).toHaveLength(2);
    expect(first + packets[1]!.match(/Infohash: /g)!.length).toBe(40);
  });

  it('drops malformed announces and any beyond the per-minute budget', async () => {
    const { hub, clock, heard, make } = await setup();
    const b = await make('10.0.0.2', 7000, 2);
    const raw = await hub.host('10.0.0.66').bindUdp(5000, '0.0.0.0');
    raw.send(Uint8Array.of(1, 2, 3), LSD_IPV4_GROUP);
    for (let i = 0; i < DEFAULT_LSD_LIMITS.maxIncomingPerMinute + 30; i++) {
      raw.send(encodeLsdAnnounce('239.192.152.143:6771', { port: 1000 + i, infoHashes: [hash(7)] }), LSD_IPV4_GROUP);
    }
    await flush();
    expect(b.counters.malformed).toBe(1);
    expect(heard).toHaveLength(DEFAULT_LSD_LIMITS.maxIncomingPerMinute - 1);
    expect(b.counters.overLimit).toBe(31);
    clock.advance(60_000); // a new minute, a new budget
    raw.send(encodeLsdAnnounce('239.192.152.143:6771', { port: 999, infoHashes: [hash(7)] }), LSD_IPV4_GROUP);
    await flush();
    expect(heard.at(-1)).toEqual([hash(7), { host: '10.0.0.66', port: 999 }]);
  });

  it('removed torrents are not announced again, and stop() sends nothing more', async () => {
    const { clock, make, packets } = await setup();
    const a = await make('10.0.0.1', 6881, 1);
    a.add(hash(1));
    a.add(hash(2));
    clock.advance(0);
    a.remove(hash(1));
    clock.advance(5 * 60_000);
    await flush();
    expect(packets).toHaveLength(2);
    expect(packets[1]).not.toContain(hash(1));
    a.stop();
    a.add(hash(3));
    clock.advance(10 * 60_000);
    await flush();
    expect(packets).toHaveLength(2);
  });
});
