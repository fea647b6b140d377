// The harness checked without our client, so that a failure elsewhere is ours, not the
// harness's. The fast libtorrent → libtorrent case always runs; the rest with
// INTEROP_HARNESS_FULL=1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { compareTrees, makeMultiFile, makeSingleFile } from './harness/data.js';
import { makeTorrent, type MadeTorrent } from './harness/make-torrent.js';
import { startLibtorrentLeecher, startLibtorrentSeeder, startRestartingSeeder } from './harness/libtorrent.js';
import { startAria2Leecher, startAria2Seeder } from './harness/aria2.js';
import { startTransmission } from './harness/transmission.js';
import { startQBittorrent } from './harness/qbittorrent.js';
import { startTracker, type Tracker } from './harness/tracker.js';
import { createWorkspace, type Workspace } from './harness/workspace.js';

let ws: Workspace;
let tracker: Tracker;
let seedDir: string;
let single: MadeTorrent;

beforeAll(async () => {
  ws = await createWorkspace('self');
  tracker = await startTracker();
  ws.onCleanup(() => tracker.close());
  seedDir = await ws.dir('seed');
  await makeSingleFile(seedDir, 'self-2mb.bin', 2 * 1024 * 1024 + 123);
  single = await makeTorrent({ target: join(seedDir, 'self-2mb.bin'), output: join(ws.root, 'self.torrent'), trackers: [tracker.httpUrl] });
});

afterAll(async () => {
  await ws?.cleanup();
});

describe('harness self-test', () => {
  it('libtorrent seeder → libtorrent leecher through the HTTP tracker, byte-identical', async () => {
    const seeder = await startLibtorrentSeeder({ name: 'lt-seed', logDir: ws.logDir, save: seedDir, torrent: single.path, trackers: [tracker.httpUrl] });
    const out = await ws.dir('lt-leech');
    const leecher = await startLibtorrentLeecher({ name: 'lt-leech', logDir: ws.logDir, save: out, torrent: single.path, trackers: [tracker.httpUrl], timeoutSeconds: 50 });
    expect(await leecher.proc.waitForExit(60_000)).toEqual({ code: 0, signal: null });
    expect(await compareTrees(join(seedDir, single.name), join(out, single.name))).toEqual([]);
    expect(tracker.announces.some((a) => a.port === seeder.port && a.event === 'start')).toBe(true);
    await seeder.proc.stop();
  }, 90_000);

  it('a restarting seeder that dies of SIGSEGV is started again on its port and seeds again; a stop is not a crash', async () => {
    const seeder = await startRestartingSeeder({ name: 'lt-crashy', logDir: ws.logDir, save: seedDir, torrent: single.path });
    const first = seeder.proc;
    process.kill(first.pid, 'SIGSEGV');
    expect((await first.exited).signal).toBe('SIGSEGV');
    const deadline = Date.now() + 30_000;
    while (seeder.proc === first && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(seeder.crashes).toEqual(['lt-crashy died of SIGSEGV']);
    expect(seeder.proc).not.toBe(first);
    const out = await ws.dir('lt-after-crash');
    const leecher = await startLibtorrentLeecher({ name: 'lt-after-crash', logDir: ws.logDir, save: out, torrent: single.path, peers: [seeder.address], timeoutSeconds: 50 });
    expect(await leecher.proc.waitForExit(60_000)).toEqual({ code: 0, signal: null });
    expect(seeder.stderrLines().length).toBeGreaterThan(first.stderrLines.length);
    const second = seeder.proc;
    await second.stop();
    await new Promise((r) => setTimeout(r, 500));
    expect(seeder.proc).toBe(second);
    expect(seeder.crashes).toHaveLength(1);
  }, 90_000);
});

describe.runIf(process.env.INTEROP_HARNESS_FULL)('harness self-test (full)', () => {
  it('libtorrent seeder → libtorrent leecher by magnet through the UDP tracker', async () => {
    const seeder = await startLibtorrentSeeder({ name: 'lt-seed-udp', logDir: ws.logDir, save: seedDir, torrent: single.path, trackers: [tracker.udpUrl] });
    const out = await ws.dir('lt-magnet');
    const leecher = await startLibtorrentLeecher({ name: 'lt-magnet', logDir: ws.logDir, save: out, magnet: single.magnet([tracker.udpUrl]), timeoutSeconds: 50 });
    expect(await leecher.proc.waitForExit(60_000)).toEqual({ code: 0, signal: null });
    expect(await compareTrees(join(seedDir, single.name), join(out, single.name))).toEqual([]);
    await seeder.proc.stop();
  }, 90_000);

  it('libtorrent seeder → aria2 leecher, multi-file 32 KiB pieces', async () => {
    const src = await ws.dir('multi-src');
    const root = await makeMultiFile(src, 'multi');
    const torrent = await makeTorrent({ target: root, output: join(ws.root, 'multi.torrent'), trackers: [tracker.httpUrl], pieceSizeLog2: 15 });
    const seeder = await startLibtorrentSeeder({ name: 'lt-seed-multi', logDir: ws.logDir, save: src, torrent: torrent.path, trackers: [tracker.httpUrl] });
    const out = await ws.dir('aria-leech');
    const leecher = await startAria2Leecher({ name: 'aria-leech', logDir: ws.logDir, dir: out, torrent: torrent.path });
    expect(await leecher.proc.waitForExit(60_000)).toEqual({ code: 0, signal: null });
    expect(await compareTrees(root, join(out, 'multi'))).toEqual([]);
    await seeder.proc.stop();
  }, 90_000);

  it('aria2 seeder → libtorrent leecher', async () => {
    const seeder = await startAria2Seeder({ name: 'aria-seed', logDir: ws.logDir, dir: seedDir, torrent: single.path });
    const out = await ws.dir('lt-from-aria');
    const leecher = await startLibtorrentLeecher({ name: 'lt-from-aria', logDir: ws.logDir, save: out, torrent: single.path, peers: [seeder.address], timeoutSeconds: 50 });
    expect(await leecher.proc.waitForExit(60_000)).toEqual({ code: 0, signal: null });
    expect(await compareTrees(join(seedDir, single.name), join(out, single.name))).toEqual([]);
    await seeder.proc.stop();
  }, 90_000);

  it('Transmission seeder → libtorrent leecher dialling it', async () => {
    const transmission = await startTransmission({ workDir: await ws.dir('transmission'), logDir: ws.logDir });
    await transmission.seed(single.path, seedDir);
    const out = await ws.dir('lt-from-transmission');
    const leecher = await startLibtorrentLeecher({
      name: 'lt-from-transmission', logDir: ws.logDir, save: out, torrent: single.path,
      peers: [`127.0.0.1:${transmission.peerPort}`], timeoutSeconds: 80,
    });
    expect(await leecher.proc.waitForExit(90_000)).toEqual({ code: 0, signal: null });
    expect(await compareTrees(join(seedDir, single.name), join(out, single.name))).toEqual([]);
    await transmission.stop();
  }, 120_000);
});

describe.runIf(process.env.INTEROP_HARNESS_FULL)('harness self-test (qBittorrent)', () => {
  it('qBittorrent seeds to a libtorrent leecher, and downloads from a libtorrent seeder', async () => {
    const qbt = await startQBittorrent({ workDir: await ws.dir('qbt'), logDir: ws.logDir });
    await qbt.add(single.path, seedDir);
    await qbt.waitFor(single.infoHash, (t) => t.progress === 1, 30_000);
    const out = await ws.dir('lt-from-qbt');
    const leecher = await startLibtorrentLeecher({ name: 'lt-from-qbt', logDir: ws.logDir, save: out, torrent: single.path, peers: [`127.0.0.1:${qbt.peerPort}`], timeoutSeconds: 50 });
    expect(await leecher.proc.waitForExit(60_000), leecher.proc.tail()).toEqual({ code: 0, signal: null });
    expect(await compareTrees(join(seedDir, single.name), join(out, single.name))).toEqual([]);

    const src = await ws.dir('qbt-src');
    await makeSingleFile(src, 'to-qbt.bin', 1_500_000);
    const torrent = await makeTorrent({ target: join(src, 'to-qbt.bin'), output: join(ws.root, 'to-qbt.torrent'), trackers: [tracker.httpUrl] });
    const seeder = await startLibtorrentSeeder({ name: 'lt-seed-to-qbt', logDir: ws.logDir, save: src, torrent: torrent.path, trackers: [tracker.httpUrl] });
    const qbtOut = await ws.dir('qbt-out');
    await qbt.add(torrent.path, qbtOut);
    await qbt.waitFor(torrent.infoHash, (t) => t.progress === 1, 60_000);
    expect(await compareTrees(join(src, 'to-qbt.bin'), join(qbtOut, 'to-qbt.bin'))).toEqual([]);
    await seeder.proc.stop();
    await qbt.stop();
  }, 120_000);
});
