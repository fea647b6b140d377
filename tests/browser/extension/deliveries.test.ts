// Deliveries without a browser (Node has Blob, File and blob: URLs): which files of a finished
// torrent go to the user, and that files enabled after the first delivery go too, once each.
import { describe, expect, it, vi } from 'vitest';
import type { Torrent } from '../../../src/engine/session/torrent.js';
import type { FileStats, TorrentState } from '../../../src/engine/session/types.js';
import { MemoryKeyValueStore } from '../../../src/platform/memory/memory-kv.js';
import type { OffscreenToWorker } from '../../../src/extension/messages.js';
import { Deliveries } from '../../../src/extension/offscreen/deliveries.js';
import { SavedTorrents } from '../../../src/extension/offscreen/saved-torrents.js';

const HASH = 'ab'.repeat(20);

function fakeTorrent(files: FileStats[]): { torrent: Torrent; set(state: TorrentState): void } {
  let state: TorrentState = 'seeding';
  const torrent = {
    infoHashHex: HASH,
    destination: HASH,
    get state() {
      return state;
    },
    stats: () => ({ files: files.map((f) => ({ ...f })) }),
  } as unknown as Torrent;
  return { torrent, set: (s) => (state = s) };
}

function setup(): { deliveries: Deliveries; sent: Extract<OffscreenToWorker, { type: 'deliver' }>[]; saved: SavedTorrents } {
  const sent: Extract<OffscreenToWorker, { type: 'deliver' }>[] = [];
  const saved = new SavedTorrents(new MemoryKeyValueStore());
  const deliveries = new Deliveries({
    saved,
    getFile: async (_root, path) => new File([new Uint8Array(4)], path.split('/').pop()!),
    send: (m) => {
      if (m.type === 'deliver') sent.push(m);
      return true;
    },
    changed: () => undefined,
    loadSetting: async () => ({ mode: 'downloads' }),
  });
  return { deliveries, sent, saved };
}

describe('deliveries', () => {
  it('delivers the wanted complete files once; files enabled later are delivered when complete, alone', async () => {
    const files: FileStats[] = [
      { index: 0, path: 'pack/a.bin', length: 4, downloaded: 4, priority: 4 },
      { index: 1, path: 'pack/b.bin', length: 4, downloaded: 0, priority: 0 },
      { index: 2, path: 'pack/c.bin', length: 4, downloaded: 4, priority: 7 },
    ];
    const { torrent, set } = fakeTorrent(files);
    const { deliveries, sent, saved } = setup();
    await deliveries.consider(torrent);
    expect(sent.map((m) => m.files.map((f) => f.filename))).toEqual([['pack/a.bin', 'pack/c.bin']]);
    await deliveries.onDelivered(sent[0]!.deliveryId, true);
    expect(await saved.deliveredFiles(HASH)).toEqual(new Set([0, 2]));

    // Seeding again with nothing new: nothing sent.
    await deliveries.consider(torrent);
    expect(sent).toHaveLength(1);

    // The user enables b.bin: while it downloads nothing goes; once complete, only b.bin.
    files[1]!.priority = 4;
    set('downloading');
    await deliveries.consider(torrent);
    expect(sent).toHaveLength(1);
    files[1]!.downloaded = 4;
    set('seeding');
    await deliveries.consider(torrent);
    expect(sent.map((m) => m.files.map((f) => f.filename))).toEqual([['pack/a.bin', 'pack/c.bin'], ['pack/b.bin']]);
    await deliveries.onDelivered(sent[1]!.deliveryId, true);
    expect(await saved.deliveredFiles(HASH)).toEqual(new Set([0, 1, 2]));
    expect(deliveries.decorate({ infoHash: HASH } as never)).toMatchObject({ delivery: { state: 'delivered', target: 'downloads' } });
  });

  it('a failed delivery marks nothing, so the same files go again later', async () => {
    const { torrent } = fakeTorrent([{ index: 0, path: 'one.bin', length: 4, downloaded: 4, priority: 4 }]);
    const { deliveries, sent, saved } = setup();
    await deliveries.consider(torrent);
    await deliveries.onDelivered(sent[0]!.deliveryId, false, 'disk full');
    expect(await saved.deliveredFiles(HASH)).toEqual(new Set());
    deliveries.retryAll();
    await deliveries.consider(torrent);
    expect(sent.map((m) => m.files.map((f) => f.filename))).toEqual([['one.bin'], ['one.bin']]);
  });

  it('a failed delivery is tried again by itself: after 5 s, then 20 s, then every minute', async () => {
    vi.useFakeTimers();
    try {
      const { torrent } = fakeTorrent([{ index: 0, path: 'one.bin', length: 4, downloaded: 4, priority: 4 }]);
      const { deliveries, sent, saved } = setup();
      await deliveries.consider(torrent);
      await deliveries.onDelivered(sent[0]!.deliveryId, false, 'download of one.bin was interrupted (FILE_FAILED)');
      expect(deliveries.decorate({ infoHash: HASH } as never)).toMatchObject({ delivery: { state: 'failed', message: expect.stringMatching(/again in 5 s/) } });
      await vi.advanceTimersByTimeAsync(4_900);
      expect(sent).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(200);
      expect(sent).toHaveLength(2);
      await deliveries.onDelivered(sent[1]!.deliveryId, false, 'again');
      await vi.advanceTimersByTimeAsync(19_000);
      expect(sent).toHaveLength(2);
      await vi.advanceTimersByTimeAsync(1_100);
      expect(sent).toHaveLength(3);
      await deliveries.onDelivered(sent[2]!.deliveryId, true);
      expect(await saved.deliveredFiles(HASH)).toEqual(new Set([0]));
      await vi.advanceTimersByTimeAsync(120_000);
      expect(sent).toHaveLength(3);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a torrent delivered before per-file marks: its wanted files count as delivered, files enabled later go', async () => {
    const files: FileStats[] = [
      { index: 0, path: 'p/a', length: 4, downloaded: 4, priority: 4 },
      { index: 1, path: 'p/b', length: 4, downloaded: 4, priority: 0 },
    ];
    const { torrent } = fakeTorrent(files);
    const kv = new MemoryKeyValueStore();
    await kv.set(`ext-delivered-${HASH}`, new TextEncoder().encode('1763900000000'));
    const sent: Extract<OffscreenToWorker, { type: 'deliver' }>[] = [];
    const deliveries = new Deliveries({
      saved: new SavedTorrents(kv),
      getFile: async () => new File([new Uint8Array(4)], 'x'),
      send: (m) => (m.type === 'deliver' && sent.push(m), true),
      changed: () => undefined,
      loadSetting: async () => ({ mode: 'downloads' }),
    });
    await deliveries.consider(torrent);
    expect(sent).toEqual([]);
    files[1]!.priority = 4;
    await deliveries.consider(torrent);
    expect(sent.map((m) => m.files.map((f) => f.filename))).toEqual([['p/b']]);
  });
});
