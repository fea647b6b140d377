// The other way round: libtorrent, aria2 and qBittorrent download from OUR `seed`, found through the
// tracker our seeder announces to (event=started at once, with its listening port).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { compareTrees, makeMultiFile, makeSingleFile } from './harness/data.js';
import { makeTorrent, type MadeTorrent } from './harness/make-torrent.js';
import { startLibtorrentLeecher } from './harness/libtorrent.js';
import { startAria2Leecher } from './harness/aria2.js';
import { startQBittorrent } from './harness/qbittorrent.js';
import { startOurSeeder, type OurPeer } from './harness/torrentedge.js';
import { startTracker, type Tracker } from './harness/tracker.js';
import { createWorkspace, type Workspace } from './harness/workspace.js';

let ws: Workspace;
let tracker: Tracker;
let src: string;
let single: MadeTorrent;
let multi: MadeTorrent;
let multiRoot: string;
let ourSingle: OurPeer;
let ourMulti: OurPeer;

beforeAll(async () => {
  ws = await createWorkspace('to-others');
  tracker = await startTracker();
  ws.onCleanup(() => tracker.close());
  src = await ws.dir('src');
  const file = await makeSingleFile(src, 'ours.bin', 6 * 1024 * 1024 + 4321);
  single = await makeTorrent({ target: file, output: join(ws.root, 'ours.torrent'), trackers: [tracker.httpUrl] });
  multiRoot = await makeMultiFile(src, 'ours-multi');
  multi = await makeTorrent({ target: multiRoot, output: join(ws.root, 'ours-multi.torrent'), trackers: [tracker.httpUrl], pieceSizeLog2: 15 });
  ourSingle = await startOurSeeder({ name: 'ours-seed-single', logDir: ws.logDir, torrent: single.path, dir: src, stateDir: await ws.dir('state-single'), tracker, infoHash: single.infoHash });
  ourMulti = await startOurSeeder({ name: 'ours-seed-multi', logDir: ws.logDir, torrent: multi.path, dir: src, stateDir: await ws.dir('state-multi'), tracker, infoHash: multi.infoHash });
}, 90_000);

afterAll(async () => {
  await ws?.cleanup();
});

describe('other clients download from our seeder', () => {
  it('libtorrent, by .torrent through the tracker, byte-identical', async () => {
    const out = await ws.dir('lt-out');
    const leecher = await startLibtorrentLeecher({ name: 'lt-from-ours', logDir: ws.logDir, save: out, torrent: single.path, trackers: [tracker.httpUrl], timeoutSeconds: 80 });
    const exit = await leecher.proc.waitForExit(90_000);
    expect(exit, `${leecher.proc.tail()}\n${ourSingle.proc.tail()}`).toEqual({ code: 0, signal: null });
    expect(await compareTrees(join(src, 'ours.bin'), join(out, 'ours.bin'))).toEqual([]);
  }, 120_000);

  it('libtorrent, by magnet: our seeder serves the metadata (ut_metadata, BEP 9)', async () => {
    const out = await ws.dir('lt-magnet-out');
    const leecher = await startLibtorrentLeecher({
      name: 'lt-magnet-from-ours', logDir: ws.logDir, save: out, magnet: multi.magnet([tracker.httpUrl]),
      peers: [ourMulti.address], timeoutSeconds: 80,
    });
    const exit = await leecher.proc.waitForExit(90_000);
    expect(exit, `${leecher.proc.tail()}\n${ourMulti.proc.tail()}`).toEqual({ code: 0, signal: null });
    expect(await compareTrees(multiRoot, join(out, 'ours-multi'))).toEqual([]);
  }, 120_000);

  it('aria2, multi-file with 32 KiB pieces through the tracker, byte-identical', async () => {
    const out = await ws.dir('aria-out');
    const leecher = await startAria2Leecher({ name: 'aria-from-ours', logDir: ws.logDir, dir: out, torrent: multi.path });
    const exit = await leecher.proc.waitForExit(90_000);
    expect(exit, `${leecher.proc.tail()}\n${ourMulti.proc.tail()}`).toEqual({ code: 0, signal: null });
    expect(await compareTrees(multiRoot, join(out, 'ours-multi'))).toEqual([]);
  }, 120_000);

  it('qBittorrent, multi-file through the tracker, byte-identical', async () => {
    const qbt = await startQBittorrent({ workDir: await ws.dir('qbt'), logDir: ws.logDir });
    const out = await ws.dir('qbt-out');
    await qbt.add(multi.path, out);
    await qbt.waitFor(multi.infoHash, (t) => t.progress === 1, 60_000).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${ourMulti.proc.tail()}`);
    });
    expect(await compareTrees(multiRoot, join(out, 'ours-multi'))).toEqual([]);
    await qbt.stop();
  }, 120_000);

  it('our seeder is still up after serving everyone, and stops on SIGTERM', async () => {
    expect(ourSingle.proc.exitInfo).toBeUndefined();
    ourSingle.proc.signal('SIGTERM');
    const exit = await ourSingle.proc.waitForExit(10_000);
    expect(exit.signal === 'SIGTERM' || exit.code === 0 || exit.code === 143, JSON.stringify(exit)).toBe(true);
  }, 30_000);
});
