// Seeding goals with a real tracker and peer (DESIGN: "when the goal is reached, finish the
// blocks in flight, announce `stopped` and exit 0 with one line naming the goal").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { compareTrees, makeSingleFile } from './harness/data.js';
import { makeTorrent, type MadeTorrent } from './harness/make-torrent.js';
import { startLibtorrentLeecher } from './harness/libtorrent.js';
import { startOurSeeder } from './harness/torrentedge.js';
import { startTracker, type Tracker } from './harness/tracker.js';
import { createWorkspace, type Workspace } from './harness/workspace.js';

let ws: Workspace;
let tracker: Tracker;
let src: string;
let file: string;
let torrent: MadeTorrent;

beforeAll(async () => {
  ws = await createWorkspace('seed-goals');
  tracker = await startTracker();
  ws.onCleanup(() => tracker.close());
  src = await ws.dir('src');
  file = await makeSingleFile(src, 'goals.bin', 3 * 1024 * 1024 + 1);
  torrent = await makeTorrent({ target: file, output: join(ws.root, 'goals.torrent'), trackers: [tracker.httpUrl] });
});

afterAll(async () => {
  await ws?.cleanup();
});

describe('seed goals', () => {
  it('seed --seed-time 3s: exits 0 after about 3 s, names the goal, announces stopped', async () => {
    const started = Date.now();
    const ours = await startOurSeeder({ name: 'ours-seed-time', logDir: ws.logDir, torrent: torrent.path, dir: src, stateDir: await ws.dir('time-state'), extra: ['--seed-time', '3s'], tracker, infoHash: torrent.infoHash });
    const exit = await ours.proc.waitForExit(20_000);
    const seconds = (Date.now() - started) / 1000;
    expect(exit, ours.proc.tail()).toEqual({ code: 0, signal: null });
    expect(seconds).toBeGreaterThanOrEqual(2.9);
    expect(seconds).toBeLessThan(15);
    expect([...ours.proc.stdoutLines, ...ours.proc.stderrLines].some((l) => /time/i.test(l)), 'a line naming the time goal').toBe(true);
    await tracker.waitForAnnounce((a) => a.event === 'stop' && a.port === ours.port, 5_000);
  }, 60_000);

  it('seed --seed-ratio 1: exits 0 once a libtorrent leecher took the whole torrent', async () => {
    const ours = await startOurSeeder({ name: 'ours-seed-ratio', logDir: ws.logDir, torrent: torrent.path, dir: src, stateDir: await ws.dir('ratio-state'), extra: ['--seed-ratio', '1'], tracker, infoHash: torrent.infoHash });
    const out = await ws.dir('ratio-out');
    const leecher = await startLibtorrentLeecher({ name: 'lt-leech-ratio', logDir: ws.logDir, save: out, torrent: torrent.path, peers: [ours.address], timeoutSeconds: 50 });
    expect(await leecher.proc.waitForExit(60_000), leecher.proc.tail()).toEqual({ code: 0, signal: null });
    expect(await compareTrees(file, join(out, 'goals.bin'))).toEqual([]);
    const exit = await ours.proc.waitForExit(20_000);
    expect(exit, ours.proc.tail()).toEqual({ code: 0, signal: null });
    expect([...ours.proc.stdoutLines, ...ours.proc.stderrLines].some((l) => /ratio/i.test(l)), 'a line naming the ratio goal').toBe(true);
    await tracker.waitForAnnounce((a) => a.event === 'stop' && a.port === ours.port, 5_000);
  }, 90_000);
});
