import { describe, expect, it } from 'vitest';
import { createMemoryPlatform, MemoryHub } from '../../../src/platform/memory/index.js';
import { Client } from '../../../src/engine/session/client.js';
import type { Torrent } from '../../../src/engine/session/torrent.js';
import { IpBlocklist } from '../../../src/engine/policy/ip-blocklist.js';
import { ManualClock } from '../../../src/engine/util/clock.js';
import { platformWith, sampleTorrents, until } from './policy-helpers.js';

const SEEDER = { host: '10.7.0.1', port: 6881 };

describe('session policies on the memory platform', () => {
  it('a seeding goal pauses (client goal) or removes (torrent goal) its torrent, on a fake clock', async () => {
    const hub = new MemoryHub();
    const torrents = await sampleTorrents(2, 32 * 1024);
    const clock = new ManualClock();
    const client = await Client.create({
      platform: await platformWith(hub, SEEDER.host, 'seed', torrents),
      port: SEEDER.port,
      clock,
      dht: false,
      utp: false,
      seedGoals: { timeMs: 10 * 60_000 },
    });
    const reached: string[] = [];
    client.on('seedGoal', (hex, goal, action) => reached.push(`${hex.slice(0, 6)} ${goal} ${action}`));
    const a = await client.add({ kind: 'torrent', bytes: torrents[0]!.bytes }, { destination: 'seed' });
    const b = await client.add({ kind: 'torrent', bytes: torrents[1]!.bytes }, { destination: 'seed', seedGoals: { timeMs: 60_000 }, seedGoalAction: 'remove' });
    expect([a.state, b.state]).toEqual(['seeding', 'seeding']);
    clock.advance(59_000);
    expect(client.list()).toHaveLength(2);
    clock.advance(2_000);
    await until('b removed', () => client.list().length === 1);
    expect(client.get(b.infoHashHex)).toBeUndefined();
    expect(a.state).toBe('seeding');
    clock.advance(9 * 60_000);
    expect(a.state).toBe('paused');
    expect(reached).toEqual([`${b.infoHashHex.slice(0, 6)} time remove`, `${a.infoHashHex.slice(0, 6)} time pause`]);
    // Data kept on removal.
    expect(await (await client['options'].platform.openStorage('seed')).size(torrents[1]!.name)).toBe(32 * 1024);
    await client.close();
  });

  it('a blocked address is never dialed nor accepted; a new list drops connected peers', async () => {
    const hub = new MemoryHub();
    const [sample] = await sampleTorrents(1, 512 * 1024);
    const seeder = await Client.create({ platform: await platformWith(hub, SEEDER.host, 'seed', [sample!]), port: SEEDER.port, dht: false, uploadLimit: 32 * 1024, blocklist: IpBlocklist.parse('blocked leecher:10.7.1.1-10.7.1.1\n') });
    await seeder.add({ kind: 'torrent', bytes: sample!.bytes }, { destination: 'seed' });
    const dials: string[] = [];
    const blockedPlatform = createMemoryPlatform(hub, '10.7.1.1');
    const blockedClient = await Client.create({ platform: blockedPlatform, port: 7001, dht: false });
    const blocked = await blockedClient.add({ kind: 'torrent', bytes: sample!.bytes }, { destination: 'down', peers: [SEEDER] });
    // The other way round: a client that blocks the seeder never dials it.
    const picky = await Client.create({ platform: createMemoryPlatform(hub, '10.7.1.2'), port: 7002, dht: false, blocklist: IpBlocklist.parse('10.7.0.0/24\n') });
    const realConnect = picky['options'].platform.network.connect.bind(picky['options'].platform.network);
    picky['options'].platform.network.connect = (to, options) => {
      dials.push(`${to.host}:${to.port}`);
      return realConnect(to, options);
    };
    const pickyTorrent = await picky.add({ kind: 'torrent', bytes: sample!.bytes }, { destination: 'down', peers: [SEEDER] });
    await new Promise((r) => setTimeout(r, 1_500));
    expect(blocked.stats().progress).toBe(0);
    expect(seeder.list()[0]!.peerStats()).toEqual([]);
    expect(pickyTorrent.stats().peers).toBe(0);
    expect(dials).toEqual([]);

    // An open leecher connects; a new list naming it drops it at once.
    const open = await Client.create({ platform: createMemoryPlatform(hub, '10.7.1.3'), port: 7003, dht: false });
    const openTorrent = await open.add({ kind: 'torrent', bytes: sample!.bytes }, { destination: 'down', peers: [SEEDER] });
    const seeding = seeder.list()[0]!;
    await until('open leecher downloading', () => openTorrent.stats().downloaded > 0, 10_000);
    expect(seeding.peerStats().map((p) => p.address.split(':')[0])).toContain('10.7.1.3');
    seeder.setBlocklist(IpBlocklist.parse('10.7.1.0/24'));
    await until('dropped', () => seeding.peerStats().length === 0, 2_000);
    expect(openTorrent.isDone()).toBe(false);
    await Promise.all([seeder.close(), blockedClient.close(), picky.close(), open.close()]);
  }, 20_000);

  it('the global connection limit holds across torrents', async () => {
    const hub = new MemoryHub();
    const torrents = await sampleTorrents(3, 16 * 1024);
    // Six peers that accept connections for every torrent.
    const peers = [];
    for (let i = 0; i < 6; i++) {
      const host = `10.7.2.${i + 1}`;
      const c = await Client.create({ platform: await platformWith(hub, host, 'seed', torrents), port: 6000, dht: false });
      for (const t of torrents) await c.add({ kind: 'torrent', bytes: t.bytes }, { destination: 'seed' });
      peers.push({ client: c, address: { host, port: 6000 } });
    }
    const client = await Client.create({ platform: createMemoryPlatform(hub, '10.7.3.1'), port: 7000, dht: false, maxConnections: 4, queue: { maxActiveDownloads: 5 } });
    let most = 0;
    const sampler = setInterval(() => (most = Math.max(most, client.openConnections())), 5);
    for (const t of torrents) await client.add({ kind: 'torrent', bytes: t.bytes }, { destination: 'down', peers: peers.map((p) => p.address) });
    await until('all done', () => client.list().every((t) => t.isDone()), 15_000);
    clearInterval(sampler);
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(4);
    await Promise.all([client.close(), ...peers.map((p) => p.client.close())]);
  }, 30_000);

  it('session and all-time totals survive a restart through the key-value store', async () => {
    const hub = new MemoryHub();
    const [sample] = await sampleTorrents(1, 48 * 1024);
    const seeder = await Client.create({ platform: await platformWith(hub, SEEDER.host, 'seed', [sample!]), port: SEEDER.port, dht: false });
    await seeder.add({ kind: 'torrent', bytes: sample!.bytes }, { destination: 'seed' });
    const platform = createMemoryPlatform(hub, '10.7.4.1');
    const first = await Client.create({ platform, port: 7000, dht: false });
    const t = await first.add({ kind: 'torrent', bytes: sample!.bytes }, { destination: 'down', peers: [SEEDER] });
    await until('done', () => t.isDone(), 10_000);
    const during = first.sessionStats();
    expect(during.session.downloaded).toBe(48 * 1024);
    expect(during.allTime.downloaded).toBe(48 * 1024);
    expect(during.sessionCount).toBe(1);
    await first.remove(t.infoHashHex); // what it moved stays counted
    expect(first.sessionStats().session.downloaded).toBe(48 * 1024);
    await first.close();

    const second = await Client.create({ platform, port: 7000, dht: false });
    const after = second.sessionStats();
    expect(after.session.downloaded).toBe(0);
    expect(after.allTime.downloaded).toBe(48 * 1024);
    expect(after.allTime.activeMs).toBeGreaterThan(0);
    expect(after.sessionCount).toBe(2);
    const seederStats = seeder.sessionStats();
    expect(seederStats.session.uploaded).toBeGreaterThanOrEqual(48 * 1024);
    expect(seederStats.session.ratio).toBe(0);
    await Promise.all([second.close(), seeder.close()]);
  }, 20_000);

  it("a torrent's own download limit holds while another torrent runs free", async () => {
    const hub = new MemoryHub();
    const torrents = await sampleTorrents(2, 384 * 1024);
    const seeder = await Client.create({ platform: await platformWith(hub, SEEDER.host, 'seed', torrents), port: SEEDER.port, dht: false });
    for (const t of torrents) await seeder.add({ kind: 'torrent', bytes: t.bytes }, { destination: 'seed' });
    const client = await Client.create({ platform: createMemoryPlatform(hub, '10.7.5.1'), port: 7000, dht: false });
    const started = Date.now();
    const limited = await client.add({ kind: 'torrent', bytes: torrents[0]!.bytes }, { destination: 'down', peers: [SEEDER], downloadLimit: 128 * 1024 });
    const free = await client.add({ kind: 'torrent', bytes: torrents[1]!.bytes }, { destination: 'down', peers: [SEEDER] });
    await until('free done', () => free.isDone(), 10_000);
    const freeSeconds = (Date.now() - started) / 1000;
    expect(limited.isDone()).toBe(false);
    await until('limited done', () => limited.isDone(), 15_000);
    const limitedSeconds = (Date.now() - started) / 1000;
    // 384 KiB at 128 KiB/s: 3 s, less at most the requests in flight when the limit first bites.
    expect(limitedSeconds).toBeGreaterThan(2);
    expect(limitedSeconds).toBeLessThan(6);
    expect(freeSeconds).toBeLessThan(1.5);
    await Promise.all([seeder.close(), client.close()]);
  }, 30_000);

  it('the queue order survives a restart', async () => {
    const hub = new MemoryHub();
    const torrents = await sampleTorrents(4, 16 * 1024);
    const platform = createMemoryPlatform(hub, '10.7.6.1');
    const first = await Client.create({ platform, port: 7000, dht: false, queue: { maxActiveDownloads: 1 } });
    const added: Torrent[] = [];
    for (const t of torrents) added.push(await first.add({ kind: 'torrent', bytes: t.bytes }, { destination: 'down' }));
    first.moveInQueue(added[3]!.infoHashHex, 'top');
    first.moveInQueue(added[0]!.infoHashHex, 'bottom');
    const order = first.queueOrder();
    expect(order).toEqual([3, 1, 2, 0].map((i) => added[i]!.infoHashHex));
    await first.close();

    const second = await Client.create({ platform, port: 7000, dht: false, queue: { maxActiveDownloads: 1 } });
    await second.restore();
    expect(second.queueOrder()).toEqual(order);
    expect(second.get(order[0]!)!.state).not.toBe('queued');
    expect(order.slice(1).map((hex) => second.get(hex)!.state)).toEqual(['queued', 'queued', 'queued']);
    await second.close();
  });
});
