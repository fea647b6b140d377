// The popup, options and dashboard in both themes, in real Chromium with the real extension, host and a
// libtorrent seeder: text contrast (WCAG AA, 4.5:1) of what the pages show, a visible focus ring
// when moving by keyboard, and screenshots. The PNGs go to tests/.tmp/screenshots, or to
// docs/screenshots with TORRENTEDGE_SCREENSHOTS=1 (how the README's pictures are made).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { makeSingleFile } from '../../interop/harness/data.js';
import { startLibtorrentSeeder } from '../../interop/harness/libtorrent.js';
import { makeTorrent } from '../../interop/harness/make-torrent.js';
import { startTracker, type Tracker } from '../../interop/harness/tracker.js';
import { createWorkspace, type Workspace } from '../../interop/harness/workspace.js';
import { ROOT, ensureBuilt } from './harness/build.js';
import { installHost, launchBrowser, makeProfile, type ExtensionBrowser, type Profile } from './harness/extension-browser.js';
import { addByTyping, waitForRow } from './harness/popup.js';
import { clickRowButton, openTorrentFile } from './harness/ui.js';
import { syntheticSnapshot } from './harness/synthetic.js';
import type { Page } from 'puppeteer';
import { worstContrast } from './harness/contrast.js';

const OUT = process.env.TORRENTEDGE_SCREENSHOTS === '1' ? join(ROOT, 'docs', 'screenshots') : join(ROOT, 'tests', '.tmp', 'screenshots');

let ws: Workspace;
let tracker: Tracker;
let profile: Profile;
let browser: ExtensionBrowser;
let popup: Page;
let options: Page;
let dashboard: Page;

beforeAll(async () => {
  await ensureBuilt();
  await mkdir(OUT, { recursive: true });
  ws = await createWorkspace('ext-look');
  tracker = await startTracker({ intervalMs: 2_000 });
  ws.onCleanup(() => tracker.close());
  profile = await makeProfile('look');
  await installHost(profile);
  browser = await launchBrowser(profile);

  // A finished torrent and a paused one, as a user's popup would show them.
  const src = await ws.dir('src');
  const done = await makeSingleFile(src, 'Debian netinst (sample).iso', 2 * 1024 * 1024);
  const doneTorrent = await makeTorrent({ target: done, output: join(ws.root, 'done.torrent'), trackers: [tracker.udpUrl], pieceSizeLog2: 16 });
  const seeder = await startLibtorrentSeeder({ name: 'lt-seed-look', logDir: ws.logDir, save: src, torrent: doneTorrent.path, trackers: [tracker.udpUrl] });
  const waiting = await makeSingleFile(await ws.dir('other'), 'Big Buck Bunny 1080p.mkv', 900_000);
  const waitingTorrent = await makeTorrent({ target: waiting, output: join(ws.root, 'waiting.torrent'), trackers: [tracker.udpUrl], pieceSizeLog2: 15 });

  popup = await browser.openPage('extension-ui/popup.html');
  await popup.setViewport({ width: 440, height: 560 });
  await addByTyping(popup, doneTorrent.magnet([tracker.udpUrl]));
  await waitForRow(popup, (r) => r.infoHash === doneTorrent.infoHash && r.state === 'seeding', 60_000, 'the sample to finish');
  await seeder.proc.stop();
  await openTorrentFile(popup, waitingTorrent.path);
  await waitForRow(popup, (r) => r.infoHash === waitingTorrent.infoHash && r.state === 'downloading', 20_000, 'the second torrent');
  await clickRowButton(popup, waitingTorrent.infoHash, 'Pause');
  await waitForRow(popup, (r) => r.infoHash === waitingTorrent.infoHash && r.state === 'paused', 10_000, 'paused');
  await addByTyping(popup, 'not a link');
  await popup.waitForFunction(() => (document.getElementById('add-error')?.textContent ?? '') !== '');

  options = await browser.openPage('extension-ui/options.html');
  await options.setViewport({ width: 900, height: 1000 });
  await options.waitForSelector('#pref-theme', { timeout: 30_000 });

  // The dashboard with a synthetic list (every state, errors, a selected torrent's details).
  dashboard = await browser.openPage('extension-ui/dashboard.html');
  await dashboard.setViewport({ width: 900, height: 900 });
  await dashboard.waitForFunction(() => !!window.torrentEdgeDashboard, { timeout: 30_000 });
  const snapshot = syntheticSnapshot(40);
  await dashboard.evaluate((s) => window.torrentEdgeDashboard!.show(s), snapshot);
  await dashboard.click(`li.torrent[data-infohash="${snapshot.torrents[3]!.infoHash}"]`);
  await dashboard.waitForSelector('section.details .general-grid', { timeout: 10_000 });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await profile?.remove();
  await ws?.cleanup();
});

async function setTheme(theme: 'light' | 'dark'): Promise<void> {
  await options.bringToFront();
  await options.select('#pref-theme', theme);
  await options.waitForFunction((t: string) => document.documentElement.dataset.theme === t, { timeout: 10_000 }, theme);
  // The popup is in a background tab, where requestAnimationFrame polling never fires.
  await popup.waitForFunction((t: string) => document.documentElement.dataset.theme === t, { timeout: 10_000, polling: 200 }, theme);
  await dashboard.waitForFunction((t: string) => document.documentElement.dataset.theme === t, { timeout: 10_000, polling: 200 }, theme);
}

describe('look', () => {
  for (const theme of ['light', 'dark'] as const) {
    it(`${theme}: text contrast is at least 4.5:1 on popup, options and dashboard; screenshots`, async () => {
      await setTheme(theme);
      await options.evaluate(() => document.activeElement instanceof HTMLElement && document.activeElement.blur());
      for (const [name, page] of [['popup', popup], ['options', options], ['dashboard', dashboard]] as const) {
        await page.bringToFront();
        const worst = await worstContrast(page);
        expect(worst.ratio, `${name} ${theme}: ${worst.what}`).toBeGreaterThanOrEqual(4.5);
        await page.screenshot({ path: join(OUT, `${name}-${theme}.png`), fullPage: true } as Parameters<Page['screenshot']>[0]);
      }
    }, 60_000);
  }

  it('keyboard: Tab reaches the add field and the row buttons, each with a visible focus ring', async () => {
    await popup.bringToFront();
    await popup.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    const seen: { tag: string; text: string; outline: string }[] = [];
    for (let i = 0; i < 12; i++) {
      await popup.keyboard.press('Tab');
      seen.push(
        await popup.evaluate(() => {
          const el = document.activeElement as HTMLElement;
          const style = getComputedStyle(el);
          return { tag: el.tagName.toLowerCase(), text: (el.textContent || el.getAttribute('aria-label') || el.id).trim(), outline: `${style.outlineStyle} ${style.outlineWidth}` };
        }),
      );
    }
    expect(seen.map((s) => s.text)).toEqual(expect.arrayContaining(['add-input', 'Open .torrent file', 'Open dashboard', 'Resume', 'Remove']));
    for (const s of seen.filter((x) => x.tag !== 'body')) expect(s.outline, `${s.tag} ${s.text}`).toBe('solid 3px');
  }, 30_000);

  it('dashboard: the theme preference wins over the system scheme, and keyboard focus is visible', async () => {
    // The system says dark, the preference says light: the dashboard's own colours (selected row,
    // piece map) come out light, as the popup's do.
    await setTheme('light');
    await dashboard.bringToFront();
    await dashboard.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'dark' }]);
    const colours = await dashboard.evaluate(() => {
      const root = getComputedStyle(document.documentElement);
      const row = document.querySelector('li.torrent[aria-selected="true"]')!;
      return { bg: getComputedStyle(document.body).backgroundColor, row: getComputedStyle(row).backgroundColor, piece: root.getPropertyValue('--piece-missing').trim() };
    });
    expect(colours).toEqual({ bg: 'rgb(255, 255, 255)', row: 'rgb(215, 236, 233)', piece: '#e4e4e7' });
    expect((await worstContrast(dashboard)).ratio).toBeGreaterThanOrEqual(4.5);
    await dashboard.emulateMediaFeatures([]);

    await dashboard.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    const seen: { tag: string; text: string; outline: string }[] = [];
    for (let i = 0; i < 14; i++) {
      await dashboard.keyboard.press('Tab');
      seen.push(
        await dashboard.evaluate(() => {
          const el = document.activeElement as HTMLElement;
          const style = getComputedStyle(el);
          return { tag: el.tagName.toLowerCase(), text: (el.getAttribute('aria-label') || el.textContent || el.id).trim(), outline: `${style.outlineStyle} ${style.outlineWidth}` };
        }),
      );
    }
    expect(seen.map((s) => s.text)).toEqual(expect.arrayContaining(['Add torrent…', 'Add']));
    for (const s of seen.filter((x) => x.tag !== 'body')) expect(s.outline, `${s.tag} ${s.text}`).toMatch(/^solid [1-9]/);
  }, 30_000);
});
