// A peer we know that dials us first (it found us through a tracker, the DHT or LSD, as we found
// it): its extension handshake names its listen port (BEP 10 `p`), so the incoming connection is
// that known peer. It keeps the source we learned it from, and we do not dial it a second time
// (which would leave one connection each way for the remote to close one of: libtorrent drops
// one as "duplicate peer-id", and the peer then showed as "incoming" only).
import { describe, expect, it } from 'vitest';
import { createMemoryPlatform, MemoryHub } from '../../../src/platform/memory/index.js';
import { Client } from '../../../src/engine/session/client.js';
import { createTorrent } from '../../../src/engine/metainfo/index.js';
import { WebCryptoHasher } from '../../../src/platform/webcrypto-hasher.js';

async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('a known peer that reaches us first', () => {
  it('is that peer (its source kept, flagged incoming) and is not dialed again', async () => {
    const hub = new MemoryHub();
    const data = new Uint8Array(2 * 1024 * 1024).map((_, i) => (i * 7) & 255);
    const bytes = await createTorrent({
      name: 'b.bin',
      files: [{ path: ['b.bin'], length: data.length }],
      singleFile: true,
      read: async (_i, o, l) => data.subarray(o, o + l),
      hasher: new WebCryptoHasher(),
      pieceLength: 32768,
    });
    // The leecher knows the seeder's address before the seeder listens: the first dial fails and
    // backs off (2 s); meanwhile the seeder checks its data and dials the leecher.
    const leecher = await Client.create({ platform: createMemoryPlatform(hub, '10.3.0.2'), port: 6882, downloadLimit: 256 * 1024 });
    const seedPlatform = createMemoryPlatform(hub, '10.3.0.1');
    await (await seedPlatform.openStorage('s')).write('b.bin', 0, data);
    let seeder: Client | undefined;
    try {
      const leech = await leecher.add({ kind: 'torrent', bytes }, { destination: 'l', peers: [{ host: '10.3.0.1', port: 6881 }] });
      await new Promise((r) => setTimeout(r, 200));
      seeder = await Client.create({ platform: seedPlatform, port: 6881 });
      const seed = await seeder.add({ kind: 'torrent', bytes }, { destination: 's' });
      await until(() => seed.isDone(), 5_000, 'the seeder to check its data');
      seed.addPeers([{ host: '10.3.0.2', port: 6882 }]);
      await until(() => leech.peerStats().some((p) => p.source === 'manual' && p.flags.includes('I')), 10_000, 'the incoming seeder to be recognised').catch((error) => {
        throw new Error(`${(error as Error).message}: ${JSON.stringify(leech.peerStats())} / ${JSON.stringify(seed.peerStats())}`);
      });
      // Past the leecher's retry of its failed dial: it must not open a second connection.
      await new Promise((r) => setTimeout(r, 3_000));
      expect(leech.peerStats().map((p) => ({ source: p.source, incoming: p.flags.includes('I') }))).toEqual([{ source: 'manual', incoming: true }]);
      expect(seed.peerStats()).toHaveLength(1);
      await until(() => leech.isDone(), 20_000, 'the download to finish').catch((error) => {
        throw new Error(`${(error as Error).message}: ${JSON.stringify(leech.stats())} ${JSON.stringify(leech.peerStats())} / ${JSON.stringify(seed.peerStats())}`);
      });
    } finally {
      await Promise.all([leecher.close(), seeder?.close()]);
    }
  }, 60_000);

  it('learned after it reached us (an LSD announce after its connection), it takes that source and is not dialed', async () => {
    const hub = new MemoryHub();
    const data = new Uint8Array(1024 * 1024).map((_, i) => (i * 11) & 255);
    const bytes = await createTorrent({
      name: 'c.bin',
      files: [{ path: ['c.bin'], length: data.length }],
      singleFile: true,
      read: async (_i, o, l) => data.subarray(o, o + l),
      hasher: new WebCryptoHasher(),
      pieceLength: 32768,
    });
    const leecher = await Client.create({ platform: createMemoryPlatform(hub, '10.4.0.2'), port: 6882, downloadLimit: 128 * 1024 });
    const seedPlatform = createMemoryPlatform(hub, '10.4.0.1');
    await (await seedPlatform.openStorage('s')).write('c.bin', 0, data);
    const seeder = await Client.create({ platform: seedPlatform, port: 6881 });
    try {
      const leech = await leecher.add({ kind: 'torrent', bytes }, { destination: 'l' });
      const seed = await seeder.add({ kind: 'torrent', bytes }, { destination: 's' });
      await until(() => seed.isDone(), 5_000, 'the seeder to check its data');
      seed.addPeers([{ host: '10.4.0.2', port: 6882 }]);
      await until(() => leech.peerStats().some((p) => p.client !== undefined && p.client !== ''), 10_000, 'the incoming seeder and its extension handshake');
      expect(leech.peerStats()[0]?.source).toBe('incoming');
      leech.addLocalPeers([{ host: '10.4.0.1', port: 6881 }]);
      await until(() => leech.peerStats()[0]?.source === 'lsd', 5_000, 'the incoming seeder to take the LSD source');
      await new Promise((r) => setTimeout(r, 1_500)); // a dial would have connected by now
      expect(leech.peerStats()).toHaveLength(1);
      expect(seed.peerStats()).toHaveLength(1);
    } finally {
      await Promise.all([leecher.close(), seeder.close()]);
    }
  }, 60_000);
});
