// The dashboard's queue, per-torrent settings, turtle switch and statistics in real Chromium with
// the real extension, engine and native host, against a libtorrent seeder on 127.0.0.1: with one
// active download allowed, a torrent moved to the top of the queue takes the slot, another is
// force-started past the limit, a per-torrent download limit slows the real download, the turtle
// turns on by hand, statistics count the payload; then an engine restart (a setting that needs a
// new Client) and a browser restart keep the queue order, the forced start, the torrent's own
// settings, the turtle's hand switch and the all-time statistics. Names with markup render as text. Screenshots in both themes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'puppeteer';
import { makeSingleFile } from '../../interop/harness/data.js';
import { startLibtorrentSeeder } from '../../interop/harness/libtorrent.js';
import { makeTorrent } from '../../interop/harness/make-torrent.js';
import { createWorkspace, type Workspace } from '../../interop/harness/workspace.js';
import { ensureBuilt, ROOT } from './harness/build.js';
import { selectTorrent } from './harness/dashboard.js';
import { installHost, launchBrowser, makeProfile, type ExtensionBrowser, type Profile } from './harness/extension-browser.js';
import { until } from './harness/files.js';
import { worstContrast } from './harness/contrast.js';
import { addByTyping, rows, waitForRow } from './harness/popup.js';

const MiB = 1024 * 1024;
const SIZE = 8 * MiB;
const LIMIT_KIB = 128;
const XSS_NAME = '<img src=x onerror=alert(1)>';
/** Magnets nobody seeds: they wait for metadata (a download in the queue's eyes). */
const IDLE_A = 'a1'.repeat(20);
const IDLE_B = 'b2'.repeat(20);

let ws: Workspace;
let profile: Profile;
let browser: ExtensionBrowser;
let page: Page;
let options: Page;
const dialogs: string[] = [];
let real: string;
let seeder: Awaited<ReturnType<typeof startLibtorrentSeeder>>;

beforeAll(async () => {
  await ensureBuilt();
  ws = await createWorkspace('queue-settings');
  profile = await makeProfile('queue-settings');
  await installHost(profile);
  browser = await launchBrowser(profile);
  options = await browser.openPage('extension-ui/options.html');
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

/** Types into an options field and commits it (Enter), as options-e2e does; resolves with the status. */
async function setOption(field: string, text: string): Promise<string> {
  await options.bringToFront();
  const id = `#pref-${field}`;
  await options.waitForSelector(id, { timeout: 15_000 });
  await options.$eval(id, (el) => {
    (el as HTMLInputElement).value = '';
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await options.type(id, text);
  await options.evaluate((f: string) => {
    for (const suffix of ['error', 'status']) {
      const node = document.getElementById(`pref-${f}-${suffix}`)?.firstChild;
      if (node instanceof Text) node.data = '';
    }
  }, field);
  await options.keyboard.press('Enter');
  await options.waitForFunction((f: string) => (document.getElementById(`pref-${f}-error`)?.textContent || document.getElementById(`pref-${f}-status`)?.textContent || '') !== '', { timeout: 10_000 }, field);
  const status = await options.$eval(`#pref-${field}-status`, (el) => el.textContent ?? '');
  await page.bringToFront();
  return status;
}

/** Queue column (1 = top) and state text per infohash, as the list shows them. */
async function queueView(p: Page): Promise<Record<string, { place: string; state: string }>> {
  return p.$$eval('li.torrent', (items) =>
    Object.fromEntries(items.map((li) => [li.getAttribute('data-infohash') ?? '', { place: li.querySelector('.cell-queue')?.textContent?.trim() ?? '', state: li.querySelector('.cell-state')?.textContent?.trim() ?? '' }])),
  );
}

async function waitForQueue(p: Page, want: Record<string, string>, what: string): Promise<void> {
  let last: Record<string, { place: string; state: string }> = {};
  try {
    await until(async () => {
      last = await queueView(p);
      return Object.entries(want).every(([hex, place]) => last[hex]?.place === place);
    }, 20_000, what);
  } catch {
    throw new Error(`timeout waiting for ${what}; list shows ${JSON.stringify(last)}`);
  }
}

async function progressOf(hex: string): Promise<number> {
  return (await rows(page)).find((r) => r.infoHash === hex)?.progress ?? -1;
}

/** "8.0 MiB" → bytes (formatBytes' units). */
function bytesOf(text: string): number {
  const m = /([\d.,]+)\s*(B|KiB|MiB|GiB|TiB)/.exec(text);
  if (!m) return Number.NaN;
  const unit = { B: 1, KiB: 1024, MiB: MiB, GiB: 1024 * MiB, TiB: 1024 * 1024 * MiB }[m[2] as 'B'];
  return Number(m[1]!.replace(',', '')) * unit;
}

async function statistics(p: Page): Promise<{ sessionDown: number; allDown: number; sessions: string }> {
  if (!(await p.$('#stats-view'))) await p.click('::-p-text(Statistics)');
  await p.waitForSelector('.stats-table', { timeout: 20_000 });
  return p.evaluate(() => ({
    sessionDown: document.querySelector('tr[data-stat="downloaded"] td[data-scope="session"]')?.textContent ?? '',
    allDown: document.querySelector('tr[data-stat="downloaded"] td[data-scope="allTime"]')?.textContent ?? '',
    sessions: document.querySelector('.stats-view > p')?.textContent ?? '',
  })).then((s) => ({ sessionDown: bytesOf(s.sessionDown), allDown: bytesOf(s.allDown), sessions: s.sessions }));
}

async function settingsForm(p: Page): Promise<Record<string, string | boolean>> {
  return p.evaluate(() => {
    const out: Record<string, string | boolean> = {};
    for (const input of Array.from(document.querySelectorAll('form.torrent-settings input')) as HTMLInputElement[]) out[input.name] = input.type === 'checkbox' ? input.checked : input.value;
    out.forced = document.querySelector('dd[data-field="forced"]')?.textContent ?? '';
    out.queuePosition = document.querySelector('dd[data-field="queuePosition"]')?.textContent ?? '';
    return out;
  });
}

async function typeSetting(p: Page, name: string, text: string): Promise<void> {
  const selector = `form.torrent-settings input[name="${name}"]`;
  await p.$eval(selector, (el) => {
    (el as HTMLInputElement).value = '';
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await p.type(selector, text);
}

async function saveSettings(p: Page): Promise<void> {
  await p.click('::-p-text(Save settings)');
  await p.waitForFunction(() => document.querySelector('.settings-tab [role="status"]')?.textContent === 'Saved.', { timeout: 10_000 });
}

describe('queue, per-torrent settings, turtle and statistics with the real engine', () => {
  it('moves a torrent to the top, force-starts another, limits one download, counts the payload', async () => {
    expect(await setOption('maxActiveDownloads', '1')).toBe('Saved.');
    const src = await ws.dir('src');
    const file = await makeSingleFile(src, 'te-queue-real.bin', SIZE);
    const torrent = await makeTorrent({ target: file, output: join(ws.root, 'real.torrent'), trackers: [], pieceSizeLog2: 16 });
    real = torrent.infoHash;
    seeder = await startLibtorrentSeeder({ name: 'lt-seed-queue', logDir: ws.logDir, save: src, torrent: torrent.path, trackers: [] });
    ws.onCleanup(async () => void (await seeder.proc.stop()));

    // Two idle magnets first (the first takes the one slot), then the real one: queued.
    await page.bringToFront();
    await addByTyping(page, `magnet:?xt=urn:btih:${IDLE_A}&dn=queue-idle-a`);
    await waitForRow(page, (r) => r.infoHash === IDLE_A, 15_000, 'idle A listed');
    await addByTyping(page, `magnet:?xt=urn:btih:${IDLE_B}&dn=${encodeURIComponent(XSS_NAME)}`);
    await waitForRow(page, (r) => r.infoHash === IDLE_B, 15_000, 'idle B listed');
    await addByTyping(page, `magnet:?xt=urn:btih:${real}&dn=te-queue-real.bin&x.pe=127.0.0.1:${seeder.port}`);
    await waitForRow(page, (r) => r.infoHash === real && r.state === 'queued', 15_000, 'the real torrent queued');
    await waitForQueue(page, { [IDLE_A]: '1', [IDLE_B]: '2', [real]: '3' }, 'queue places 1, 2, 3');
    expect((await queueView(page))[real]!.state).toBe('Queued');
    // A name with markup is text in the list.
    expect((await rows(page)).find((r) => r.infoHash === IDLE_B)!.name).toBe(XSS_NAME);

    // Its own download limit, set while it waits (Details › Settings).
    await selectTorrent(page, real);
    await page.click('#tab-Settings');
    await page.waitForSelector('form.torrent-settings', { timeout: 5_000 });
    expect(await settingsForm(page)).toMatchObject({ downloadLimitKiB: '0', uploadLimitKiB: '0', useGlobalGoals: true, superSeed: false, maxConnections: '', forced: 'By the queue', queuePosition: '3' });
    await typeSetting(page, 'downloadLimitKiB', 'lots');
    await page.click('::-p-text(Save settings)');
    await page.waitForFunction(() => document.getElementById('ts-downloadLimitKiB-error')?.textContent !== '', { timeout: 10_000 });
    expect(await page.$eval('#ts-downloadLimitKiB', (el) => el.getAttribute('aria-invalid'))).toBe('true');
    await typeSetting(page, 'downloadLimitKiB', String(LIMIT_KIB));
    await typeSetting(page, 'uploadLimitKiB', '64');
    await typeSetting(page, 'maxConnections', '7');
    await page.click('form.torrent-settings input[name="useGlobalGoals"]');
    await typeSetting(page, 'seedRatio', '3.5');
    await saveSettings(page);

    // To the top: it takes the slot, the idle magnet waits.
    await page.click('::-p-aria(Move to the top of the queue)');
    await waitForQueue(page, { [real]: '1', [IDLE_A]: '2', [IDLE_B]: '3' }, 'the real torrent on top');
    await waitForRow(page, (r) => r.infoHash === IDLE_A && r.state === 'queued', 15_000, 'idle A queued');
    await waitForRow(page, (r) => r.infoHash === real && r.state === 'downloading', 30_000, 'the real torrent downloading');

    // Its limit holds on the real download: about 128 KiB/s (8 s of it, with a second's burst).
    await until(async () => (await progressOf(real)) > 0, 30_000, 'first bytes');
    const p0 = await progressOf(real);
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, 8_000));
    const moved = ((await progressOf(real)) - p0) * SIZE;
    const seconds = (Date.now() - t0) / 1000;
    expect(moved).toBeGreaterThan(0);
    expect(moved / seconds).toBeLessThan(LIMIT_KIB * 1024 * 1.35 + (LIMIT_KIB * 1024) / seconds);

    // Force start: the other idle magnet runs past the limit of one, shown as forced.
    await selectTorrent(page, IDLE_B);
    await page.click('::-p-text(Force start)');
    await until(async () => (await queueView(page))[IDLE_B]?.state === 'Forced · Fetching metadata', 15_000, 'idle B forced');
    expect((await rows(page)).find((r) => r.infoHash === IDLE_B)!.state).not.toBe('queued');
    expect((await rows(page)).find((r) => r.infoHash === IDLE_A)!.state).toBe('queued');

    // The turtle, by hand.
    await page.click('.alt-toggle');
    await page.waitForFunction(() => document.querySelector('.alt-toggle')?.getAttribute('aria-pressed') === 'true', { timeout: 10_000 });
    expect(await page.$eval('.alt-why', (el) => el.textContent)).toBe('On (turned on by you)');

    // Lift the limits (torrent's own and the turtle): the download finishes; statistics count it.
    await page.click('.alt-toggle');
    await page.waitForFunction(() => document.querySelector('.alt-toggle')?.getAttribute('aria-pressed') === 'false', { timeout: 10_000 });
    await selectTorrent(page, real);
    await page.click('#tab-Settings');
    await page.waitForSelector('form.torrent-settings', { timeout: 5_000 });
    await typeSetting(page, 'downloadLimitKiB', '0');
    await saveSettings(page);
    await waitForRow(page, (r) => r.infoHash === real && r.state === 'seeding', 60_000, 'the real torrent complete');
    await until(async () => (await statistics(page)).sessionDown >= SIZE * 0.99, 15_000, 'statistics count the download');
    const before = await statistics(page);
    expect(before.allDown).toBeGreaterThanOrEqual(before.sessionDown);
    expect(before.sessions).toMatch(/\d+ times/);
    // The turtle on again, to see it kept over an engine restart.
    await page.click('.alt-toggle');
    await page.waitForFunction(() => document.querySelector('.alt-toggle')?.getAttribute('aria-pressed') === 'true', { timeout: 10_000 });
    expect(dialogs).toEqual([]);
  }, 240_000);

  it('an engine restart keeps the queue order, the forced start, the settings, the turtle and all-time statistics', async () => {
    const before = await statistics(page);
    const sessionsBefore = Number(/(\d+) times/.exec(before.sessions)![1]);
    // Connections per torrent is taken only at creation: the engine restarts with a new Client.
    expect(await setOption('maxPeersPerTorrent', '60')).toBe('Saved.');
    await until(async () => Number(/(\d+) times/.exec((await statistics(page)).sessions)?.[1] ?? 0) === sessionsBefore + 1, 30_000, 'a new engine session');
    const after = await statistics(page);
    expect(after.allDown).toBeGreaterThanOrEqual(before.allDown);
    expect(after.sessionDown).toBeLessThan(SIZE / 2);
    await waitForQueue(page, { [real]: '1', [IDLE_A]: '2', [IDLE_B]: '3' }, 'the same order after the restart');
    await until(async () => /^Forced · /.test((await queueView(page))[IDLE_B]?.state ?? ''), 20_000, 'idle B still forced');
    expect(await page.$eval('.alt-toggle', (el) => el.getAttribute('aria-pressed'))).toBe('true');
    await selectTorrent(page, real);
    await page.click('#tab-Settings');
    await page.waitForSelector('form.torrent-settings', { timeout: 5_000 });
    expect(await settingsForm(page)).toMatchObject({ downloadLimitKiB: '0', uploadLimitKiB: '64', maxConnections: '7', useGlobalGoals: false, seedRatio: '3.5', queuePosition: '1' });
  }, 120_000);

  it('a browser restart keeps them too', async () => {
    const before = await statistics(page);
    await browser.close();
    browser = await launchBrowser(profile);
    page = await browser.openPage('extension-ui/dashboard.html');
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.setViewport({ width: 1100, height: 900 });
    await waitForQueue(page, { [real]: '1', [IDLE_A]: '2', [IDLE_B]: '3' }, 'the same order after a browser restart');
    await until(async () => /^Forced · /.test((await queueView(page))[IDLE_B]?.state ?? ''), 30_000, 'idle B forced after a browser restart');
    await until(async () => (await statistics(page)).allDown >= before.allDown - before.sessionDown, 30_000, 'all-time statistics kept');
    // The turtle the user switched on stays on (kept in IndexedDB); then off.
    await page.waitForFunction(() => document.querySelector('.alt-toggle')?.getAttribute('aria-pressed') === 'true', { timeout: 20_000 });
    expect(await page.$eval('.alt-why', (el) => el.textContent)).toBe('On (turned on by you)');
    await page.click('.alt-toggle');
    await page.waitForFunction(() => document.querySelector('.alt-toggle')?.getAttribute('aria-pressed') === 'false', { timeout: 10_000 });
    await selectTorrent(page, real);
    await page.click('#tab-Settings');
    await page.waitForSelector('form.torrent-settings', { timeout: 5_000 });
    expect(await settingsForm(page)).toMatchObject({ uploadLimitKiB: '64', maxConnections: '7', useGlobalGoals: false, seedRatio: '3.5', forced: 'By the queue' });
    expect(dialogs).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  }, 120_000);

  it('contrast in both themes, a visible focus on every new control, and screenshots', async () => {
    const dir = join(ROOT, 'docs', 'screenshots');
    await mkdir(dir, { recursive: true });
    // The turtle pressed (accent background) and the queue tools enabled: every new state is looked at.
    await page.click('.alt-toggle');
    await page.waitForFunction(() => document.querySelector('.alt-toggle')?.getAttribute('aria-pressed') === 'true', { timeout: 10_000 });
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: theme }]);
      await new Promise((r) => setTimeout(r, 300));
      const worst = await worstContrast(page);
      expect(worst.ratio, `${theme}: ${worst.what}`).toBeGreaterThanOrEqual(4.5);
      await page.screenshot({ path: join(dir, `dashboard-queue-${theme}.png`) as `${string}.png` });
    }
    await page.emulateMediaFeatures([]);
    await page.click('.alt-toggle');
    // Keyboard: from the turtle on, Tab reaches the statistics switch and the queue tools, each with a focus ring.
    await page.focus('.alt-toggle');
    await page.keyboard.down('Shift');
    await page.keyboard.press('Tab');
    await page.keyboard.up('Shift');
    const seen: { text: string; outline: string }[] = [];
    for (let i = 0; i < 24; i++) {
      await page.keyboard.press('Tab');
      seen.push(
        await page.evaluate(() => {
          const el = document.activeElement as HTMLElement;
          const style = getComputedStyle(el);
          return { text: (el.getAttribute('aria-label') || el.textContent || el.id).trim(), outline: `${style.outlineStyle} ${style.outlineWidth}` };
        }),
      );
    }
    const mine = ['Alternative speeds', 'Statistics', 'Move to the top of the queue', 'Move up in the queue', 'Move down in the queue', 'Move to the bottom of the queue', 'Force start'];
    expect(seen.map((x) => x.text)).toEqual(expect.arrayContaining(mine));
    for (const x of seen.filter((x) => mine.includes(x.text))) expect(x.outline, x.text).toMatch(/^solid [1-9]/);
  }, 60_000);
});
