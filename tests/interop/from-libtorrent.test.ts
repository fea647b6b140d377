// Our `download` against a real libtorrent 2.0 seeder on loopback: .torrent through an HTTP
// tracker, magnet through a UDP tracker (metadata by ut_metadata, BEP 9), multi-file layouts
// with odd sizes, an empty file and nested folders at non-default piece sizes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { compareTrees, makeMultiFile, makeSingleFile } from './harness/data.js';
import { makeTorrent } from './harness/make-torrent.js';
import { startLibtorrentSeeder } from './harness/libtorrent.js';
import { events, startOurDownload } from './harness/torrentedge.js';
import { startTracker, type Tracker } from './harness/tracker.js';
import { createWorkspace, type Workspace } from './harness/workspace.js';

let ws: Workspace;
let tracker: Tracker;

beforeAll(async () => {
  ws = await createWorkspace('from-lt');
  tracker = await startTracker();
  ws.onCleanup(() => tracker.close());
});

afterAll(async () => {
  await ws?.cleanup();
});

async function downloadAndCheck(label: string, source: string, expectedPath: string, outName: string): Promise<string> {
  const out = await ws.dir(`${label}-out`);
  const ours = await startOurDownload({ name: `ours-${label}`, logDir: ws.logDir, source, out, stateDir: await ws.dir(`${label}-state`) });
  const exit = await ours.proc.waitForExit(100_000);
  expect(exit, ours.proc.tail()).toEqual({ code: 0, signal: null });
  expect(await compareTrees(expectedPath, join(out, outName)), ours.proc.tail()).toEqual([]);
  expect(events(ours.proc, 'done').length, 'a {"type":"done"} line with --json').toBeGreaterThan(0);
  return out;
}

describe('download from libtorrent', () => {
  it('single file by .torrent through the HTTP tracker is byte-identical', async () => {
    const src = await ws.dir('single-src');
    const file = await makeSingleFile(src, 'single.bin', 8 * 1024 * 1024 + 12_345);
    const torrent = await makeTorrent({ target: file, output: join(ws.root, 'single.torrent'), trackers: [tracker.httpUrl] });
    const seeder = await startLibtorrentSeeder({ name: 'lt-seed-single', logDir: ws.logDir, save: src, torrent: torrent.path, trackers: [tracker.httpUrl] });
    await tracker.waitForAnnounce((a) => a.port === seeder.port, 15_000);
    await downloadAndCheck('single', torrent.path, file, 'single.bin');
    // Our client announced the port it listens on (DESIGN: it announces its real port).
    expect(tracker.announces.some((a) => a.infoHash === torrent.infoHash && a.port !== seeder.port)).toBe(true);
    await seeder.proc.stop();
  }, 120_000);

  it('single file by magnet through the UDP tracker fetches metadata from libtorrent', async () => {
    const src = await ws.dir('magnet-src');
    const file = await makeSingleFile(src, 'magnet file.bin', 3 * 1024 * 1024 + 7);
    const torrent = await makeTorrent({ target: file, output: join(ws.root, 'magnet.torrent'), trackers: [tracker.udpUrl], pieceSizeLog2: 16 });
    const seeder = await startLibtorrentSeeder({ name: 'lt-seed-magnet', logDir: ws.logDir, save: src, torrent: torrent.path, trackers: [tracker.udpUrl] });
    await tracker.waitForAnnounce((a) => a.port === seeder.port, 15_000);
    await downloadAndCheck('magnet', torrent.magnet([tracker.udpUrl]), file, 'magnet file.bin');
    await seeder.proc.stop();
  }, 120_000);

  for (const [log2, label] of [[15, '32 KiB'], [22, '4 MiB (one piece spans every file)']] as const) {
    it(`multi-file with odd sizes, an empty file and nested folders, ${label} pieces`, async () => {
      const src = await ws.dir(`multi-${log2}-src`);
      const root = await makeMultiFile(src, `multi-${log2}`);
      const torrent = await makeTorrent({ target: root, output: join(ws.root, `multi-${log2}.torrent`), trackers: [tracker.httpUrl], pieceSizeLog2: log2 });
      expect(torrent.pieceLength).toBe(2 ** log2);
      const seeder = await startLibtorrentSeeder({ name: `lt-seed-multi-${log2}`, logDir: ws.logDir, save: src, torrent: torrent.path, trackers: [tracker.httpUrl] });
      await tracker.waitForAnnounce((a) => a.port === seeder.port, 15_000);
      const out = await downloadAndCheck(`multi-${log2}`, torrent.path, root, `multi-${log2}`);
      const empty = await stat(join(out, `multi-${log2}`, 'empty.txt'));
      expect(empty.isFile() && empty.size === 0).toBe(true);
      await seeder.proc.stop();
    }, 120_000);
  }
});
