// --blocklist FILE against real peers: a listed address is never dialed nor accepted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compareTrees, makeSingleFile } from './harness/data.js';
import { makeTorrent, type MadeTorrent } from './harness/make-torrent.js';
import { startLibtorrentLeecher, startLibtorrentSeeder } from './harness/libtorrent.js';
import { events, startOurDownload, startOurSeeder } from './harness/torrentedge.js';
import { createWorkspace, type Workspace } from './harness/workspace.js';

let ws: Workspace;
let src: string;
let file: string;
let torrent: MadeTorrent;
let blockLoopback: string;
let blockOthers: string;

beforeAll(async () => {
  ws = await createWorkspace('blocklist');
  src = await ws.dir('src');
  file = await makeSingleFile(src, 'blocked.bin', 2 * 1024 * 1024);
  torrent = await makeTorrent({ target: file, output: join(ws.root, 'blocked.torrent'), trackers: ['http://127.0.0.1:9/announce'] });
  blockLoopback = join(ws.root, 'loopback.p2p');
  await writeFile(blockLoopback, '# the test peers\nloopback:127.0.0.0-127.255.255.255\n');
  blockOthers = join(ws.root, 'others.cidr');
  await writeFile(blockOthers, '192.0.2.0/24\n198.51.100.0/24\n');
});

afterAll(async () => {
  await ws?.cleanup();
});

describe('--blocklist with real peers', () => {
  it('download: a seeder in the list is never dialed; a list that does not name it changes nothing', async () => {
    const seeder = await startLibtorrentSeeder({ name: 'lt-seed-blocked', logDir: ws.logDir, save: src, torrent: torrent.path });
    const blocked = await startOurDownload({
      name: 'ours-blocked', logDir: ws.logDir, source: torrent.path, out: await ws.dir('blocked-out'), stateDir: await ws.dir('blocked-state'),
      peers: [seeder.address], extra: ['--blocklist', blockLoopback],
    });
    await new Promise((r) => setTimeout(r, 5_000));
    const progress = events(blocked.proc, 'progress');
    expect(progress.length).toBeGreaterThan(2);
    expect(progress.every((e) => e.peers === 0 && e.downloaded === 0), blocked.proc.tail()).toBe(true);
    await blocked.proc.stop();

    const out = await ws.dir('open-out');
    const open = await startOurDownload({
      name: 'ours-not-blocked', logDir: ws.logDir, source: torrent.path, out, stateDir: await ws.dir('open-state'),
      peers: [seeder.address], extra: ['--blocklist', blockOthers],
    });
    expect(await open.proc.waitForExit(30_000), open.proc.tail()).toEqual({ code: 0, signal: null });
    expect(await compareTrees(file, join(out, 'blocked.bin'))).toEqual([]);
    await seeder.proc.stop();
  }, 60_000);

  it('seed: a leecher in the list is not accepted', async () => {
    const ours = await startOurSeeder({ name: 'ours-seed-blocking', logDir: ws.logDir, torrent: torrent.path, dir: src, stateDir: await ws.dir('seed-state'), extra: ['--blocklist', blockLoopback] });
    const leecher = await startLibtorrentLeecher({ name: 'lt-leech-refused', logDir: ws.logDir, save: await ws.dir('refused-out'), torrent: torrent.path, peers: [ours.address], timeoutSeconds: 6 });
    const exit = await leecher.proc.waitForExit(20_000);
    expect(exit.code, leecher.proc.tail()).not.toBe(0);
    const progress = events(ours.proc, 'progress');
    expect(progress.every((e) => e.peers === 0 && e.uploaded === 0), ours.proc.tail()).toBe(true);
    await ours.proc.stop();
  }, 60_000);
});
