import { describe, expect, it } from 'vitest';
import { MemoryHub } from '../../../src/platform/memory/index.js';
import { Client } from '../../../src/engine/session/client.js';
import type { Torrent } from '../../../src/engine/session/torrent.js';
import { ManualClock } from '../../../src/engine/util/clock.js';
import { platformWith, sampleTorrents, until } from './policy-helpers.js';

const HOST = { host: '10.11.0.1', port: 6881 };

/** Lets promise chains (checks, saves) run between clock steps. */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));

describe("a torrent's own settings, queue place and forced start across a restart (fake clock)", () => {
  it('keeps forced start, limits, goals, super-seeding, connection cap, seeding time and queue order', async () => {
    const hub = new MemoryHub();
    const torrents = await sampleTorrents(3, 32 * 1024);
    const platform = await platformWith(hub, HOST.host, 'seed', torrents);
    const clock = new ManualClock();
    const options = { platform, clock, dht: false, utp: false, queue: { maxActiveSeeds: 1 } } as const;
    const client = await Client.create({ ...options, port: HOST.port });
    const added: Torrent[] = [];
    for (const t of torrents) added.push(await client.add({ kind: 'torrent', bytes: t.bytes }, { destination: 'seed' }));
    const [first, second, third] = added as [Torrent, Torrent, Torrent];
    expect([first.state, second.state, third.state]).toEqual(['seeding', 'queued', 'queued']);

    // Moves: third to the top takes the one seed slot.
    client.moveInQueue(third.infoHashHex, 'top');
    await until('third seeds', () => third.state === 'seeding' && first.state === 'queued');
    expect(client.queueOrder()).toEqual([third.infoHashHex, first.infoHashHex, second.infoHashHex]);
    expect(first.stats().queuePosition).toBe(1);
    client.moveInQueue(second.infoHashHex, 'up');
    expect(client.queueOrder()).toEqual([third.infoHashHex, second.infoHashHex, first.infoHashHex]);
    client.moveInQueue(third.infoHashHex, 'bottom');
    client.moveInQueue(third.infoHashHex, 'down'); // already last: stays
    expect(client.queueOrder()).toEqual([second.infoHashHex, first.infoHashHex, third.infoHashHex]);
    await until('second seeds', () => second.state === 'seeding' && third.state === 'queued');
    // Several at once keep their order among themselves.
    client.moveInQueue([first.infoHashHex, third.infoHashHex], 'top');
    expect(client.queueOrder()).toEqual([first.infoHashHex, third.infoHashHex, second.infoHashHex]);
    client.moveInQueue([first.infoHashHex, third.infoHashHex], 'up'); // the first is on top: neither moves
    expect(client.queueOrder()).toEqual([first.infoHashHex, third.infoHashHex, second.infoHashHex]);
    client.moveInQueue([first.infoHashHex, third.infoHashHex], 'down');
    expect(client.queueOrder()).toEqual([second.infoHashHex, first.infoHashHex, third.infoHashHex]);
    await until('second seeds again', () => second.state === 'seeding' && third.state === 'queued');

    // Forced start runs past the limit; its own settings apply and show in its stats.
    client.forceStart(third.infoHashHex);
    await until('third forced', () => third.state === 'seeding');
    expect(client.queueStanding(third.infoHashHex)).toBe('forced');
    const settings = client.setTorrentSettings(third.infoHashHex, {
      downloadLimit: 100 * 1024,
      uploadLimit: 50 * 1024,
      seedGoals: { ratio: 2.5, timeMs: 3 * 60 * 60_000 },
      seedGoalAction: 'pause',
      superSeed: true,
      maxConnections: 7,
    });
    expect(settings).toEqual({ downloadLimit: 102_400, uploadLimit: 51_200, seedGoals: { ratio: 2.5, timeMs: 10_800_000 }, seedGoalAction: 'pause', superSeed: true, maxConnections: 7, forced: true });
    expect(third.stats().settings).toEqual(settings);
    expect(third.bandwidth.downloadBucket.rate).toBe(102_400);
    // A bad value changes nothing and says what is wrong.
    expect(() => client.setTorrentSettings(third.infoHashHex, { maxConnections: 0, uploadLimit: 1 })).toThrow(/connection limit/);
    expect(third.stats().settings).toEqual(settings);

    // Seeding time: 90 s of the fake clock.
    clock.advance(90_000);
    await settle();
    expect(third.stats().seedingMs).toBe(90_000);
    await client.close();

    // A new client over the same key-value store and files: everything comes back.
    const again = await Client.create({ ...options, port: HOST.port + 1 });
    const restored = await again.restore();
    expect(restored.map((t) => t.infoHashHex)).toEqual([second.infoHashHex, first.infoHashHex, third.infoHashHex]);
    expect(again.queueOrder()).toEqual([second.infoHashHex, first.infoHashHex, third.infoHashHex]);
    const back = again.get(third.infoHashHex)!;
    await until('forced one seeds again', () => back.state === 'seeding');
    expect(again.queueStanding(back.infoHashHex)).toBe('forced');
    expect(back.stats().settings).toEqual(settings);
    expect(back.bandwidth.uploadBucket.rate).toBe(51_200);
    expect(back.stats().seedingMs).toBe(90_000);
    // The seeding time goes on from there, and the saved goal (3 h) is the one checked.
    clock.advance(3 * 60 * 60_000 - 90_000 - 1_000);
    await settle();
    expect(back.state).toBe('seeding');
    clock.advance(2_000);
    await until('goal reached: paused', () => back.state === 'paused');

    // Back to normal: the queue limit holds again.
    again.setTorrentSettings(back.infoHashHex, { forced: false, seedGoals: null, maxConnections: null });
    expect(back.stats().settings).toMatchObject({ forced: false });
    expect(back.stats().settings!.seedGoals).toBeUndefined();
    expect(back.stats().settings!.maxConnections).toBeUndefined();
    await again.close();
  }, 30_000);

  it('refuses bad settings when a torrent is added', async () => {
    const hub = new MemoryHub();
    const torrents = await sampleTorrents(1, 16 * 1024);
    const client = await Client.create({ platform: await platformWith(hub, '10.11.0.2', 'seed', torrents), port: 6881, dht: false, utp: false });
    await expect(client.add({ kind: 'torrent', bytes: torrents[0]!.bytes }, { destination: 'seed', downloadLimit: -5 })).rejects.toThrow(/download limit/);
    await expect(client.add({ kind: 'torrent', bytes: torrents[0]!.bytes }, { destination: 'seed', seedGoals: { ratio: Number.NaN } })).rejects.toThrow(/ratio/);
    expect(client.list()).toHaveLength(0);
    await client.close();
  });
});
