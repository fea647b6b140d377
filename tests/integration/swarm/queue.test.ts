import { describe, expect, it } from 'vitest';
import { createMemoryPlatform, MemoryHub } from '../../../src/platform/memory/index.js';
import { Client } from '../../../src/engine/session/client.js';
import type { Torrent } from '../../../src/engine/session/torrent.js';
import { platformWith, recordStates, sampleTorrents, until } from './policy-helpers.js';

const SEEDER = { host: '10.9.0.1', port: 6881 };
const RUNNING = new Set(['metadata', 'checking', 'downloading']);

describe('the download queue with real torrents in memory', () => {
  it('runs at most N downloads, starts the next when one finishes, honours moves and forced start', async () => {
    const hub = new MemoryHub();
    const torrents = await sampleTorrents(5, 160 * 1024);
    const seeder = await Client.create({ platform: await platformWith(hub, SEEDER.host, 'seed', torrents), port: SEEDER.port, dht: false, uploadLimit: 320 * 1024 });
    for (const t of torrents) await seeder.add({ kind: 'torrent', bytes: t.bytes }, { destination: 'seed' });
    await until('seeder ready', () => seeder.list().every((t) => t.state === 'seeding'));

    const client = await Client.create({ platform: createMemoryPlatform(hub, '10.9.0.2'), port: 7001, dht: false, queue: { maxActiveDownloads: 2 } });
    const added: Torrent[] = [];
    let maxRunning = 0;
    const sample = (): void => {
      const running = added.filter((t) => RUNNING.has(t.state) && client.queueStanding(t.infoHashHex) !== 'forced').length;
      maxRunning = Math.max(maxRunning, running);
    };
    const sampler = setInterval(sample, 10);
    for (const t of torrents.slice(0, 4)) {
      const torrent = await client.add({ kind: 'torrent', bytes: t.bytes }, { destination: 'down', peers: [SEEDER] });
      added.push(torrent);
      torrent.on('state', sample);
    }
    const states = added.map(recordStates);
    // Two run, two wait, in the order added.
    expect(added.map((t) => t.state === 'queued')).toEqual([false, false, true, true]);
    expect(added.map((t) => t.stats().queuePosition)).toEqual([0, 1, 2, 3]);
    // The last one goes to the top: it takes the slot of the lowest running torrent.
    client.moveInQueue(added[3]!.infoHashHex, 'top');
    await until('moved torrent runs', () => added[3]!.state !== 'queued');
    expect(client.queueOrder()[0]).toBe(added[3]!.infoHashHex);
    await until('second torrent queued', () => added[1]!.state === 'queued');

    // Forced start runs past the limit.
    const forced = await client.add({ kind: 'torrent', bytes: torrents[4]!.bytes }, { destination: 'down', peers: [SEEDER], forceStart: true });
    expect(client.queueStanding(forced.infoHashHex)).toBe('forced');
    expect(forced.state).not.toBe('queued');

    await until('all done', () => [...added, forced].every((t) => t.isDone()), 30_000);
    clearInterval(sampler);
    expect(maxRunning).toBeLessThanOrEqual(2);
    // Torrents that waited went queued → (checking) → downloading → seeding.
    expect(states[2]).toContain('queued');
    expect(states[2]!.indexOf('queued')).toBeLessThan(states[2]!.indexOf('downloading'));
    expect(states[1]).toEqual(expect.arrayContaining(['downloading', 'queued', 'seeding']));
    for (const t of added) expect(t.stats().progress).toBe(1);
    await Promise.all([seeder.close(), client.close()]);
  }, 60_000);

  it('a stalled download gives its slot away but keeps running; a paused one frees its slot', async () => {
    const hub = new MemoryHub();
    const torrents = await sampleTorrents(3, 64 * 1024);
    // The seeder has only the second and third torrents: the first never gets a byte.
    const seeder = await Client.create({ platform: await platformWith(hub, SEEDER.host, 'seed', torrents), port: SEEDER.port, dht: false });
    for (const t of torrents.slice(1)) await seeder.add({ kind: 'torrent', bytes: t.bytes }, { destination: 'seed' });
    const client = await Client.create({
      platform: createMemoryPlatform(hub, '10.9.0.3'),
      port: 7002,
      dht: false,
      queue: { maxActiveDownloads: 1, stallAfterMs: 1_500 },
    });
    const [starved, second, third] = await Promise.all(torrents.map((t) => client.add({ kind: 'torrent', bytes: t.bytes }, { destination: 'down', peers: [SEEDER] })));
    expect(starved!.state).toBe('downloading');
    expect(second!.state).toBe('queued');
    await until('stalled', () => client.queueStanding(starved!.infoHashHex) === 'stalled', 5_000);
    await until('second done', () => second!.isDone(), 10_000);
    expect(starved!.state).toBe('downloading');
    // Pausing the third (queued or running) keeps it out; resuming lets it run and finish.
    third!.pause();
    expect(third!.state).toBe('paused');
    expect(client.queueStanding(third!.infoHashHex)).toBe('stopped');
    third!.resume();
    await until('third done', () => third!.isDone(), 10_000);
    await Promise.all([seeder.close(), client.close()]);
  }, 30_000);
});
