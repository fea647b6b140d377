import { describe, expect, it } from 'vitest';
import { createMemoryPlatform, MemoryHub } from '../../../src/platform/memory/index.js';
import { MemoryFileStorage } from '../../../src/platform/memory/memory-storage.js';
import { Client } from '../../../src/engine/session/client.js';
import { createTorrent } from '../../../src/engine/metainfo/index.js';
import { WebCryptoHasher } from '../../../src/platform/webcrypto-hasher.js';
import { SeededRandom } from '../../../src/engine/util/random.js';
import type { Torrent } from '../../../src/engine/session/torrent.js';

const SEEDER = { host: '10.0.4.1', port: 6881 };
const PIECE = 16 * 1024;
const DATA = (() => {
  const random = new SeededRandom(7);
  const out = new Uint8Array(40 * PIECE + 1234);
  for (let i = 0; i < out.length; i++) out[i] = random.int(256);
  return out;
})();

/** A disk whose reads wait until `open()`: the seeder's check of its data stalls until then. */
class HeldStorage extends MemoryFileStorage {
  private release!: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.release = resolve));

  open(): void {
    this.release();
  }

  override async read(path: string, offset: number, length: number): Promise<Uint8Array> {
    await this.gate;
    return super.read(path, offset, length);
  }
}

function until(condition: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const poll = (): void => {
      if (condition()) resolve();
      else if (Date.now() > deadline) reject(new Error(`timed out waiting for ${what}`));
      else setTimeout(poll, 10);
    };
    poll();
  });
}

function whenDone(torrent: Torrent, ms: number): Promise<void> {
  return until(() => torrent.isDone(), ms, `the download (state ${torrent.state}, ${torrent.stats().progress})`);
}

describe('peers that connect while the data is being checked', () => {
  const setUp = async () => {
    const hub = new MemoryHub({ maxChunk: 9000 });
    const bytes = await createTorrent({
      name: 'held.bin',
      files: [{ path: ['held.bin'], length: DATA.length }],
      singleFile: true,
      read: async (_i, offset, length) => DATA.subarray(offset, offset + length),
      hasher: new WebCryptoHasher(),
      pieceLength: PIECE,
    });
    const disk = new HeldStorage();
    await disk.write('held.bin', 0, DATA);
    const seederPlatform = createMemoryPlatform(hub, SEEDER.host, { storages: new Map([['seed', disk]]) });
    const seeder = await Client.create({ platform: seederPlatform, port: SEEDER.port });
    // No resume record: every piece is hash-checked, and each check waits for the disk (add()
    // resolves once the check is done).
    const added = seeder.add({ kind: 'torrent', bytes }, { destination: 'seed' });
    await until(() => seeder.list().length === 1, 5_000, 'the seeder to start checking');
    const seeding = seeder.list()[0]!;
    expect(seeding.state).toBe('checking');
    const leecherPlatform = createMemoryPlatform(hub, '10.0.4.2');
    const leecher = await Client.create({ platform: leecherPlatform, port: 7400 });
    return { disk, seeder, seeding, added, leecher, leecherPlatform, bytes };
  };

  it('a leecher that connected mid-check learns every piece the check found, and finishes', async () => {
    const { disk, seeder, seeding, added, leecher, leecherPlatform, bytes } = await setUp();
    const downloading = await leecher.add({ kind: 'torrent', bytes }, { destination: 'down', peers: [SEEDER] });
    await until(() => seeding.peerStats().length === 1 && downloading.peerStats().length === 1, 10_000, 'the connection');
    expect(seeding.state).toBe('checking');
    disk.open();
    await added;
    await whenDone(seeding, 10_000);
    await whenDone(downloading, 15_000);
    const got = await (await leecherPlatform.openStorage('down')).read('held.bin', 0, DATA.length);
    expect(Buffer.from(got).equals(Buffer.from(DATA))).toBe(true);
    await Promise.all([seeder.close(), leecher.close()]);
  });

  it('the seeder dialing out mid-check (the leecher listening) is learned from too', async () => {
    const { disk, seeder, seeding, leecher, bytes } = await setUp();
    const downloading = await leecher.add({ kind: 'torrent', bytes }, { destination: 'down' });
    seeding.addPeers([{ host: '10.0.4.2', port: 7400 }]);
    await until(() => seeding.peerStats().length === 1 && downloading.peerStats().length === 1, 10_000, 'the connection');
    expect(seeding.state).toBe('checking');
    disk.open();
    await whenDone(downloading, 15_000);
    await Promise.all([seeder.close(), leecher.close()]);
  });
});
