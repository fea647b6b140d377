// Peer sources beyond trackers and the DHT, through the real extension in real Chromium with the
// real native host (issue 5): a web seed (BEP 19) on a local HTTP server, fetched by the offscreen
// engine with `fetch` under the extension's host permission, is the torrent's only source; and a
// libtorrent seeder the extension is never told about is learned through PEX (BEP 11) from a
// second libtorrent peer, dialled over the relay's TCP, and downloaded from.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'puppeteer';
import { makeSingleFile, sha256File } from '../../interop/harness/data.js';
import { startLibtorrentLeecher, startLibtorrentSeeder } from '../../interop/harness/libtorrent.js';
import { makeTorrent } from '../../interop/harness/make-torrent.js';
import { createWorkspace, type Workspace } from '../../interop/harness/workspace.js';
import { ensureBuilt } from './harness/build.js';
import { installHost, launchBrowser, makeProfile, type ExtensionBrowser, type Profile } from './harness/extension-browser.js';
import { peerRows, saveNetworkSettings, showPeersOf, storedNetworkSettings, waitForPeerRow, type PeerRowView } from './harness/dashboard.js';
import { waitForDownloadedFile } from './harness/files.js';
import { addByTyping, waitForRow } from './harness/popup.js';

const SIZE = 3 * 1024 * 1024 + 777;
/** Slow enough that the peers are still connected (and shown) while we look. */
const SLOW = 512 * 1024;
/** A port nothing listens on: mktorrent insists on an announce URL. */
const DEAD_TRACKER = 'http://127.0.0.1:9/announce';

let ws: Workspace;
let profile: Profile;
let browser: ExtensionBrowser;
let dashboard: Page;

/** A plain HTTP server on 127.0.0.1 with single-range support; it records every request. */
interface HttpLog {
  path: string;
  range: string | undefined;
  status: number;
  bytes: number;
}
const served = new Map<string, Uint8Array>();
const httpLog: HttpLog[] = [];
let server: Server;
let base: string;

beforeAll(async () => {
  await ensureBuilt();
  ws = await createWorkspace('extension-sources');
  server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const body = served.get(path);
    const range = req.headers.range;
    const answer = (status: number, bytes: number): void => void httpLog.push({ path, range, status, bytes });
    if (!body) {
      answer(404, 0);
      return void res.writeHead(404).end();
    }
    const match = /^bytes=(\d+)-(\d+)$/.exec(range ?? '');
    if (!match) {
      answer(200, body.length);
      return void res.writeHead(200, { 'content-length': body.length, 'content-type': 'application/octet-stream' }).end(body);
    }
    const start = Number(match[1]);
    const end = Math.min(Number(match[2]), body.length - 1);
    if (start > end) {
      answer(416, 0);
      return void res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
    }
    answer(206, end - start + 1);
    res.writeHead(206, { 'content-range': `bytes ${start}-${end}/${body.length}`, 'content-length': end - start + 1 });
    res.end(body.subarray(start, end + 1));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  ws.onCleanup(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  profile = await makeProfile('sources');
  await installHost(profile);
  browser = await launchBrowser(profile);
  // No DHT: the only ways to a peer are the ones each test names (and PEX).
  const options = await browser.openPage('extension-ui/options.html');
  expect(await saveNetworkSettings(options, { dht: false, pex: true })).toMatch(/^Saved/);
  expect(await storedNetworkSettings(options)).toMatchObject({ dht: false, pex: true, lsd: false });
  await options.close();
  dashboard = await browser.openPage('extension-ui/dashboard.html');
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await profile?.remove();
  await ws?.cleanup();
});

/** Waits for the torrent to seed; on timeout the message also shows its peers as the dashboard had them. */
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

describe('extension: web seeds and PEX', () => {
  it('a .torrent URL whose only source is a web seed on 127.0.0.1 completes from HTTP range requests, with no BitTorrent peer', async () => {
    const dir = await ws.dir('webseed-src');
    const file = await makeSingleFile(dir, 'web-seeded.bin', SIZE);
    // BEP 19: for a single-file torrent the url-list URL names the file itself.
    const seedUrl = `${base}/data/web-seeded.bin`;
    const torrent = await makeTorrent({ target: file, output: join(ws.root, 'web-seeded.torrent'), trackers: [DEAD_TRACKER], webSeeds: [seedUrl], pieceSizeLog2: 16 });
    served.set('/data/web-seeded.bin', new Uint8Array(await readFile(file)));
    served.set('/web-seeded.torrent', new Uint8Array(await readFile(torrent.path)));

    await addByTyping(dashboard, `${base}/web-seeded.torrent`);
    await showPeersOf(dashboard, torrent.infoHash);
    // Every peer row shown while it downloads is kept: there must be none.
    const seen: PeerRowView[] = [];
    const watching = { on: true };
    const watcher = (async () => {
      while (watching.on) {
        seen.push(...(await peerRows(dashboard).catch(() => [])));
        await new Promise((r) => setTimeout(r, 150));
      }
    })();
    try {
      await waitSeeding(torrent.infoHash, 90_000, 'the web-seeded torrent to complete');
    } finally {
      watching.on = false;
      await watcher;
    }
    expect(seen, 'peer rows shown for the web-seeded torrent').toEqual([]);
    await expectDelivered('web-seeded.bin', file, SIZE);

    // The .torrent was fetched once, the payload came as range requests that cover the file.
    expect(httpLog.filter((r) => r.path === '/web-seeded.torrent' && r.status === 200)).toHaveLength(1);
    const ranges = httpLog.filter((r) => r.path === '/data/web-seeded.bin');
    expect(ranges.length).toBeGreaterThan(1);
    expect(ranges.every((r) => r.status === 206 && r.range !== undefined), JSON.stringify(ranges.slice(0, 5))).toBe(true);
    expect(ranges.reduce((sum, r) => sum + r.bytes, 0)).toBeGreaterThanOrEqual(SIZE);
    expect(browser.pageErrors).toEqual([]);
  }, 200_000);

  it('a seeder the extension is not told about is learned through PEX from a second libtorrent peer; it shows source PEX and the download completes', async () => {
    const dir = await ws.dir('pex-src');
    const file = await makeSingleFile(dir, 'pex.bin', SIZE);
    const torrent = await makeTorrent({ target: file, output: join(ws.root, 'pex.torrent'), trackers: [DEAD_TRACKER], pieceSizeLog2: 16 });
    // The seeder never dials: the middle peer's PEX also names the extension to it, and a
    // connection the seeder opened would race (and win against) the one under test.
    const seeder = await startLibtorrentSeeder({ name: 'lt-seed-pex', logDir: ws.logDir, save: dir, torrent: torrent.path, uploadLimit: SLOW, seedOutgoing: false });
    // The middle peer dials the seeder (so it knows the seeder's listen port) and stays partial:
    // its download is throttled and it keeps running when done.
    const middleDir = await ws.dir('pex-middle');
    const middle = await startLibtorrentLeecher({
      name: 'lt-middle-pex', logDir: ws.logDir, save: middleDir, torrent: torrent.path, peers: [seeder.address], downloadLimit: 64 * 1024, keepSeeding: true,
    });
    await middle.proc.waitForLine(/"totalDone": [1-9]/, 30_000, 'stdout');

    // The extension is told only about the middle peer: no tracker, no DHT.
    await addByTyping(dashboard, `magnet:?xt=urn:btih:${torrent.infoHash}&dn=pex.bin&x.pe=${middle.address}`);
    await showPeersOf(dashboard, torrent.infoHash);
    const manual = await waitForPeerRow(dashboard, (r) => r.address === middle.address, 30_000, 'the middle peer in the peers view');
    expect(manual).toMatchObject({ source: 'manual', transport: 'tcp' });
    const learned = await waitForPeerRow(dashboard, (r) => r.address === seeder.address, 60_000, 'the seeder, learned through PEX, in the peers view');
    expect(learned).toMatchObject({ source: 'pex', transport: 'tcp' });
    expect(learned.cells[2]).toBe('PEX');
    await waitSeeding(torrent.infoHash, 90_000, 'the PEX torrent to complete');
    await expectDelivered('pex.bin', file, SIZE);
    // Most of the bytes came from the seeder: it uploaded well beyond everything the throttled
    // middle peer holds (a lower bound on what it sent the extension).
    const last = (lines: Array<Record<string, unknown>>, key: string): number => Number(lines.filter((l) => l.type === 'progress').at(-1)?.[key] ?? 0);
    await seeder.proc.waitForLine(/"type": "progress"/, 5_000, 'stdout');
    await new Promise((r) => setTimeout(r, 1_500));
    const fromSeeder = last(seeder.proc.jsonLines(), 'uploaded') - last(middle.proc.jsonLines(), 'totalDone');
    expect(fromSeeder, 'bytes the seeder sent beyond what the middle peer holds').toBeGreaterThan(SIZE / 3);
    await middle.proc.stop();
    await seeder.proc.stop();
    expect(browser.pageErrors).toEqual([]);
  }, 200_000);
});
