/** Small real torrents on the memory platform for the session-policy tests. */
import { createTorrent } from '../../../src/engine/metainfo/index.js';
import { createMemoryPlatform, type MemoryHub, type MemoryPlatform } from '../../../src/platform/memory/index.js';
import { WebCryptoHasher } from '../../../src/platform/webcrypto-hasher.js';
import { SeededRandom } from '../../../src/engine/util/random.js';
import type { Torrent } from '../../../src/engine/session/torrent.js';
import type { TorrentState } from '../../../src/engine/session/types.js';

export interface SampleTorrent {
  name: string;
  data: Uint8Array;
  bytes: Uint8Array;
}

export function content(length: number, seed: number): Uint8Array {
  const random = new SeededRandom(seed);
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = random.int(256);
  return out;
}

/** `count` single-file torrents of `length` bytes, 16 KiB pieces. */
export async function sampleTorrents(count: number, length: number, pieceLength = 16 * 1024): Promise<SampleTorrent[]> {
  const out: SampleTorrent[] = [];
  for (let i = 0; i < count; i++) {
    const name = `t${i}.bin`;
    const data = content(length, 100 + i);
    const bytes = await createTorrent({
      name,
      files: [{ path: [name], length }],
      singleFile: true,
      read: async (_f, offset, len) => data.subarray(offset, offset + len),
      hasher: new WebCryptoHasher(),
      pieceLength,
    });
    out.push({ name, data, bytes });
  }
  return out;
}

/** A platform whose `dir` already holds the torrents' data. */
export async function platformWith(hub: MemoryHub, host: string, dir: string, torrents: readonly SampleTorrent[]): Promise<MemoryPlatform> {
  const platform = createMemoryPlatform(hub, host);
  const storage = await platform.openStorage(dir);
  for (const t of torrents) await storage.write(t.name, 0, t.data);
  return platform;
}

export function until(what: string, test: () => boolean, ms = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = (): void => {
      if (test()) return resolve();
      if (Date.now() - started > ms) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(poll, 20);
    };
    poll();
  });
}

/** Every state a torrent passes through, in order (repeats collapsed). */
export function recordStates(torrent: Torrent): TorrentState[] {
  const states: TorrentState[] = [torrent.state];
  torrent.on('state', (s) => {
    if (states[states.length - 1] !== s) states.push(s);
  });
  return states;
}
