// Issue 5 through the relay, in real Chromium with the real extension and native host, against
// libtorrent on loopback: local service discovery (BEP 14) over the relay's UDP_JOIN on the LSD
// group, kept on lo (the extension's LSD interface is 127.0.0.1, libtorrent listens there); a
// seeder on [::1] handed out as a compact IPv6 peer (BEP 7 `peers6`) by an HTTP tracker on
// [::1] and dialed over the relay's TCP; and the fast extension (BEP 6) negotiated with a
// libtorrent seeder that never unchokes us: HAVE_ALL, ALLOWED_FAST, and requests for exactly
// those pieces while choked; and REJECT from a seeder whose request queue is shorter than our
// pipeline — all read from libtorrent's own peer log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer';
import { compareTrees, makeSingleFile, sha256File } from '../../interop/harness/data.js';
import { startLibtorrentLeecher, startLibtorrentSeeder, startRestartingSeeder } from '../../interop/harness/libtorrent.js';
import { makeTorrent, type MadeTorrent } from '../../interop/harness/make-torrent.js';
import { startTracker, type Tracker } from '../../interop/harness/tracker.js';
import { createWorkspace, type Workspace } from '../../interop/harness/workspace.js';
import { ensureBuilt } from './harness/build.js';
import { installHost, launchBrowser, makeProfile, type ExtensionBrowser, type Profile } from './harness/extension-browser.js';
import { peerRows, saveNetworkSettings, showPeersOf, storedNetworkSettings, waitForPeerRow } from './harness/dashboard.js';
import { waitForDownloadedFile } from './harness/files.js';
import { addByTyping, rows, waitForRow } from './harness/popup.js';

const SIZE = 3 * 1024 * 1024 + 777;
/** Slow enough that the peer is still connected (and shown) while we look. */
const SLOW = 512 * 1024;
/** mktorrent insists on an announce URL; nothing listens on port 9. */
const DEAD_TRACKER = 'http://127.0.0.1:9/announce';
const HAS_IPV6_LOOPBACK = Object.values(networkInterfaces()).some((list) => list?.some((a) => a.address === '::1'));

let ws: Workspace;
let profile: Profile;
let browser: ExtensionBrowser;
let dashboard: Page;

beforeAll(async () => {
  await ensureBuilt();
  ws = await createWorkspace('extension-relay-swarm');
  profile = await makeProfile('relay-swarm');
  await installHost(profile);
  browser = await launchBrowser(profile);
  // No DHT: each test names its only way to a peer. LSD on lo only.
  const options = await browser.openPage('extension-ui/options.html');
  expect(await saveNetworkSettings(options, { dht: false, lsd: true, lsdInterface: '127.0.0.1' })).toMatch(/^Saved/);
  expect(await storedNetworkSettings(options)).toMatchObject({ dht: false, lsd: true, lsdInterface: '127.0.0.1' });
  await options.close();
  dashboard = await browser.openPage('extension-ui/dashboard.html');
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await profile?.remove();
  await ws?.cleanup();
});

async function payload(label: string, size = SIZE, pieceSizeLog2 = 16): Promise<{ dir: string; file: string; torrent: MadeTorrent }> {
  const dir = await ws.dir(`${label}-src`);
  const file = await makeSingleFile(dir, `${label}.bin`, size);
  const torrent = await makeTorrent({ target: file, output: join(ws.root, `${label}.torrent`), trackers: [DEAD_TRACKER], pieceSizeLog2 });
  return { dir, file, torrent };
}

async function waitSeeding(infoHash: string, timeoutMs: number, what: string): Promise<void> {
  try {
    await waitForRow(dashboard, (r) => r.infoHash === infoHash && r.state === 'seeding', timeoutMs, what);
  } catch (error) {
    throw new Error(`${(error as Error).message}; peers: ${JSON.stringify(await peerRows(dashboard).catch(() => []))}`);
  }
}

async function expectDelivered(name: string, original: string, size: number): Promise<void> {
  const delivered = join(profile.downloads, name);
  await waitForDownloadedFile(delivered, size, 60_000);
  expect(await sha256File(delivered)).toBe(await sha256File(original));
}

describe('extension: LSD, IPv6 and the fast extension through the relay', () => {
  it('LSD: a libtorrent seeder announcing on the LSD group is found through the relay multicast and downloaded from; the peer shows source LSD', async () => {
    const { dir, file, torrent } = await payload('lsd-found');
    // The magnet names no peer and no tracker, and the DHT is off: only LSD can find the seeder.
    await addByTyping(dashboard, `magnet:?xt=urn:btih:${torrent.infoHash}&dn=lsd-found.bin`);
    await waitForRow(dashboard, (r) => r.infoHash === torrent.infoHash, 30_000, 'the LSD magnet in the list');
    // Started after we joined the group: libtorrent's first announce (at start) reaches us.
    const seeder = await startLibtorrentSeeder({ name: 'lt-lsd-seed', logDir: ws.logDir, save: dir, torrent: torrent.path, lsd: true, uploadLimit: SLOW });
    await showPeersOf(dashboard, torrent.infoHash);
    const peer = await waitForPeerRow(dashboard, (r) => r.address === seeder.address, 60_000, 'the LSD seeder in the peers view');
    expect(peer).toMatchObject({ source: 'lsd', transport: 'tcp' });
    await waitSeeding(torrent.infoHash, 90_000, 'the LSD torrent to complete');
    await expectDelivered('lsd-found.bin', file, SIZE);
    await seeder.proc.stop();
    expect(browser.pageErrors).toEqual([]);
  }, 200_000);

  it.skipIf(!HAS_IPV6_LOOPBACK)('IPv6: a seeder on [::1], handed out as a compact peers6 entry by a tracker on [::1], is dialed over the relay and downloaded from; then an IPv6 leecher dials in (we listen on ::) and downloads from us', async () => {
    const tracker: Tracker = await startTracker({ host: '::1', intervalMs: 2_000 });
    ws.onCleanup(() => tracker.close());
    const { dir, file, torrent } = await payload('v6-tracked');
    const seeder = await startLibtorrentSeeder({ name: 'lt-v6-seed', logDir: ws.logDir, save: dir, torrent: torrent.path, listen: '::1', trackers: [tracker.httpUrl], uploadLimit: SLOW });
    const announced = await tracker.waitForAnnounce((a) => a.infoHash === torrent.infoHash && a.port === seeder.port, 20_000);
    expect(announced.addr).toContain('::1');
    await addByTyping(dashboard, `magnet:?xt=urn:btih:${torrent.infoHash}&dn=v6-tracked.bin&tr=${encodeURIComponent(tracker.httpUrl)}`);
    await showPeersOf(dashboard, torrent.infoHash);
    // The only IPv6 peer there is: the seeder on ::1 at its port (the tracker lists IPv6 peers in
    // `peers6` only; it never saw the seeder on IPv4).
    const peer = await waitForPeerRow(dashboard, (r) => r.address.includes('::1') && r.address.endsWith(`:${seeder.port}`), 60_000, 'the [::1] seeder in the peers view');
    expect(peer).toMatchObject({ source: 'tracker', transport: 'tcp' });
    await waitSeeding(torrent.infoHash, 90_000, 'the IPv6 torrent to complete');
    await expectDelivered('v6-tracked.bin', file, SIZE);
    // We announced to the tracker on [::1] from ::1 (fetch from the offscreen document).
    const ours = tracker.announces.find((a) => a.infoHash === torrent.infoHash && a.port !== seeder.port && a.addr.includes('::1'));
    expect(ours).toBeDefined();
    await seeder.proc.stop();
    // The engine listens on :: through the relay: an IPv6 peer dials in and downloads from us.
    const save = await ws.dir('v6-leech');
    const leecher = await startLibtorrentLeecher({ name: 'lt-v6-leech', logDir: ws.logDir, save, torrent: torrent.path, listen: '::1', peers: [`[::1]:${ours!.port}`], timeoutSeconds: 60 });
    expect(await leecher.proc.waitForExit(70_000), leecher.proc.tail()).toEqual({ code: 0, signal: null });
    expect(await compareTrees(file, join(save, 'v6-tracked.bin'))).toEqual([]);
  }, 200_000);

  it('fast extension: a libtorrent seeder that never unchokes us sends HAVE_ALL and ALLOWED_FAST; we fetch exactly those pieces while choked', async () => {
    const K = 6;
    const PIECES = 40;
    const PIECE = 32 * 1024;
    const size = PIECES * PIECE - 123;
    const { dir, torrent } = await payload('fast-choked', size, 15);
    const seeder = await startRestartingSeeder({ name: 'lt-fast-seed', logDir: ws.logDir, save: dir, torrent: torrent.path, unchokeSlots: 0, allowedFast: K, peerLog: true });
    await new Promise((r) => setTimeout(r, 2_000)); // past libtorrent's first (optimistic) unchoke round
    await addByTyping(dashboard, `magnet:?xt=urn:btih:${torrent.infoHash}&dn=fast-choked.bin&x.pe=${seeder.address}`);
    // A restarted seeder (a libtorrent crash) offers the same set again: BEP 6 derives it from our address.
    const offered = (): number[] =>
      [...new Set(seeder.stderrLines().map((line) => /==> ALLOWED_FAST \[ (\d+) \]/.exec(line)?.[1]).filter((x): x is string => x !== undefined))]
        .map(Number)
        .sort((a, b) => a - b);
    // Progress is verified bytes over the total: K whole pieces (the short last one may be one).
    const enough = (K - 1) * PIECE + (PIECE - 123);
    await waitForRow(dashboard, (r) => r.infoHash === torrent.infoHash && r.progress * size >= enough - 1, 60_000, 'the allowed-fast pieces to be verified');
    await new Promise((r) => setTimeout(r, 2_000)); // anything beyond the set would arrive now
    const lines = seeder.stderrLines();
    expect(offered(), seeder.proc.tail()).toHaveLength(K);
    expect(lines.some((l) => l.includes('==> HAVE_ALL')), 'libtorrent announces its pieces with HAVE_ALL').toBe(true);
    expect(lines.some((l) => l.includes('==> UNCHOKE')), 'libtorrent never unchokes us').toBe(false);
    const requested = new Set(lines.map((l) => /<== REQUEST \[ piece: (\d+)/.exec(l)?.[1]).filter((x): x is string => x !== undefined).map(Number));
    expect([...requested].sort((a, b) => a - b), 'we requested the allowed-fast pieces and nothing else').toEqual(offered());
    const expected = offered().reduce((sum, i) => sum + (i === PIECES - 1 ? PIECE - 123 : PIECE), 0);
    const row = (await rows(dashboard)).find((r) => r.infoHash === torrent.infoHash)!;
    expect(Math.round(row.progress * size)).toBeGreaterThanOrEqual(expected - 1);
    expect(Math.round(row.progress * size)).toBeLessThanOrEqual(expected + 1);
    expect(row.state).toBe('downloading');
    // The engine's view of the peer: interested, choked all along (lower-case 'd', never 'D').
    await showPeersOf(dashboard, torrent.infoHash);
    const peer = await waitForPeerRow(dashboard, (r) => r.address === seeder.address, 20_000, 'the choking seeder in the peers view');
    expect(peer.cells.at(-1)).toContain('d');
    expect(peer.cells.at(-1)).not.toContain('D');
    await seeder.proc.stop();
  }, 200_000);

  it('fast extension: a libtorrent seeder whose request queue holds 4 answers the rest of our pipeline with REJECT; we ask again and finish byte-identical', async () => {
    const { dir, file, torrent } = await payload('fast-reject');
    const seeder = await startRestartingSeeder({ name: 'lt-reject-seed', logDir: ws.logDir, save: dir, torrent: torrent.path, maxRequestQueue: 4, uploadLimit: 2 * SLOW, peerLog: true });
    await addByTyping(dashboard, `magnet:?xt=urn:btih:${torrent.infoHash}&dn=fast-reject.bin&x.pe=${seeder.address}`);
    await waitSeeding(torrent.infoHash, 120_000, 'the torrent with rejected requests to complete');
    await expectDelivered('fast-reject.bin', file, SIZE);
    const rejects = seeder.stderrLines().filter((l) => /==> REJECT/.test(l));
    expect(rejects.length, seeder.proc.tail()).toBeGreaterThan(0);
    await seeder.proc.stop();
  }, 200_000);
});
