// "Create torrent" (issue 7) in real Chromium with the real extension and native host: a folder
// set on the page's folder input (puppeteer uploadFile, webkitdirectory) is hashed in a worker
// while copied into OPFS; the progress bar reaches 100 %; the infohash equals what
// `torrentedge create` computes for the same folder and piece size; the .torrent saved from the
// page and the magnet name it too; the engine seeds at once and a real libtorrent leecher on
// 127.0.0.1 downloads the folder byte-identical. Bad input is refused at the field; Cancel
// leaves nothing behind; names are text, never markup. Screenshots (light and dark) go to
// tests/.tmp/screenshots, or docs/screenshots with TORRENTEDGE_SCREENSHOTS=1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ElementHandle, Page } from 'puppeteer';
import { compareTrees, makeMultiFile, makeSingleFile, MULTI_FILE_LAYOUT } from '../../interop/harness/data.js';
import { startLibtorrentLeecher } from '../../interop/harness/libtorrent.js';
import { CLI } from '../../interop/harness/torrentedge.js';
import { startTracker, type Tracker } from '../../interop/harness/tracker.js';
import { createWorkspace, type Workspace } from '../../interop/harness/workspace.js';
import { ROOT, ensureBuilt } from './harness/build.js';
import { installHost, launchBrowser, makeProfile, type ExtensionBrowser, type Profile } from './harness/extension-browser.js';
import { until } from './harness/files.js';
import { waitForRow } from './harness/popup.js';
import { worstContrast } from './harness/contrast.js';

const run = promisify(execFile);
const SHOTS = process.env.TORRENTEDGE_SCREENSHOTS === '1' ? join(ROOT, 'docs', 'screenshots') : join(ROOT, 'tests', '.tmp', 'screenshots');
/**
 * Big enough that the progress bar is seen between 0 and 100. TORRENTEDGE_CREATE_BIG_MB makes it
 * larger to measure the hash-and-copy rate (printed).
 */
const BIG_FILE = Number(process.env.TORRENTEDGE_CREATE_BIG_MB ?? 24) * 1024 * 1024 + 12_345;

let ws: Workspace;
let tracker: Tracker;
let profile: Profile;
let browser: ExtensionBrowser;

beforeAll(async () => {
  await ensureBuilt();
  await mkdir(SHOTS, { recursive: true });
  ws = await createWorkspace('extension-create');
  tracker = await startTracker({ intervalMs: 2_000 });
  ws.onCleanup(() => tracker.close());
  profile = await makeProfile('create');
  await installHost(profile);
  browser = await launchBrowser(profile);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await profile?.remove();
  await ws?.cleanup();
});

async function openCreatePage(): Promise<Page> {
  const page = await browser.openPage('extension-ui/create.html');
  await page.setViewport({ width: 900, height: 1000 });
  await page.waitForSelector('#create-folder', { timeout: 10_000 });
  // The engine must be up before "Create and seed" can hand the torrent over.
  await page.waitForFunction(() => !document.querySelector('.banner'), { timeout: 30_000 }).catch(() => undefined);
  return page;
}

async function upload(page: Page, selector: string, path: string): Promise<void> {
  const input = (await page.$(selector)) as ElementHandle<HTMLInputElement> | null;
  await input!.uploadFile(path);
}

async function setText(page: Page, selector: string, text: string): Promise<void> {
  await page.$eval(selector, (el) => ((el as HTMLInputElement).value = ''));
  await page.type(selector, text);
}

async function fieldError(page: Page, field: string, input: string): Promise<{ text: string; invalid: string | null }> {
  return page.evaluate(
    (errorId: string, inputId: string) => ({
      text: document.getElementById(errorId)?.textContent ?? '',
      invalid: document.getElementById(inputId)?.getAttribute('aria-invalid') ?? null,
    }),
    `${field}-error`,
    input,
  );
}

/** Records every value the progress bar shows, from before the click on. */
async function watchProgress(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: number[] = [];
    (window as unknown as { progressSeen: number[] }).progressSeen = seen;
    const look = (): void => {
      const bar = document.getElementById('create-progress') as HTMLProgressElement | null;
      if (bar && seen[seen.length - 1] !== bar.value) seen.push(bar.value);
    };
    new MutationObserver(look).observe(document.body, { subtree: true, childList: true, attributes: true });
  });
}

async function cliInfoHash(path: string): Promise<string> {
  const { stdout } = await run(process.execPath, [CLI, 'info', path], { timeout: 30_000 });
  return /\b([0-9a-f]{40})\b/.exec(stdout)![1]!;
}

describe('extension: create a torrent and seed it at once', () => {
  it('a picked folder: progress to 100 %, the CLI\'s infohash, .torrent and magnet offered, a libtorrent leecher gets it byte-identical', async () => {
    const src = await ws.dir('src');
    const folder = await makeMultiFile(src, 'Holiday photos', [...MULTI_FILE_LAYOUT, { path: 'video/big clip.bin', size: BIG_FILE }]);
    const page = await openCreatePage();

    await upload(page, '#create-folder', folder);
    await page.waitForSelector('#create-summary', { timeout: 10_000 });
    expect(await page.$eval('#create-summary', (el) => el.textContent)).toMatch(new RegExp(`^${MULTI_FILE_LAYOUT.length + 1} files, [0-9.]+ [MG]iB in all$`));
    expect(await page.$eval('#create-name', (el) => (el as HTMLInputElement).value)).toBe('Holiday photos');
    await setText(page, '#create-trackers', tracker.httpUrl);
    await page.select('#create-piece-size', String(64 * 1024));
    await page.screenshot({ path: join(SHOTS, 'create-light.png') });
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'dark' }]);
    await page.screenshot({ path: join(SHOTS, 'create-dark.png') });
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);

    await watchProgress(page);
    const started = Date.now();
    await page.click('#create-start');
    await page.waitForSelector('#create-infohash', { timeout: 600_000 });
    const seconds = (Date.now() - started) / 1000;
    const total = MULTI_FILE_LAYOUT.reduce((sum, f) => sum + f.size, BIG_FILE);
    console.log(`create: ${(total / 1e6).toFixed(1)} MB hashed and copied into OPFS, handed to the engine in ${seconds.toFixed(2)} s (${(total / 1e6 / seconds).toFixed(1)} MB/s)`);
    const seen = await page.evaluate(() => (window as unknown as { progressSeen: number[] }).progressSeen);
    expect(seen[seen.length - 1]).toBe(100);
    expect(seen.some((v) => v > 0 && v < 100), `progress values seen: ${seen.join(', ')}`).toBe(true);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);

    // Same folder, same piece size: the CLI's infohash.
    const cliTorrent = join(ws.root, 'cli.torrent');
    await run(process.execPath, [CLI, 'create', folder, '--piece-length', '64K', '-t', tracker.httpUrl, '-o', cliTorrent], { timeout: 60_000 });
    const expected = await cliInfoHash(cliTorrent);
    const infoHash = await page.$eval('#create-infohash', (el) => el.textContent);
    expect(infoHash).toBe(expected);
    const magnet = await page.$eval('#create-magnet', (el) => (el as HTMLInputElement).value);
    expect(magnet).toContain(`xt=urn:btih:${expected}`);
    expect(decodeURIComponent(magnet)).toContain(tracker.httpUrl);

    // The .torrent offered by the page is that torrent.
    await page.click('#create-download');
    const saved = join(profile.downloads, 'Holiday photos.torrent');
    await until(async () => !!(await stat(saved).catch(() => null)) && !(await stat(`${saved}.crdownload`).catch(() => null)), 20_000, 'the saved .torrent');
    expect(await cliInfoHash(saved)).toBe(expected);
    await page.click('::-p-text(Copy magnet link)');
    await page.waitForFunction(() => (document.querySelector('.magnet-note')?.textContent ?? '') !== '', { timeout: 5_000 });

    // Seeding at once, the data vouched for by the hashing (no recheck needed).
    await waitForRow(page, (r) => r.infoHash === expected && r.state === 'seeding', 30_000, 'the created torrent to seed');
    await page.screenshot({ path: join(SHOTS, 'create-done-light.png'), fullPage: true });
    const light = await worstContrast(page);
    expect(light.ratio, `light: ${light.what}`).toBeGreaterThanOrEqual(4.5);
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'dark' }]);
    await page.screenshot({ path: join(SHOTS, 'create-done-dark.png'), fullPage: true });
    const dark = await worstContrast(page);
    expect(dark.ratio, `dark: ${dark.what}`).toBeGreaterThanOrEqual(4.5);
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);

    const leechDir = await ws.dir('leech');
    const leecher = await startLibtorrentLeecher({ name: 'lt-leech-created', logDir: ws.logDir, save: leechDir, torrent: saved, trackers: [tracker.httpUrl], timeoutSeconds: 120 });
    await leecher.proc.waitForLine('DONE', 120_000, 'stdout');
    expect(await compareTrees(folder, join(leechDir, 'Holiday photos'))).toEqual([]);
    // The staging folder is gone: the files were moved into the torrent's storage.
    expect(await page.evaluate(async () => {
      const base = await (await navigator.storage.getDirectory()).getDirectoryHandle('creating', { create: true });
      const names: string[] = [];
      for await (const name of (base as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(name);
      return names;
    })).toEqual([]);
    await page.close();
    expect(browser.pageErrors).toEqual([]);
  }, 900_000);

  it('the popup and the dashboard open the page', async () => {
    for (const from of ['extension-ui/popup.html', 'extension-ui/dashboard.html']) {
      const page = await browser.openPage(from);
      const opened = browser.browser.waitForTarget((t) => t.url().endsWith('/extension-ui/create.html'), { timeout: 10_000 });
      await (await page.waitForSelector('::-p-text(Create torrent)', { timeout: 10_000 }))!.click();
      const target = await opened;
      const created = (await target.page())!;
      await created.waitForSelector('#create-folder', { timeout: 10_000 });
      expect(await created.title()).toBe('Create torrent – TorrentEdge');
      await created.close();
      await page.close();
    }
  }, 60_000);

  it('a folder dropped on the page (as from a file manager) gives the CLI\'s infohash too', async () => {
    const folder = await makeMultiFile(await ws.dir('dropped'), 'Dropped folder', MULTI_FILE_LAYOUT);
    const page = await openCreatePage();
    const box = (await (await page.$('.create-drop'))!.boundingBox())!;
    const cdp = await page.createCDPSession();
    const data = { items: [], files: [folder], dragOperationsMask: 1 };
    for (const type of ['dragEnter', 'dragOver', 'drop'] as const) {
      await cdp.send('Input.dispatchDragEvent', { type, x: box.x + box.width / 2, y: box.y + box.height / 2, data });
    }
    await cdp.detach();
    await page.waitForSelector('#create-summary', { timeout: 10_000 });
    expect(await page.$eval('#create-name', (el) => (el as HTMLInputElement).value)).toBe('Dropped folder');
    const paths = await page.$$eval('.create-file-path', (els) => els.map((el) => el.textContent).sort());
    expect(paths).toEqual(MULTI_FILE_LAYOUT.map((f) => `Dropped folder/${f.path}`).sort());
    await page.click('#create-start');
    await page.waitForSelector('#create-infohash', { timeout: 120_000 });
    const cliTorrent = join(ws.root, 'dropped.torrent');
    await run(process.execPath, [CLI, 'create', folder, '-o', cliTorrent], { timeout: 60_000 });
    expect(await page.$eval('#create-infohash', (el) => el.textContent)).toBe(await cliInfoHash(cliTorrent));
    await page.close();
  }, 120_000);

  it('keyboard: Tab reaches every control in order, with a visible focus ring', async () => {
    const page = await openCreatePage();
    const order: string[] = [];
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        const style = el ? getComputedStyle(el) : null;
        return { id: el?.id ?? '', outline: style ? `${style.outlineStyle} ${style.outlineWidth}` : '' };
      });
      if (focused.id.startsWith('create-')) {
        order.push(focused.id);
        expect(focused.outline, `focus ring on ${focused.id}`).toBe('solid 3px');
      }
    }
    expect(order.slice(0, 8)).toEqual(['create-files', 'create-folder', 'create-name', 'create-trackers', 'create-webseeds', 'create-piece-size', 'create-private', 'create-start']);
    await page.close();
  }, 60_000);

  it('bad input is refused at the field: no files, only empty files, an invalid tracker or web seed URL', async () => {
    const page = await openCreatePage();
    await page.click('#create-start');
    await page.waitForFunction(() => (document.getElementById('create-files-error')?.textContent ?? '') !== '', { timeout: 5_000 });
    expect(await fieldError(page, 'create-files', 'create-files')).toEqual({ text: 'Choose the files or the folder to share.', invalid: 'true' });
    expect(await fieldError(page, 'create-name', 'create-name')).toEqual({ text: 'Give the torrent a name.', invalid: 'true' });

    const empties = await ws.dir('empties', 'Nothing here');
    await writeFile(join(empties, 'a.txt'), '');
    await writeFile(join(empties, 'b.txt'), '');
    await upload(page, '#create-folder', empties);
    await page.waitForSelector('#create-summary', { timeout: 10_000 });
    await page.click('#create-start');
    await page.waitForFunction(() => (document.getElementById('create-files-error')?.textContent ?? '') !== '', { timeout: 5_000 });
    expect((await fieldError(page, 'create-files', 'create-files')).text).toBe('Every file is empty (0 bytes): there is nothing to share.');

    const one = await makeSingleFile(await ws.dir('one'), 'notes.txt', 5_000);
    await upload(page, '#create-files', one);
    await page.waitForFunction(() => (document.getElementById('create-files-error')?.textContent ?? '') === '', { timeout: 5_000 });
    expect(await page.$eval('#create-name', (el) => (el as HTMLInputElement).value)).toBe('notes.txt');
    await setText(page, '#create-trackers', 'ftp://tracker.example/announce');
    await setText(page, '#create-webseeds', 'not a url');
    await page.click('#create-start');
    await page.waitForFunction(() => (document.getElementById('create-trackers-error')?.textContent ?? '') !== '', { timeout: 5_000 });
    expect(await fieldError(page, 'create-trackers', 'create-trackers')).toEqual({
      text: '"ftp://tracker.example/announce" is not a valid tracker URL: use http, https, udp.',
      invalid: 'true',
    });
    expect(await fieldError(page, 'create-webseeds', 'create-webseeds')).toEqual({ text: '"not a url" is not a valid web seed URL.', invalid: 'true' });
    expect(await page.$eval('#create-files', (el) => el.getAttribute('aria-invalid'))).toBe('false');
    expect(await page.$eval('#create-status', (el) => el.textContent)).toBe('Nothing was created: correct the fields marked above.');
    expect(await page.$('#create-progress')).toBeNull();
    await page.close();
  }, 60_000);

  it('seedCreated refuses a staging folder that is not ours or is gone, with a clear message', async () => {
    const file = await makeSingleFile(await ws.dir('orphan'), 'orphan.bin', 40_000);
    const torrentPath = join(ws.root, 'orphan.torrent');
    await run(process.execPath, [CLI, 'create', file, '-o', torrentPath], { timeout: 30_000 });
    const base64 = (await readFile(torrentPath)).toString('base64');
    const page = await openCreatePage();
    const ask = (staging: string) =>
      page.evaluate(
        (torrent: string, id: string) =>
          new Promise<unknown>((resolve) => {
            const port = chrome.runtime.connect({ name: 'ui' });
            port.onMessage.addListener((event: { type: string; id?: number; result?: unknown }) => {
              if (event.type === 'result' && event.id === 1) {
                port.disconnect();
                resolve(event.result);
              }
            });
            port.postMessage({ type: 'command', id: 1, command: { type: 'seedCreated', torrent, staging: id } });
          }),
        base64,
        staging,
      );
    expect(await ask('../torrents')).toEqual({ ok: false, error: 'The created torrent\'s files were not found (bad staging id).' });
    expect(await ask('0123456789abcdef0123456789abcdef')).toEqual({
      ok: false,
      error: 'The created torrent\'s files are gone (was the page closed while hashing?). Create it again.',
    });
    await page.close();
  }, 60_000);

  it('Cancel stops the hashing and keeps nothing', async () => {
    const big = await makeSingleFile(await ws.dir('cancel'), 'large.bin', 256 * 1024 * 1024);
    const page = await openCreatePage();
    await upload(page, '#create-files', big);
    await page.waitForSelector('#create-summary', { timeout: 10_000 });
    await page.select('#create-piece-size', String(16 * 1024));
    await page.click('#create-start');
    await page.waitForFunction(() => Number((document.getElementById('create-progress') as HTMLProgressElement | null)?.value ?? 0) > 0, { timeout: 30_000 });
    await page.click('#create-cancel');
    await page.waitForFunction(() => (document.getElementById('create-status')?.textContent ?? '') !== '', { timeout: 30_000 });
    expect(await page.$eval('#create-status', (el) => el.textContent)).toBe('Cancelled. Nothing was kept.');
    expect(await page.$('#create-progress')).toBeNull();
    expect(await page.$eval('#create-start', (el) => (el as HTMLButtonElement).disabled)).toBe(false);
    const left = await page.evaluate(async () => {
      const base = await (await navigator.storage.getDirectory()).getDirectoryHandle('creating', { create: true });
      const names: string[] = [];
      for await (const name of (base as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(name);
      return names;
    });
    expect(left).toEqual([]);
    expect(await page.$$('li.torrent')).toHaveLength(0);
    await page.close();
  }, 120_000);

  it('a folder named like markup: its name and paths show as text in the file list, the name field and the row', async () => {
    const hostile = '<img src=x onerror=alert(1)>';
    const folder = await makeMultiFile(await ws.dir('hostile'), hostile, [{ path: '<b>bold</b>.txt', size: 70_000 }]);
    const page = await openCreatePage();
    let dialogs = 0;
    page.on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });
    await upload(page, '#create-folder', folder);
    await page.waitForSelector('#create-summary', { timeout: 10_000 });
    expect(await page.$eval('.create-file-path', (el) => el.textContent)).toBe(`${hostile}/<b>bold</b>.txt`);
    expect(await page.$eval('#create-name', (el) => (el as HTMLInputElement).value)).toBe(hostile);
    await page.click('#create-start');
    await page.waitForSelector('#create-infohash', { timeout: 60_000 });
    const hex = await page.$eval('#create-infohash', (el) => el.textContent!);
    const row = await waitForRow(page, (r) => r.infoHash === hex && r.state === 'seeding', 30_000, 'the hostile-named torrent to seed');
    // The engine's name (its storage-safe form: '<' and '>' are not allowed in file names), as text.
    expect(row.name).toBe('_img src=x onerror=alert(1)_');
    expect(await page.$$('img')).toHaveLength(0);
    expect(await page.$$('b')).toHaveLength(0);
    expect(dialogs).toBe(0);
    await page.close();
  }, 90_000);
});

