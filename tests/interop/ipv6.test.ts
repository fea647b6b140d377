// IPv6 on ::1 against libtorrent 2.0: peers dialed as [::1]:port, an HTTP tracker on [::1] that
// hands out compact IPv6 peers (BEP 7 `peers6`), and libtorrent downloading from our seeder
// listening on :: (both families). Skipped where the machine has no ::1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { compareTrees, makeSingleFile } from './harness/data.js';
import { makeTorrent } from './harness/make-torrent.js';
import { startLibtorrentLeecher, startLibtorrentSeeder } from './harness/libtorrent.js';
import { startOurDownload, startOurSeeder } from './harness/torrentedge.js';
import { startTracker, type Tracker } from './harness/tracker.js';
import { createWorkspace, type Workspace } from './harness/workspace.js';

const HAS_IPV6_LOOPBACK = Object.values(networkInterfaces()).some((list) => list?.some((a) => a.address === '::1'));

let ws: Workspace;
let tracker: Tracker;

beforeAll(async () => {
  ws = await createWorkspace('ipv6');
  tracker = await startTracker({ host: '::1' });
  ws.onCleanup(() => tracker.close());
});

afterAll(async () => {
  await ws?.cleanup();
});

describe.skipIf(!HAS_IPV6_LOOPBACK)('IPv6 on ::1 with libtorrent', () => {
  it('downloads from a libtorrent seeder listening on [::1] given as --peer [::1]:port', async () => {
    const src = await ws.dir('peer-src');
    const file = await makeSingleFile(src, 'v6peer.bin', 3 * 1024 * 1024 + 11);
    const torrent = await makeTorrent({ target: file, output: join(ws.root, 'v6peer.torrent'), trackers: ['http://127.0.0.1:1/announce'] });
    const seeder = await startLibtorrentSeeder({ name: 'lt-v6-seed', logDir: ws.logDir, save: src, torrent: torrent.path, listen: '::1' });
    expect(seeder.address).toBe(`[::1]:${seeder.port}`);
    const out = await ws.dir('peer-out');
    const ours = await startOurDownload({ name: 'ours-v6-peer', logDir: ws.logDir, source: torrent.path, out, stateDir: await ws.dir('peer-state'), peers: [seeder.address] });
    expect(await ours.proc.waitForExit(60_000), ours.proc.tail()).toEqual({ code: 0, signal: null });
    expect(await compareTrees(file, join(out, 'v6peer.bin'))).toEqual([]);
  }, 90_000);

  it('finds a [::1] libtorrent seeder through an HTTP tracker on [::1] (compact peers6, BEP 7)', async () => {
    const src = await ws.dir('tracker-src');
    const file = await makeSingleFile(src, 'v6tracker.bin', 2 * 1024 * 1024 + 3);
    const torrent = await makeTorrent({ target: file, output: join(ws.root, 'v6tracker.torrent'), trackers: [tracker.httpUrl] });
    const seeder = await startLibtorrentSeeder({ name: 'lt-v6-tracked', logDir: ws.logDir, save: src, torrent: torrent.path, listen: '::1', trackers: [tracker.httpUrl] });
    const announced = await tracker.waitForAnnounce((a) => a.infoHash === torrent.infoHash && a.port === seeder.port, 20_000);
    expect(announced.addr).toContain('::1');
    // The tracker hands the seeder out as a compact IPv6 peer (18 bytes each under `peers6`).
    const infoHashParam = torrent.infoHash.replace(/../g, '%$&');
    const query = `info_hash=${infoHashParam}&peer_id=-XX0000-abcdefghijkl&port=1&uploaded=0&downloaded=0&left=1&compact=1`;
    const reply = Buffer.from(await (await fetch(`${tracker.httpUrl}?${query}`)).arrayBuffer()).toString('latin1');
    // (It lists the asker too: bittorrent-tracker returns every peer; the IPv4 list is empty.)
    const peers6 = /5:peers0:6:peers6(\d+):/.exec(reply);
    expect(peers6, JSON.stringify(reply)).not.toBeNull();
    expect(Number(peers6![1]) % 18).toBe(0);
    expect(Number(peers6![1])).toBeGreaterThanOrEqual(18);
    const out = await ws.dir('tracker-out');
    const ours = await startOurDownload({ name: 'ours-v6-tracker', logDir: ws.logDir, source: torrent.path, out, stateDir: await ws.dir('tracker-state') });
    expect(await ours.proc.waitForExit(60_000), ours.proc.tail()).toEqual({ code: 0, signal: null });
    expect(await compareTrees(file, join(out, 'v6tracker.bin'))).toEqual([]);
    // We announced from ::1 too.
    expect(tracker.announces.some((a) => a.infoHash === torrent.infoHash && a.port !== seeder.port && a.addr.includes('::1'))).toBe(true);
  }, 90_000);

  it('a libtorrent leecher on [::1] downloads from our seeder listening on :: (both families)', async () => {
    const src = await ws.dir('seed-src');
    const file = await makeSingleFile(src, 'v6seed.bin', 2 * 1024 * 1024 + 9);
    const torrent = await makeTorrent({ target: file, output: join(ws.root, 'v6seed.torrent'), trackers: ['http://127.0.0.1:1/announce'] });
    const seeder = await startOurSeeder({ name: 'ours-v6-seed', logDir: ws.logDir, torrent: torrent.path, dir: src, stateDir: await ws.dir('seed-state'), extra: ['--bind', '::'] });
    const save = await ws.dir('seed-out');
    const leecher = await startLibtorrentLeecher({ name: 'lt-v6-leech', logDir: ws.logDir, save, torrent: torrent.path, listen: '::1', peers: [`[::1]:${seeder.port}`], timeoutSeconds: 60 });
    expect(await leecher.proc.waitForExit(70_000), leecher.proc.tail()).toEqual({ code: 0, signal: null });
    expect(await compareTrees(file, join(save, 'v6seed.bin'))).toEqual([]);
  }, 90_000);
});
