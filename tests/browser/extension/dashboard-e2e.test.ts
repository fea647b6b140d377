// The side-panel dashboard (as a tab: the side panel itself is not reachable headless) in real
// Chromium with the real extension, engine and native host, against libtorrent on 127.0.0.1:
// a .torrent added through the add dialog with a file left out (that file is not downloaded),
// a magnet whose files are chosen once its metadata arrived, pause/resume, a file priority,
// every details tab, tracker add/remove, remove with data, drag and drop; then the list with
// 1,000 synthetic torrents (render time per scroll frame reported), a name with markup
// rendered as text, and screenshots in both themes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'puppeteer';
import { makeMultiFile, sha256File } from '../../interop/harness/data.js';
import { startLibtorrentSeeder } from '../../interop/harness/libtorrent.js';
import { makeTorrent } from '../../interop/harness/make-torrent.js';
import type { Proc } from '../../interop/harness/processes.js';
import { startTracker, type Tracker } from '../../interop/harness/tracker.js';
import { createWorkspace, type Workspace } from '../../interop/harness/workspace.js';
import { ensureBuilt, ROOT } from './harness/build.js';
import { openTab, selectTorrent, waitForPeerRow } from './harness/dashboard.js';
import { installHost, launchBrowser, makeProfile, type ExtensionBrowser, type Profile } from './harness/extension-browser.js';
import { listTree, until, waitForDownloadedFile } from './harness/files.js';
import { rows, waitForRow } from './harness/popup.js';
import { syntheticRow, syntheticSnapshot } from './harness/synthetic.js';

const MiB = 1024 * 1024;
const PIECE = 64 * 1024;
const XSS_NAME = '<img src=x onerror=alert(1)>';

let ws: Workspace;
let tracker: Tracker;
let profile: Profile;
let browser: ExtensionBrowser;
let page: Page;
const dialogs: string[] = [];

beforeAll(async () => {
  await ensureBuilt();
  ws = await createWorkspace('dashboard');
  tracker = await startTracker({ intervalMs: 2_000 });
  ws.onCleanup(() => tracker.close());
  profile = await makeProfile('dashboard');
  await installHost(profile);
  browser = await launchBrowser(profile);
  page = await browser.openPage('extension-ui/dashboard.html');
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.setViewport({ width: 1100, height: 900 });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await profile?.remove();
  await ws?.cleanup();
});

/** The seeder's payload uploaded so far, from its latest progress line. */
function uploaded(seeder: Proc): number {
  const progress = seeder.jsonLines().filter((e) => e.type === 'progress');
  return Number(progress[progress.length - 1]?.uploaded ?? 0);
}

async function clickText(p: Page, text: string): Promise<void> {
  const el = await p.waitForSelector(`::-p-text(${text})`, { timeout: 10_000 });
  await el!.click();
}

async function stateOf(hex: string): Promise<string> {
  return (await rows(page)).find((r) => r.infoHash === hex)?.state ?? 'absent';
}

/** Counts the canvas pixels of a CSS colour variable (exact RGB match). */
async function pixelsOf(selector: string, cssVar: string): Promise<number> {
  return page.$eval(
    selector,
    (canvas, name) => {
      const el = canvas as HTMLCanvasElement;
      const probe = document.createElement('canvas').getContext('2d')!;
      probe.fillStyle = getComputedStyle(el).getPropertyValue(name).trim();
      probe.fillRect(0, 0, 1, 1);
      const [r, g, b] = probe.getImageData(0, 0, 1, 1).data;
      const data = el.getContext('2d')!.getImageData(0, 0, el.width, el.height).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i] === r && data[i + 1] === g && data[i + 2] === b && data[i + 3] === 255) n++;
      return n;
    },
    cssVar,
  );
}

describe('dashboard with the real engine', () => {
  const LAYOUT = [
    { path: 'keep-a.bin', size: 3 * MiB + 11 },
    { path: 'skip-b.bin', size: 6 * MiB + 5 },
    { path: 'sub/keep-c.bin', size: 2 * MiB + 7 },
  ];
  const WANTED = LAYOUT[0]!.size + LAYOUT[2]!.size;
  let infoHash: string;
  let src: string;
  let seeder: Awaited<ReturnType<typeof startLibtorrentSeeder>>;

  it('adds a .torrent through the add dialog with a file left out; pause/resume; priority; peers; only chosen files arrive', async () => {
    src = await ws.dir('multi-src');
    const root = await makeMultiFile(src, 'te-dash-multi', LAYOUT);
    const torrent = await makeTorrent({ target: root, output: join(ws.root, 'dash-multi.torrent'), trackers: [tracker.udpUrl], pieceSizeLog2: 16 });
    infoHash = torrent.infoHash;
    seeder = await startLibtorrentSeeder({ name: 'lt-seed-dash', logDir: ws.logDir, save: src, torrent: torrent.path, trackers: [tracker.udpUrl], uploadLimit: 512 * 1024 });

    await clickText(page, 'Add torrent…');
    const fileInput = await page.waitForSelector('#dialog-file', { timeout: 10_000 });
    await (fileInput as unknown as { uploadFile(path: string): Promise<void> }).uploadFile(torrent.path);
    await page.waitForSelector(`.add-choose[data-infohash="${infoHash}"]`, { timeout: 15_000 });
    expect(await page.$eval('.add-name', (el) => el.textContent)).toBe('te-dash-multi');
    // Folders first: sub/, sub/keep-c.bin, then keep-a.bin, skip-b.bin.
    expect(await page.$$eval('dialog.add-dialog tr .file-name', (els) => els.map((e) => e.textContent))).toEqual(['sub', 'keep-c.bin', 'keep-a.bin', 'skip-b.bin']);
    expect(await stateOf(infoHash), 'a previewed torrent is not added yet').toBe('absent');
    await page.click('dialog.add-dialog input[aria-label="Download skip-b.bin"]');
    await page.waitForFunction(() => document.querySelector('.add-size')?.textContent?.includes('2 of 3 files'), { timeout: 5_000 });
    await page.click('dialog.add-dialog .add-choose .dialog-actions button:not(.secondary)');
    await page.waitForFunction(() => !document.querySelector('dialog.add-dialog')?.hasAttribute('open'), { timeout: 10_000 });

    await selectTorrent(page, infoHash);
    await waitForRow(page, (r) => r.infoHash === infoHash && r.state === 'downloading', 30_000, 'the torrent downloading');
    await openTab(page, 'Peers');
    await waitForPeerRow(page, () => true, 30_000, 'a peer in the Peers tab');

    // Pause, and nothing more arrives; resume.
    await page.click('.list-actions ::-p-text(Pause)');
    await waitForRow(page, (r) => r.infoHash === infoHash && r.state === 'paused', 10_000, 'paused');
    const progressPaused = (await rows(page)).find((r) => r.infoHash === infoHash)!.progress;
    await new Promise((r) => setTimeout(r, 2_000));
    expect((await rows(page)).find((r) => r.infoHash === infoHash)!.progress).toBe(progressPaused);
    expect(progressPaused).toBeLessThan(1);
    await page.click('.list-actions ::-p-text(Resume)');
    await waitForRow(page, (r) => r.infoHash === infoHash && r.state !== 'paused', 10_000, 'resumed');

    // A priority change in the Files tab.
    await openTab(page, 'Files');
    await page.select('select[aria-label="Priority of keep-a.bin"]', '7');
    await page.waitForSelector('tr.file[data-index="0"][data-priority="7"]', { timeout: 5_000 });

    await waitForRow(page, (r) => r.infoHash === infoHash && r.state === 'seeding', 120_000, 'the chosen files complete');
    const out = join(profile.downloads, 'te-dash-multi');
    await waitForDownloadedFile(join(out, 'keep-a.bin'), LAYOUT[0]!.size, 30_000);
    await waitForDownloadedFile(join(out, 'sub', 'keep-c.bin'), LAYOUT[2]!.size, 30_000);
    expect(await sha256File(join(out, 'keep-a.bin'))).toBe(await sha256File(join(root, 'keep-a.bin')));
    expect(await sha256File(join(out, 'sub', 'keep-c.bin'))).toBe(await sha256File(join(root, 'sub', 'keep-c.bin')));
    expect(await listTree(out)).toEqual(['keep-a.bin', 'sub/keep-c.bin']);
    // The skipped file (6 MiB) was not fetched: the seeder sent the wanted bytes plus the two
    // pieces the skipped file shares with its neighbours and blocks in flight at the pause
    // (dropped, then asked again).
    await new Promise((r) => setTimeout(r, 1_500));
    const sent = uploaded(seeder.proc);
    expect(sent).toBeGreaterThanOrEqual(WANTED);
    expect(sent, `the seeder sent ${sent} bytes for ${WANTED} wanted`).toBeLessThan(WANTED + 1 * MiB);
  }, 200_000);

  it('details tabs: General, Files (engine priorities after a reload), Trackers (add/remove), Pieces and Speed drawn', async () => {
    expect(infoHash, 'needs the previous test').toBeDefined();
    await page.reload();
    await selectTorrent(page, infoHash);

    await openTab(page, 'General');
    expect(await page.$eval('dd[data-field="Info hash"]', (el) => el.textContent)).toBe(infoHash);
    expect(await page.$eval('dd[data-field="Added"]', (el) => el.textContent)).not.toBe('—');
    expect(await page.$eval('dd[data-field="Completed"]', (el) => el.textContent)).not.toBe('—');

    await openTab(page, 'Files');
    await page.waitForSelector('tr.file[data-index="1"]', { timeout: 5_000 });
    const priorities = await page.$$eval('tr.file', (trs) => Object.fromEntries(trs.map((tr) => [tr.getAttribute('data-path'), tr.getAttribute('data-priority')])));
    expect(priorities).toEqual({ 'te-dash-multi/keep-a.bin': '7', 'te-dash-multi/skip-b.bin': '0', 'te-dash-multi/sub/keep-c.bin': '4' });

    await openTab(page, 'Trackers');
    await page.waitForSelector(`tr.tracker[data-url="${tracker.udpUrl}"][data-state="working"]`, { timeout: 15_000 });
    await page.type('#tracker-url', 'ftp://nope.example/announce');
    await page.click('.tracker-add button[type="submit"]');
    await page.waitForFunction(() => /unsupported/.test(document.querySelector('#tracker-add-error')?.textContent ?? ''), { timeout: 5_000 });
    const extra = 'udp://127.0.0.1:9/announce';
    await page.$eval('#tracker-url', (el) => ((el as HTMLInputElement).value = ''));
    await page.type('#tracker-url', extra);
    await page.click('.tracker-add button[type="submit"]');
    await page.waitForSelector(`tr.tracker[data-url="${extra}"]`, { timeout: 10_000 });
    await page.click(`button[aria-label="Remove tracker ${extra}"]`);
    await page.waitForFunction((url: string) => !document.querySelector(`tr.tracker[data-url="${url}"]`), { timeout: 10_000 }, extra);

    await openTab(page, 'Pieces');
    await page.waitForSelector('.pieces-canvas[data-drawn]', { timeout: 10_000 });
    const pieceCount = Math.ceil(LAYOUT.reduce((n, f) => n + f.size, 0) / PIECE);
    expect(Number(await page.$eval('.pieces-canvas', (el) => el.getAttribute('data-cells')))).toBe(pieceCount);
    // Both verified and missing (the skipped file) cells are drawn.
    expect(await pixelsOf('.pieces-canvas', '--piece-have')).toBeGreaterThan(0);
    expect(await pixelsOf('.pieces-canvas', '--piece-missing')).toBeGreaterThan(0);

    await openTab(page, 'Speed');
    await page.waitForSelector('.speed-canvas[data-samples]', { timeout: 10_000 });
    expect(Number(await page.$eval('.speed-canvas', (el) => el.getAttribute('data-samples')))).toBeGreaterThan(3);
    expect(await pixelsOf('.speed-canvas', '--graph-down')).toBeGreaterThan(0);

    // Totals come from the offscreen document.
    expect(await page.$eval('dd[data-total="count"]', (el) => el.textContent)).toBe('1');
  }, 90_000);

  it('removes with data: the row goes and the internal copy is deleted', async () => {
    expect(infoHash, 'needs the previous tests').toBeDefined();
    await selectTorrent(page, infoHash);
    await page.click('.list-actions ::-p-text(Remove…)');
    await clickText(page, 'Remove and delete data');
    await until(async () => (await stateOf(infoHash)) === 'absent', 15_000, 'the row to go');
    // The row goes when the engine dropped the torrent; its storage root is deleted right after.
    const exists = (): Promise<boolean> =>
      page.evaluate(async (hex: string) => {
        const torrents = await (await navigator.storage.getDirectory()).getDirectoryHandle('torrents');
        return torrents.getDirectoryHandle(hex).then(() => true, () => false);
      }, infoHash);
    await until(async () => !(await exists()), 10_000, 'the internal copy to be deleted');
    await seeder.proc.stop();
  }, 60_000);

  it('a magnet in the add dialog: files chosen once the metadata arrived, nothing downloaded before', async () => {
    const layout = [
      { path: 'wanted.bin', size: 1 * MiB + 3 },
      { path: 'unwanted.bin', size: 3 * MiB + 9 },
    ];
    const srcM = await ws.dir('magnet-src');
    const root = await makeMultiFile(srcM, 'te-dash-magnet', layout);
    const torrent = await makeTorrent({ target: root, output: join(ws.root, 'dash-magnet.torrent'), trackers: [tracker.udpUrl], pieceSizeLog2: 16 });
    const magnetSeeder = await startLibtorrentSeeder({ name: 'lt-seed-dash-magnet', logDir: ws.logDir, save: srcM, torrent: torrent.path, trackers: [tracker.udpUrl] });

    await clickText(page, 'Add torrent…');
    const input = await page.waitForSelector('::-p-aria(Magnet link or .torrent URL)', { timeout: 5_000 });
    await input!.type(torrent.magnet([tracker.udpUrl]));
    await clickText(page, 'Continue');
    await page.waitForSelector('dialog.add-dialog input[aria-label="Download unwanted.bin"]', { timeout: 60_000 });
    await new Promise((r) => setTimeout(r, 1_500));
    expect(uploaded(magnetSeeder.proc), 'payload before the choice').toBe(0);
    await page.click('dialog.add-dialog input[aria-label="Download unwanted.bin"]');
    await page.click('dialog.add-dialog .add-choose .dialog-actions button:not(.secondary)');
    await waitForRow(page, (r) => r.infoHash === torrent.infoHash && r.state === 'seeding' && r.progress === 1, 90_000, 'the magnet complete');
    const out = join(profile.downloads, 'te-dash-magnet');
    await waitForDownloadedFile(join(out, 'wanted.bin'), layout[0]!.size, 30_000);
    expect(await sha256File(join(out, 'wanted.bin'))).toBe(await sha256File(join(root, 'wanted.bin')));
    expect(await readdir(out)).toEqual(['wanted.bin']);
    await magnetSeeder.proc.stop();
  }, 150_000);

  it('a .torrent dropped on the panel opens the add dialog with its files; Cancel adds nothing', async () => {
    const before = (await rows(page)).map((r) => r.infoHash);
    const bytes = (await readFile(join(ws.root, 'dash-multi.torrent'))).toString('base64');
    await page.evaluate((b64: string) => {
      const bin = atob(b64);
      const data = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) data[i] = bin.charCodeAt(i);
      const transfer = new DataTransfer();
      transfer.items.add(new File([data], 'dropped.torrent', { type: 'application/x-bittorrent' }));
      const target = document.querySelector('main.dash')!;
      target.dispatchEvent(new DragEvent('dragenter', { bubbles: true, cancelable: true, dataTransfer: transfer }));
      target.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: transfer }));
    }, bytes);
    await page.waitForSelector('.add-choose', { timeout: 10_000 });
    expect(await page.$eval('.add-name', (el) => el.textContent)).toBe('te-dash-multi');
    await page.click('.add-choose ::-p-text(Cancel)');
    await page.waitForFunction(() => !document.querySelector('dialog.add-dialog')?.hasAttribute('open'), { timeout: 5_000 });
    expect((await rows(page)).map((r) => r.infoHash)).toEqual(before);
    expect(browser.pageErrors).toEqual([]);
  }, 30_000);
});

describe('dashboard rendering (synthetic snapshots)', () => {
  it('a torrent named like markup renders as text and runs nothing', async () => {
    const evil = syntheticRow(5000, XSS_NAME);
    await page.evaluate((s) => window.torrentEdgeDashboard!.show(s), syntheticSnapshot(3, [evil]));
    await page.waitForSelector(`li.torrent[data-infohash="${evil.infoHash}"]`, { timeout: 5_000 });
    expect(await page.$eval(`li.torrent[data-infohash="${evil.infoHash}"] .torrent-name`, (el) => el.textContent)).toBe(XSS_NAME);
    await page.click(`li.torrent[data-infohash="${evil.infoHash}"]`);
    await openTab(page, 'Files');
    expect(await page.$eval('#details-title', (el) => el.textContent)).toBe(XSS_NAME);
    expect(await page.$$eval('main img', (imgs) => imgs.length)).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(dialogs).toEqual([]);
  });

  it('1,000 torrents: only the rows in view are in the DOM while scrolling; sort and filter; render time per scroll frame reported', async () => {
    const COUNT = 1000;
    await page.evaluate((s) => window.torrentEdgeDashboard!.show(s), syntheticSnapshot(COUNT));
    await page.waitForSelector(`ul.torrent-rows[data-count="${COUNT}"]`, { timeout: 5_000 });
    const result = await page.evaluate(async () => {
      const el = document.querySelector('.list-scroll') as HTMLElement;
      const list = () => el.querySelector('ul.torrent-rows') as HTMLElement;
      const times: number[] = [];
      let maxRows = 0;
      let windowOk = true;
      const rowHeight = 36;
      await new Promise<void>((done) => {
        let t0 = 0;
        const onScroll = (): void => {
          t0 = performance.now();
          // Runs after the list's own frame callback (registered by its scroll handler first) and its render.
          requestAnimationFrame(() => {
            void list().offsetHeight; // style and layout of the new rows
            times.push(performance.now() - t0);
            const n = list().querySelectorAll('li.torrent').length;
            maxRows = Math.max(maxRows, n);
            const [start, end] = (list().dataset['window'] ?? '0-0').split('-').map(Number) as [number, number];
            const first = Math.floor(el.scrollTop / rowHeight);
            if (!(start <= first && first < end)) windowOk = false;
            if (el.scrollTop + el.clientHeight >= el.scrollHeight - 1) {
              el.removeEventListener('scroll', onScroll);
              done();
            } else requestAnimationFrame(() => (el.scrollTop += 180));
          });
        };
        el.addEventListener('scroll', onScroll);
        el.scrollTop = 180;
      });
      const last = list().querySelector('li.torrent:last-child .torrent-name')?.textContent ?? '';
      return { times, maxRows, windowOk, last, viewport: el.clientHeight };
    });
    const sorted = [...result.times].sort((a, b) => a - b);
    const stat = (q: number): string => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(2);
    const mean = (sorted.reduce((a, b) => a + b, 0) / sorted.length).toFixed(2);
    console.log(
      `dashboard 1,000 torrents: ${sorted.length} scroll frames, render+layout per frame mean ${mean} ms, median ${stat(0.5)} ms, p95 ${stat(0.95)} ms, max ${stat(1)} ms; ` +
        `at most ${result.maxRows} rows in the DOM (viewport ${result.viewport}px)`,
    );
    expect(result.windowOk).toBe(true);
    expect(result.maxRows).toBeLessThanOrEqual(Math.ceil(result.viewport / 36) + 1 + 8);
    expect(result.last).toBe(syntheticRow(COUNT - 1).name);

    // Sort by name: the first row is the smallest name; filter by state and name.
    await page.evaluate(() => ((document.querySelector('.list-scroll') as HTMLElement).scrollTop = 0));
    await page.click('.list-head ::-p-text(Name)');
    const firstName = await page.waitForFunction(() => document.querySelector('li.torrent[style*="top: 0px"] .torrent-name')?.textContent);
    const names = Array.from({ length: COUNT }, (_, i) => syntheticRow(i).name).sort(new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' }).compare);
    expect(await firstName.jsonValue()).toBe(names[0]);
    await page.select('.list-tools select', 'seeding');
    const seeding = Array.from({ length: COUNT }, (_, i) => syntheticRow(i)).filter((t) => t.state === 'seeding').length;
    await page.waitForSelector(`ul.torrent-rows[data-count="${seeding}"]`, { timeout: 5_000 });
    await page.type('::-p-aria(Filter by name)', 'mint');
    const both = Array.from({ length: COUNT }, (_, i) => syntheticRow(i)).filter((t) => t.state === 'seeding' && t.name.includes('mint')).length;
    expect(both).toBeGreaterThan(0);
    expect(both).toBeLessThan(seeding);
    await page.waitForSelector(`ul.torrent-rows[data-count="${both}"]`, { timeout: 5_000 });
    await page.select('.list-tools select', 'all');
    await page.$eval('input[type="search"]', (el) => {
      (el as HTMLInputElement).value = '';
      el.dispatchEvent(new Event('input', { bubbles: true }));
    });

    // Keyboard: Shift+ArrowDown extends the selection from the focused row.
    await page.click('li.torrent[style*="top: 0px"]');
    await page.keyboard.down('Shift');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.up('Shift');
    expect(await page.$$eval('li.torrent[aria-selected="true"]', (els) => els.length)).toBe(3);
  });

  it('screenshots, light and dark', async () => {
    const dir = join(ROOT, 'docs', 'screenshots');
    await mkdir(dir, { recursive: true });
    const snapshot = syntheticSnapshot(60);
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: theme }]);
      await page.reload();
      await page.waitForFunction(() => !!window.torrentEdgeDashboard);
      await page.evaluate((s) => window.torrentEdgeDashboard!.show(s), snapshot);
      await page.click(`li.torrent[data-infohash="${snapshot.torrents[3]!.infoHash}"]`);
      await openTab(page, theme === 'light' ? 'Speed' : 'Pieces');
      await new Promise((r) => setTimeout(r, 200));
      await page.screenshot({ path: join(dir, `dashboard-${theme}.png`) as `${string}.png` });
    }
    await page.emulateMediaFeatures([]);
  });
});
