import { describe, expect, it } from 'vitest';
import { createMemoryPlatform, MemoryHub } from '../../../src/platform/memory/index.js';
import { Client } from '../../../src/engine/session/client.js';
import { createTorrent } from '../../../src/engine/metainfo/index.js';
import { WebCryptoHasher } from '../../../src/platform/webcrypto-hasher.js';
import type { Torrent } from '../../../src/engine/session/torrent.js';

async function until(check: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function makeSwarm(isPrivate: boolean): Promise<{ b: Torrent; close(): Promise<void> }> {
  const hub = new MemoryHub();
  const data = new Uint8Array(4 * 1024 * 1024).map((_, i) => (i * 13) & 255);
  const bytes = await createTorrent({
    name: 'p.bin',
    files: [{ path: ['p.bin'], length: data.length }],
    singleFile: true,
    read: async (_i, o, l) => data.subarray(o, o + l),
    hasher: new WebCryptoHasher(),
    pieceLength: 32768,
    private: isPrivate,
  });
  const seedPlatform = createMemoryPlatform(hub, '10.1.0.1');
  await (await seedPlatform.openStorage('s')).write('p.bin', 0, data);
  const seeder = await Client.create({ platform: seedPlatform, port: 6881 });
  await seeder.add({ kind: 'torrent', bytes }, { destination: 's' });
  // A knows the seeder; B knows only A.
  const a = await Client.create({ platform: createMemoryPlatform(hub, '10.1.0.2'), port: 6882, downloadLimit: 64 * 1024 });
  await a.add({ kind: 'torrent', bytes }, { destination: 'a', peers: [{ host: '10.1.0.1', port: 6881 }] });
  const b = await Client.create({ platform: createMemoryPlatform(hub, '10.1.0.3'), port: 6883 });
  const tb = await b.add({ kind: 'torrent', bytes }, { destination: 'b', peers: [{ host: '10.1.0.2', port: 6882 }] });
  return { b: tb, close: async () => void (await Promise.all([seeder.close(), a.close(), b.close()])) };
}

describe('PEX (BEP 11)', () => {
  it('a peer known only through PEX is connected and used', async () => {
    const swarm = await makeSwarm(false);
    await until(() => swarm.b.peerStats().some((p) => p.address === '10.1.0.1:6881'), 10_000);
    const viaPex = swarm.b.peerStats().find((p) => p.address === '10.1.0.1:6881')!;
    expect(viaPex.source).toBe('pex');
    await until(() => swarm.b.isDone(), 10_000);
    await swarm.close();
  });

  it('is off for private torrents (BEP 27)', async () => {
    const swarm = await makeSwarm(true);
    await new Promise((r) => setTimeout(r, 2500));
    expect(swarm.b.peerStats().map((p) => p.address)).toEqual(['10.1.0.2:6882']);
    await swarm.close();
  });
});
