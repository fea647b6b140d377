// Details › Files and the add dialog with a real 10,000-file torrent (made by mktorrent, added
// through the add dialog to the real engine in real Chromium): only a bounded number of rows are
// in the DOM, scrolling shows the right rows (render time per scroll frame reported), and
// priority changes reach the engine (still there after a reload). Then the piece map redrawn in
// the new colours when the theme switches, and the pages in German (`--lang=de`): ETA, sizes
// and dates through Intl.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'puppeteer';
import { makeTorrent, type MadeTorrent } from '../../interop/harness/make-torrent.js';
import { createWorkspace, type Workspace } from '../../interop/harness/workspace.js';
import { ensureBuilt, ROOT } from './harness/build.js';
import { openTab, selectTorrent } from './harness/dashboard.js';
import { installHost, launchBrowser, makeProfile, type ExtensionBrowser, type Profile } from './harness/extension-browser.js';
import { waitForRow } from './harness/popup.js';
import { syntheticRow, syntheticSnapshot } from './harness/synthetic.js';

const FILES = 10_000;
const NAME = 'te-ten-thousand';
const fileName = (i: number): string => `f-${String(i).padStart(5, '0')}.bin`;

let ws: Workspace;
let profile: Profile;
let browser: ExtensionBrowser;
let page: Page;
let torrent: MadeTorrent;

beforeAll(async () => {
  await ensureBuilt();
  ws = await createWorkspace('files-tab');
  const root = join(await ws.dir('src'), NAME);
  await mkdir(root, { recursive: true });
  // 10,000 small files, each with its own bytes (no two pieces alike).
  for (let i = 0; i < FILES; i += 500) {
    await Promise.all(Array.from({ length: Math.min(500, FILES - i) }, (_, k) => writeFile(join(root, fileName(i + k)), `file ${i + k}\n`.repeat(3))));
  }
  // No tracker answers on port 9 of the loopback: the torrent stays without peers, as wanted here.
  torrent = await makeTorrent({ target: root, output: join(ws.root, 'ten-thousand.torrent'), trackers: ['http://127.0.0.1:9/announce'], pieceSizeLog2: 15 });
  profile = await makeProfile('files-tab');
  await installHost(profile);
  browser = await launchBrowser(profile);
  page = await browser.openPage('extension-ui/dashboard.html');
  await page.setViewport({ width: 1100, height: 900 });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await profile?.remove();
  await ws?.cleanup();
});

/** Scrolls the Files tab top to bottom in steps, one per frame: render+layout time per frame. */
async function scrollFrames(): Promise<{ summary: string; maxRows: number }> {
  const result = await page.evaluate(async () => {
      const box = document.querySelector('.tab-panel') as HTMLElement;
      box.scrollTop = 0;
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const times: number[] = [];
      let maxRows = 0;
      await new Promise<void>((done) => {
        const onScroll = (): void => {
          const t0 = performance.now();
          requestAnimationFrame(() => {
            void box.offsetHeight;
            times.push(performance.now() - t0);
            maxRows = Math.max(maxRows, box.querySelectorAll('tr[data-row]').length);
            if (box.scrollTop + box.clientHeight >= box.scrollHeight - 1 || times.length >= 150) {
              box.removeEventListener('scroll', onScroll);
              done();
            } else requestAnimationFrame(() => (box.scrollTop += 2_400));
          });
        };
        box.addEventListener('scroll', onScroll);
        box.scrollTop = 2_400;
      });
      return { times, maxRows };
    });
  const sorted = [...result.times].sort((a, b) => a - b);
  const q = (p: number): string => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!.toFixed(2);
  return { summary: `${sorted.length} scroll frames, render+layout per frame median ${q(0.5)} ms, p95 ${q(0.95)} ms, max ${q(1)} ms`, maxRows: result.maxRows };
}

interface WindowCheck {
  rows: number;
  top: string;
  expectedTop: number;
  ok: boolean;
}

/** Scrolls `scroller` to `fraction` of its range; after the list's frame, which row is at the top of the view. */
async function scrollAndLook(scroller: string, fraction: number): Promise<WindowCheck> {
  return page.evaluate(
    async (sel, f) => {
      const box = document.querySelector(sel) as HTMLElement;
      box.scrollTop = Math.round((box.scrollHeight - box.clientHeight) * f);
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      await new Promise((r) => setTimeout(r, 50));
      const rows = Array.from(box.querySelectorAll<HTMLElement>('tr[data-row]'));
      const boxTop = box.getBoundingClientRect().top;
      // The first row whose bottom is below the box's top edge.
      const edge = boxTop;
      const first = rows.find((r) => r.getBoundingClientRect().bottom > edge + 1);
      const body = box.querySelector('tbody')!;
      const pitch = rows.length > 1 ? rows[1]!.getBoundingClientRect().top - rows[0]!.getBoundingClientRect().top : 30;
      const into = edge - body.getBoundingClientRect().top;
      const expectedTop = Math.max(0, Math.floor((into + 1) / pitch));
      return {
        rows: rows.length,
        top: first?.querySelector('.file-name')?.textContent ?? '',
        expectedTop,
        ok: first !== undefined && Number(first.dataset['row']) === expectedTop,
      };
    },
    scroller,
    fraction,
  );
}

describe('10,000 files', () => {
  it('the add dialog lists them windowed; Add starts the torrent', async () => {
    await page.click('::-p-text(Add torrent…)');
    const input = await page.waitForSelector('#dialog-file', { timeout: 10_000 });
    await (input as unknown as { uploadFile(path: string): Promise<void> }).uploadFile(torrent.path);
    await page.waitForSelector(`.add-choose[data-infohash="${torrent.infoHash}"]`, { timeout: 30_000 });
    await page.waitForSelector(`dialog.add-dialog table[data-count="${FILES}"]`, { timeout: 10_000 });
    for (const f of [0, 0.5, 1]) {
      const look = await scrollAndLook('dialog.add-dialog .add-files', f);
      expect(look.ok, JSON.stringify(look)).toBe(true);
      expect(look.top).toBe(fileName(look.expectedTop));
      expect(look.rows).toBeLessThan(60);
    }
    // Leave the last file out, start paused.
    await page.click(`dialog.add-dialog input[aria-label="Download ${fileName(FILES - 1)}"]`);
    await page.waitForFunction((n) => document.querySelector('.add-size')?.textContent?.includes(`${n} of ${n + 1} files`), { timeout: 5_000 }, FILES - 1);
    await page.click('dialog.add-dialog .add-choose .dialog-actions button:not(.secondary)');
    await page.waitForFunction(() => !document.querySelector('dialog.add-dialog')?.hasAttribute('open'), { timeout: 30_000 });
    await waitForRow(page, (r) => r.infoHash === torrent.infoHash && r.state !== 'checking', 120_000, 'the 10,000-file torrent added');
  }, 180_000);

  it('Files tab: a bounded number of rows in the DOM, the right rows at every scroll position, frame times reported', async () => {
    await selectTorrent(page, torrent.infoHash);
    await openTab(page, 'Files');
    await page.waitForSelector(`table.files-table[data-count="${FILES}"]`, { timeout: 30_000 });
    const viewport = await page.$eval('.tab-panel', (el) => el.clientHeight);
    for (const f of [0, 0.25, 0.5, 0.999, 1]) {
      const look = await scrollAndLook('.tab-panel', f);
      expect(look.ok, `at ${f}: ${JSON.stringify(look)}`).toBe(true);
      expect(look.top).toBe(fileName(look.expectedTop));
      expect(look.rows).toBeLessThanOrEqual(Math.ceil(viewport / 20) + 12);
    }
    // The engine's own word: the last file skipped (from the dialog), the others wanted.
    expect(await page.$eval(`tr.file[data-path="${NAME}/${fileName(FILES - 1)}"]`, (el) => el.getAttribute('data-priority'))).toBe('0');

    const result = await scrollFrames();
    console.log(`Files tab, ${FILES} files, live engine: ${result.summary}; at most ${result.maxRows} rows in the DOM (viewport ${viewport}px)`);
    expect(result.maxRows).toBeLessThanOrEqual(Math.ceil(viewport / 20) + 12);
  }, 120_000);

  it('priority changes on rows far down the list reach the engine and survive a reload', async () => {
    const target = 7_777;
    const skip = 9_000;
    const go = async (i: number): Promise<void> => {
      await page.evaluate((index) => {
        const box = document.querySelector('.tab-panel') as HTMLElement;
        const body = box.querySelector('tbody')!;
        const rows = box.querySelectorAll<HTMLElement>('tr[data-row]');
        const pitch = rows[1]!.getBoundingClientRect().top - rows[0]!.getBoundingClientRect().top;
        const bodyTop = body.getBoundingClientRect().top - box.getBoundingClientRect().top + box.scrollTop;
        box.scrollTop = Math.min(box.scrollHeight, bodyTop + pitch * Math.max(0, index - 3));
      }, i);
      await page.waitForSelector(`tr.file[data-path="${NAME}/${fileName(i)}"]`, { timeout: 5_000 });
    };
    await go(target);
    await page.select(`select[aria-label="Priority of ${fileName(target)}"]`, '7');
    await go(skip);
    await page.click(`input[aria-label="Download ${fileName(skip)}"]`);
    await page.waitForSelector(`tr.file[data-path="${NAME}/${fileName(skip)}"][data-priority="0"]`, { timeout: 10_000 });

    await page.reload();
    await selectTorrent(page, torrent.infoHash);
    await openTab(page, 'Files');
    await page.waitForSelector(`table.files-table[data-count="${FILES}"]`, { timeout: 30_000 });
    await go(target);
    await page.waitForSelector(`tr.file[data-path="${NAME}/${fileName(target)}"][data-priority="7"]`, { timeout: 10_000 });
    await go(skip);
    await page.waitForSelector(`tr.file[data-path="${NAME}/${fileName(skip)}"][data-priority="0"]`, { timeout: 10_000 });
    expect(await page.$eval(`tr.file[data-path="${NAME}/${fileName(skip + 1)}"]`, (el) => el.getAttribute('data-priority'))).toBe('4');
    expect(browser.pageErrors).toEqual([]);
  }, 120_000);
});

/** Pixels of the canvas painted exactly in the CSS variable's current colour. */
async function pixelsOf(cssVar: string): Promise<number> {
  return page.$eval(
    'canvas.pieces-canvas',
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

describe('synthetic snapshots', () => {
  it('Files tab with 10,000 files and no engine work: frame times of the rendering alone', async () => {
    const row = syntheticRow(1);
    const files = Array.from({ length: FILES }, (_, i) => ({ index: i, path: `${row.name}/d-${Math.floor(i / 100)}/${fileName(i)}`, length: 1000 + i, downloaded: i % 3 === 0 ? 1000 + i : 0, priority: 4 as const }));
    const snapshot = syntheticSnapshot(0, [{ ...row, files }]);
    await page.evaluate((s) => window.torrentEdgeDashboard!.show(s), snapshot);
    await page.click(`li.torrent[data-infohash="${row.infoHash}"]`);
    await openTab(page, 'Files');
    await page.waitForSelector(`table.files-table[data-count="${FILES + 100}"]`, { timeout: 10_000 });
    const viewport = await page.$eval('.tab-panel', (el) => el.clientHeight);
    const result = await scrollFrames();
    console.log(`Files tab, ${FILES} files in 100 folders, synthetic snapshot: ${result.summary}; at most ${result.maxRows} rows in the DOM (viewport ${viewport}px)`);
    expect(result.maxRows).toBeLessThanOrEqual(Math.ceil(viewport / 20) + 12);
    // Folders first: d-0 then its files, in name order.
    const look = await scrollAndLook('.tab-panel', 0);
    expect(look.top).toBe('d-0');

    // Screenshots for the README, scrolled into the middle of the list.
    const dir = join(ROOT, 'docs', 'screenshots');
    await mkdir(dir, { recursive: true });
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: theme }]);
      await scrollAndLook('.tab-panel', 0.4);
      await new Promise((r) => setTimeout(r, 200));
      await page.screenshot({ path: join(dir, `files-tab-${theme}.png`) as `${string}.png` });
    }
    await page.emulateMediaFeatures([]);
    await page.evaluate(() => window.torrentEdgeDashboard!.show(null));
  }, 60_000);

  it('a theme switch (preference, then system scheme) redraws the piece map in the new colours, with no new data', async () => {
    const snapshot = syntheticSnapshot(8);
    await page.evaluate((s) => window.torrentEdgeDashboard!.show(s), snapshot);
    await page.click(`li.torrent[data-infohash="${snapshot.torrents[1]!.infoHash}"]`);
    await openTab(page, 'Pieces');
    await page.waitForSelector('canvas.pieces-canvas[data-drawn]', { timeout: 5_000 });
    const light = { have: await pixelsOf('--piece-have'), missing: await pixelsOf('--piece-missing') };
    expect(light.have).toBeGreaterThan(0);
    expect(light.missing).toBeGreaterThanOrEqual(0);

    const drawnBefore = await page.$eval('canvas.pieces-canvas', (el) => (el as HTMLCanvasElement).dataset['drawn']);
    const colour = (): Promise<string> => page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--piece-have').trim());
    const lightColour = await colour();
    await page.evaluate(() => (document.documentElement.dataset.theme = 'dark'));
    await page.waitForFunction((before) => (document.querySelector('canvas.pieces-canvas') as HTMLElement).dataset['drawn'] !== before, { timeout: 5_000 }, drawnBefore);
    expect(await colour()).not.toBe(lightColour);
    expect(await pixelsOf('--piece-have')).toBe(light.have);

    // Back to "system" while the system is dark: same dark colours; then the system turns light.
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'dark' }]);
    await page.evaluate(() => delete document.documentElement.dataset.theme);
    await page.waitForFunction((c) => getComputedStyle(document.documentElement).getPropertyValue('--piece-have').trim() !== c, { timeout: 5_000 }, lightColour);
    const drawnDark = await page.$eval('canvas.pieces-canvas', (el) => (el as HTMLCanvasElement).dataset['drawn']);
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);
    await page.waitForFunction((before) => (document.querySelector('canvas.pieces-canvas') as HTMLElement).dataset['drawn'] !== before, { timeout: 5_000 }, drawnDark);
    expect(await colour()).toBe(lightColour);
    expect(await pixelsOf('--piece-have')).toBe(light.have);
    await page.emulateMediaFeatures([]);
    await page.evaluate(() => window.torrentEdgeDashboard!.show(null));
  }, 30_000);
});

describe('German UI (--lang=de)', () => {
  it('ETA, sizes, percentages and dates follow the browser language', async () => {
    const deProfile = await makeProfile('files-tab-de');
    await installHost(deProfile);
    const de = await launchBrowser(deProfile, ['--lang=de', '--accept-lang=de-DE,de']);
    try {
      const dash = await de.openPage('extension-ui/dashboard.html');
      await dash.setViewport({ width: 1100, height: 900 });
      await dash.waitForFunction(() => !!window.torrentEdgeDashboard);
      expect(await dash.evaluate(() => navigator.language)).toMatch(/^de/);
      const row = { ...syntheticRow(3), state: 'downloading' as const, eta: 3 * 3600 + 12 * 60, progress: 0.125, totalLength: 1536 * 1024 * 1024, wantedLength: 1536 * 1024 * 1024, addedAt: Date.UTC(2026, 10, 23, 16, 5) };
      await dash.evaluate((s) => window.torrentEdgeDashboard!.show(s), syntheticSnapshot(0, [row]));
      const li = `li.torrent[data-infohash="${row.infoHash}"]`;
      await dash.waitForSelector(li, { timeout: 5_000 });
      const cells = await dash.$$eval(`${li} > span`, (els) => els.map((e) => e.textContent ?? ''));
      expect(cells).toContain('3h, 12 Min.');
      expect(cells).toContain('1,5 GiB');
      expect(cells.join('|')).toContain('12,5\u00a0%');
      await dash.click(li);
      await openTab(dash, 'General');
      const general = await dash.$eval('.general-grid', (el) => el.textContent ?? '');
      expect(general).toMatch(/23\.11\.2026, \d\d:\d\d/);
    } finally {
      await de.close();
      await deProfile.remove();
    }
  }, 90_000);
});
