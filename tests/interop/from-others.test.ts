// Our `download` from Transmission 3.00, aria2 1.36 and qBittorrent 4.5 seeders on loopback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { compareTrees, makeMultiFile, makeSingleFile } from './harness/data.js';
import { makeTorrent } from './harness/make-torrent.js';
import { startAria2Seeder } from './harness/aria2.js';
import { startTransmission } from './harness/transmission.js';
import { startQBittorrent } from './harness/qbittorrent.js';
import { events, startOurDownload } from './harness/torrentedge.js';
import { startTracker, type Tracker } from './harness/tracker.js';
import { createWorkspace, type Workspace } from './harness/workspace.js';

let ws: Workspace;
let tracker: Tracker;

beforeAll(async () => {
  ws = await createWorkspace('from-others');
  tracker = await startTracker();
  ws.onCleanup(() => tracker.close());
});

afterAll(async () => {
  await ws?.cleanup();
});

describe('download from other clients', () => {
  it('from Transmission, which our client dials (--peer), byte-identical', async () => {
    const src = await ws.dir('tr-src');
    const file = await makeSingleFile(src, 'from-transmission.bin', 4 * 1024 * 1024 + 999);
    const torrent = await makeTorrent({ target: file, output: join(ws.root, 'tr.torrent'), trackers: [tracker.httpUrl] });
    const transmission = await startTransmission({ workDir: await ws.dir('transmission'), logDir: ws.logDir });
    await transmission.seed(torrent.path, src);
    const out = await ws.dir('tr-out');
    // Transmission never dials 127.x peers from a tracker; it accepts ours (INTEROP.md).
    const ours = await startOurDownload({
      name: 'ours-from-transmission', logDir: ws.logDir, source: torrent.path, out,
      stateDir: await ws.dir('tr-state'), peers: [`127.0.0.1:${transmission.peerPort}`],
    });
    const exit = await ours.proc.waitForExit(100_000);
    expect(exit, `${ours.proc.tail()}\n${transmission.proc.tail(20)}`).toEqual({ code: 0, signal: null });
    expect(await compareTrees(file, join(out, 'from-transmission.bin'))).toEqual([]);
    expect(events(ours.proc, 'done').length).toBeGreaterThan(0);
    await transmission.stop();
  }, 150_000);

  it('from aria2 found through the HTTP tracker, multi-file, byte-identical', async () => {
    const src = await ws.dir('aria-src');
    const root = await makeMultiFile(src, 'from-aria2');
    const torrent = await makeTorrent({ target: root, output: join(ws.root, 'aria.torrent'), trackers: [tracker.httpUrl], pieceSizeLog2: 17 });
    const seeder = await startAria2Seeder({ name: 'aria-seed', logDir: ws.logDir, dir: src, torrent: torrent.path });
    await tracker.waitForAnnounce((a) => a.port === seeder.port && a.event === 'start', 15_000);
    const out = await ws.dir('aria-out');
    const ours = await startOurDownload({ name: 'ours-from-aria2', logDir: ws.logDir, source: torrent.path, out, stateDir: await ws.dir('aria-state') });
    const exit = await ours.proc.waitForExit(100_000);
    expect(exit, `${ours.proc.tail()}\n${seeder.proc.tail(20)}`).toEqual({ code: 0, signal: null });
    expect(await compareTrees(root, join(out, 'from-aria2'))).toEqual([]);
    await seeder.proc.stop();
  }, 120_000);

  it('from qBittorrent found through the UDP tracker, 512 KiB pieces, byte-identical', async () => {
    const src = await ws.dir('qbt-src');
    const file = await makeSingleFile(src, 'from-qbittorrent.bin', 5 * 1024 * 1024 + 1);
    const torrent = await makeTorrent({ target: file, output: join(ws.root, 'qbt.torrent'), trackers: [tracker.udpUrl], pieceSizeLog2: 19 });
    const qbt = await startQBittorrent({ workDir: await ws.dir('qbt'), logDir: ws.logDir });
    await qbt.add(torrent.path, src);
    await qbt.waitFor(torrent.infoHash, (t) => t.progress === 1, 30_000);
    await tracker.waitForAnnounce((a) => a.port === qbt.peerPort && a.infoHash === torrent.infoHash, 20_000);
    const out = await ws.dir('qbt-out');
    const ours = await startOurDownload({ name: 'ours-from-qbittorrent', logDir: ws.logDir, source: torrent.path, out, stateDir: await ws.dir('qbt-state') });
    const exit = await ours.proc.waitForExit(100_000);
    expect(exit, `${ours.proc.tail()}\n${qbt.proc.tail(20)}`).toEqual({ code: 0, signal: null });
    expect(await compareTrees(file, join(out, 'from-qbittorrent.bin'))).toEqual([]);
    await qbt.stop();
  }, 120_000);
});
