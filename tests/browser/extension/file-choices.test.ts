// "Choose files later" after an engine restart, in Node over the in-memory network: a magnet added
// with nothing wanted, whose metadata had not arrived when the engine stopped, comes back from the
// engine's resume record (which knows no file choice before the metadata). With the extension's
// mark (FileChoices) every file stays skipped when the metadata arrives and nothing is
// downloaded; without it the engine would want every file (the bug this guards against).
import { describe, expect, it } from 'vitest';
import { createTorrent, parseTorrent, toMagnet } from '../../../src/engine/metainfo/index.js';
import { Client } from '../../../src/engine/session/client.js';
import type { Torrent } from '../../../src/engine/session/torrent.js';
import { SeededRandom } from '../../../src/engine/util/random.js';
import { createMemoryPlatform, MemoryHub, type MemoryPlatform } from '../../../src/platform/memory/index.js';
import { WebCryptoHasher } from '../../../src/platform/webcrypto-hasher.js';
import { FileChoices } from '../../../src/extension/offscreen/file-choices.js';
import { SavedTorrents } from '../../../src/extension/offscreen/saved-torrents.js';

const SEEDER = { host: '10.0.7.1', port: 6881 };
const FILES = [
  { path: ['one.bin'], data: bytes(90_001, 1) },
  { path: ['dir', 'two.bin'], data: bytes(70_007, 2) },
];

function bytes(length: number, seed: number): Uint8Array {
  const random = new SeededRandom(seed);
  return Uint8Array.from({ length }, () => random.int(256));
}

async function seeder(hub: MemoryHub, torrent: Uint8Array): Promise<Client> {
  const platform = createMemoryPlatform(hub, SEEDER.host);
  const storage = await platform.openStorage('seed');
  for (const f of FILES) await storage.write(['pack', ...f.path].join('/'), 0, f.data);
  const client = await Client.create({ platform, port: SEEDER.port });
  await client.add({ kind: 'torrent', bytes: torrent }, { destination: 'seed' });
  return client;
}

function settled(torrent: Torrent, ms = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still ${torrent.state}`)), ms);
    const check = (): void => {
      if (torrent.state === 'seeding' || torrent.state === 'downloading') {
        clearTimeout(timer);
        resolve();
      }
    };
    torrent.on('state', check);
    check();
  });
}

async function restartWithMagnet(markChoice: boolean): Promise<{ torrent: Torrent; close(): Promise<void> }> {
  const hub = new MemoryHub();
  const torrentBytes = await createTorrent({
    name: 'pack',
    files: FILES.map((f) => ({ path: f.path, length: f.data.length })),
    singleFile: false,
    read: async (i, offset, length) => FILES[i]!.data.subarray(offset, offset + length),
    hasher: new WebCryptoHasher(),
    pieceLength: 16 * 1024,
  });
  const meta = parseTorrent(torrentBytes);
  const magnet = `${toMagnet(meta)}&x.pe=${SEEDER.host}:${SEEDER.port}`;

  // First run: added with nothing wanted, no seeder yet, so no metadata.
  const first: MemoryPlatform = createMemoryPlatform(hub, '10.0.7.2');
  const saved = new SavedTorrents(first.kv);
  const client = await Client.create({ platform: first, port: 7400 });
  await saved.save(meta.infoHashHex, { kind: 'magnet', uri: magnet });
  if (markChoice) await new FileChoices(saved).added(meta.infoHashHex);
  await client.add({ kind: 'magnet', uri: magnet }, { destination: meta.infoHashHex, selectedFiles: [] });
  await client.close();

  // The seeder appears; the engine restarts from its own record.
  const seed = await seeder(hub, torrentBytes);
  const again = createMemoryPlatform(hub, '10.0.7.2', { kv: first.kv, storages: first.storages });
  const choices = new FileChoices(new SavedTorrents(again.kv));
  await choices.load();
  const restarted = await Client.create({ platform: again, port: 7400 });
  restarted.on('added', (t) => choices.watch(t));
  const [torrent] = await restarted.restore();
  expect(torrent?.state).toBe('metadata');
  await settled(torrent!);
  return { torrent: torrent!, close: () => Promise.all([restarted.close(), seed.close()]).then(() => undefined) };
}

describe('choose files later across an engine restart', () => {
  it('with the mark: the metadata arrives, every file stays skipped, nothing is downloaded', async () => {
    const { torrent, close } = await restartWithMagnet(true);
    const stats = torrent.stats();
    expect(stats.files.map((f) => f.priority)).toEqual([0, 0]);
    await new Promise((r) => setTimeout(r, 500));
    expect(torrent.stats().downloaded).toBe(0);
    expect(torrent.stats().verifiedLength).toBe(0);
    await close();
  });

  it('without it the restored magnet wants every file (what the mark prevents)', async () => {
    const { torrent, close } = await restartWithMagnet(false);
    expect(torrent.stats().files.map((f) => f.priority)).toEqual([4, 4]);
    await close();
  });
});
