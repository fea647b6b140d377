// Streaming (issue 7) in real Chromium with the real extension and native host, from a libtorrent
// seeder throttled so the download is still running: the Files tab's Play button opens the player,
// the <video> plays the file as it downloads (HTTP Range through the service worker, bytes from the
// offscreen engine), a seek to the middle plays on while the torrent is still incomplete, and once
// complete the stream serves the exact file (whole and by range). Screenshots of the player.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'puppeteer';
import { startLibtorrentSeeder, type LibtorrentPeer } from '../../interop/harness/libtorrent.js';
import { makeTorrent, type MadeTorrent } from '../../interop/harness/make-torrent.js';
import { createWorkspace, type Workspace } from '../../interop/harness/workspace.js';
import { ensureBuilt, ROOT } from './harness/build.js';
import { EXTENSION_ORIGIN, installHost, launchBrowser, makeProfile, type ExtensionBrowser, type Profile } from './harness/extension-browser.js';
import { openTab, selectTorrent } from './harness/dashboard.js';
import { addByTyping, rows, waitForRow } from './harness/popup.js';
import { WAV_BYTE_RATE, writeWav } from './harness/wav.js';

/** 60 s of CD-quality audio: ~10.6 MB, 162 pieces of 64 KiB. */
const SECONDS = 60;
/** A little faster than the audio plays (176 KB/s): the download runs ~50 s. */
const SEED_RATE = 200 * 1024;
/** Markup characters are replaced in stored paths (path-sanitizer); `&` and quotes stay, as text. */
const FILE_NAME = `Tom & Jerry's "stream" <b>.wav`;
const SHOWN_NAME = `Tom & Jerry's _stream_ _b_.wav`;

let ws: Workspace;
let profile: Profile;
let browser: ExtensionBrowser;
let dashboard: Page;
let player: Page;
let seeder: LibtorrentPeer;
let torrent: MadeTorrent;
let original: Buffer;
const playerErrors: string[] = [];

beforeAll(async () => {
  await ensureBuilt();
  ws = await createWorkspace('extension-stream');
  const dir = await ws.dir('seed');
  const file = join(dir, FILE_NAME);
  await writeWav(file, SECONDS);
  original = await readFile(file);
  torrent = await makeTorrent({ target: file, output: join(ws.root, 'stream.torrent'), trackers: ['http://127.0.0.1:9/announce'], pieceSizeLog2: 16 });
  seeder = await startLibtorrentSeeder({ name: 'lt-seed-stream', logDir: ws.logDir, save: dir, torrent: torrent.path, uploadLimit: SEED_RATE });
  ws.onCleanup(async () => void (await seeder.proc.stop()));
  profile = await makeProfile('stream');
  await installHost(profile);
  // No user gesture in a test: let the player start by itself, as a click on Play would.
  browser = await launchBrowser(profile, ['--autoplay-policy=no-user-gesture-required']);
  dashboard = await browser.openPage('extension-ui/dashboard.html');
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await profile?.remove();
  await ws?.cleanup();
});

async function row() {
  return (await rows(dashboard)).find((r) => r.infoHash === torrent.infoHash);
}

/** Resolves when the video has fired `event` (listening from now on) and `ready` holds. */
function videoState(page: Page) {
  return page.evaluate(() => {
    const v = document.querySelector('video')!;
    return { currentTime: v.currentTime, duration: v.duration, readyState: v.readyState, paused: v.paused, error: v.error?.message ?? null, state: document.querySelector('#player-state')?.getAttribute('data-state') };
  });
}

describe('extension: streaming a file while it downloads', () => {
  it('Play in the Files tab opens the player; the <video> plays from the start while the torrent downloads', async () => {
    const magnet = `magnet:?xt=urn:btih:${torrent.infoHash}&dn=${encodeURIComponent(FILE_NAME)}&x.pe=${seeder.address}`;
    await addByTyping(dashboard, magnet);
    await waitForRow(dashboard, (r) => r.infoHash === torrent.infoHash && r.state === 'downloading', 60_000, 'the torrent to have its metadata');
    await selectTorrent(dashboard, torrent.infoHash);
    await openTab(dashboard, 'Files');
    const play = await dashboard.waitForSelector(`::-p-aria(Play ${SHOWN_NAME} while it downloads)`, { timeout: 20_000 });
    const opened = browser.browser.waitForTarget((t) => t.url().startsWith(`${EXTENSION_ORIGIN}/extension-ui/player.html`), { timeout: 10_000 });
    await play!.click();
    player = (await (await opened).page())!;
    player.on('console', (m) => m.type() === 'error' && playerErrors.push(m.text()));
    player.on('pageerror', (e) => playerErrors.push((e as Error).message));

    // The name is text: the sanitized file name exactly, no element made of it.
    await player.waitForFunction((name: string) => document.querySelector('h1')?.textContent === name, { timeout: 20_000 }, SHOWN_NAME);
    expect(await player.$$eval('main b, main img', (els) => els.length)).toBe(0);
    expect(await player.$eval('video', (v) => v.getAttribute('src'))).toBe(`/stream/${torrent.infoHash}/0`);

    // It plays: 'playing' fired, time moves, enough data for the present and the future.
    await player.waitForFunction(() => {
      const v = document.querySelector('video');
      return !!v && v.currentTime > 1 && v.readyState >= 3 && !v.paused;
    }, { timeout: 60_000 });
    const state = await videoState(player);
    expect(state.duration).toBeCloseTo(SECONDS, 0);
    expect(state.error).toBeNull();
    expect(state.state).toBe('playing');
    const now = await row();
    expect(now?.state, 'still downloading while it plays').toBe('downloading');
    expect(now!.progress).toBeLessThan(1);
  }, 200_000);

  it('a seek to the middle plays on from there before the download completes', async () => {
    const before = await row();
    expect(before?.state).toBe('downloading');
    const seek = await player.evaluate(async () => {
      const v = document.querySelector('video')!;
      const target = v.duration / 2;
      const t0 = performance.now();
      const seeked = new Promise<void>((resolve) => v.addEventListener('seeked', () => resolve(), { once: true }));
      v.currentTime = target;
      await seeked;
      const seekMs = performance.now() - t0;
      // Then it must play on past the seek point (the pieces there came first).
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`stuck at ${v.currentTime} (readyState ${v.readyState})`)), 60_000);
        const check = (): void => {
          if (v.currentTime > target + 1.5 && v.readyState >= 3 && !v.paused) {
            clearTimeout(timer);
            resolve();
          } else setTimeout(check, 100);
        };
        check();
      });
      return { target, seekMs, currentTime: v.currentTime, readyState: v.readyState };
    });
    const after = await row();
    console.log(`seek to ${seek.target.toFixed(1)} s: seeked in ${seek.seekMs.toFixed(0)} ms, playing at ${seek.currentTime.toFixed(1)} s; torrent at ${(after!.progress * 100).toFixed(0)}%`);
    expect(after?.state, 'the download is still running after the seek played').toBe('downloading');
    expect(after!.progress).toBeLessThan(1);
    expect(seek.readyState).toBeGreaterThanOrEqual(3);
    // The middle played while less than half the torrent was there: its pieces came out of order.
    expect(seek.target * WAV_BYTE_RATE).toBeGreaterThan(original.length * 0.45);
    expect(after!.progress).toBeLessThan(0.5);
    // While it plays and downloads: the player, light and dark.
    await player.setViewport({ width: 900, height: 560 });
    for (const theme of ['light', 'dark'] as const) {
      await player.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: theme }]);
      await new Promise((r) => setTimeout(r, 300));
      await player.screenshot({ path: join(ROOT, 'docs', 'screenshots', `player-${theme}.png`) as `${string}.png` });
    }
    await player.emulateMediaFeatures([]);
  }, 120_000);

  it('pausing the torrent says so in the player with a Resume button; resuming plays on from where it was', async () => {
    // Still selected in the dashboard since the first test.
    await dashboard.waitForSelector(`section.details[data-infohash="${torrent.infoHash}"]`, { timeout: 5_000 });
    // A click waits for the page to render frames: a background tab renders none.
    await dashboard.bringToFront();
    await dashboard.click('.list-actions ::-p-text(Pause)');
    await waitForRow(dashboard, (r) => r.infoHash === torrent.infoHash && r.state === 'paused', 20_000, 'the torrent to pause');
    await player.bringToFront();
    const note = await player.waitForSelector('.player-stopped', { timeout: 20_000 });
    expect(await note!.evaluate((el) => el.textContent)).toContain('The torrent is paused');
    // It stops at what is downloaded: no 'format not supported' message for a paused torrent.
    await player.waitForFunction(() => ['buffering', 'error'].includes(document.querySelector('#player-state')?.getAttribute('data-state') ?? ''), { timeout: 60_000 });
    expect(await player.$$eval('.player-status .player-error', (els) => els.length)).toBe(0);
    const stoppedAt = (await videoState(player)).currentTime;
    await player.locator('::-p-aria(Resume the torrent)').click();
    await waitForRow(dashboard, (r) => r.infoHash === torrent.infoHash && r.state === 'downloading', 20_000, 'the torrent to resume');
    await player.waitForFunction((t: number) => {
      const v = document.querySelector('video');
      return !!v && v.currentTime > t + 2 && !v.paused && !v.error;
    }, { timeout: 60_000 }, stoppedAt);
    expect(await player.$$eval('.player-stopped', (els) => els.length)).toBe(0);
    console.log(`paused at ${stoppedAt.toFixed(1)} s of the audio; played on after Resume to ${(await videoState(player)).currentTime.toFixed(1)} s`);
  }, 150_000);

  it('once complete, the stream serves the exact file, whole and by range; throughput measured', async () => {
    await waitForRow(dashboard, (r) => r.infoHash === torrent.infoHash && r.state === 'seeding', 120_000, 'the download to complete');
    const expected = createHash('sha256').update(original).digest('hex');
    const result = await player.evaluate(async (hex: string) => {
      const t0 = performance.now();
      const whole = await fetch(`/stream/${hex}/0`);
      const bytes = new Uint8Array(await whole.arrayBuffer());
      const ms = performance.now() - t0;
      const digest = [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
      const part = await fetch(`/stream/${hex}/0`, { headers: { Range: 'bytes=1000000-1000099' } });
      const partBytes = [...new Uint8Array(await part.arrayBuffer())];
      const beyond = await fetch(`/stream/${hex}/0`, { headers: { Range: 'bytes=999999999-' } });
      const missing = await fetch(`/stream/${hex}/7`);
      return {
        status: whole.status, length: bytes.length, digest, ms, acceptRanges: whole.headers.get('accept-ranges'), type: whole.headers.get('content-type'),
        partStatus: part.status, contentRange: part.headers.get('content-range'), partBytes,
        beyondStatus: beyond.status, beyondRange: beyond.headers.get('content-range'), missingStatus: missing.status,
      };
    }, torrent.infoHash);
    console.log(`stream endpoint, whole file after completion: ${(result.length / result.ms / 1000).toFixed(1)} MB/s (${result.length} bytes in ${result.ms.toFixed(0)} ms; OPFS → engine → BroadcastChannel → service worker → fetch)`);
    expect(result).toMatchObject({ status: 200, length: original.length, digest: expected, acceptRanges: 'bytes', type: 'audio/wav' });
    expect(result.partStatus).toBe(206);
    expect(result.contentRange).toBe(`bytes 1000000-1000099/${original.length}`);
    expect(Buffer.from(result.partBytes)).toEqual(original.subarray(1_000_000, 1_000_100));
    expect(result.beyondStatus).toBe(416);
    expect(result.beyondRange).toBe(`bytes */${original.length}`);
    expect(result.missingStatus).toBe(404);
  }, 200_000);

  it('no page errors', async () => {
    // Chromium logs the two refusals the test asked for (416 past the end, 404 for a file that is not there).
    const refusals = /Failed to load resource: the server responded with a status of (416|404)/;
    expect(playerErrors.filter((e) => refusals.test(e))).toHaveLength(2);
    expect(playerErrors.filter((e) => !refusals.test(e))).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  }, 60_000);
});
