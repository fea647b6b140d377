// The toolbar popup end to end, in real Chromium with the real extension and native host, against
// libtorrent on 127.0.0.1: bad input answered at the field with nothing else changed, a .torrent
// opened from disk (named like markup: shown as text, runs nothing), pause/resume and the badge,
// a magnet typed into the field downloaded to the end with its completion notification, remove
// with data, and the button that opens the side panel.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeSingleFile, sha256File } from '../../interop/harness/data.js';
import { startLibtorrentSeeder } from '../../interop/harness/libtorrent.js';
import { makeTorrent } from '../../interop/harness/make-torrent.js';
import { freePort } from '../../interop/harness/ports.js';
import { startTracker, type Tracker } from '../../interop/harness/tracker.js';
import { createWorkspace, type Workspace } from '../../interop/harness/workspace.js';
import { ensureBuilt } from './harness/build.js';
import { EXTENSION_ORIGIN, installHost, launchBrowser, makeProfile, type ExtensionBrowser, type Profile } from './harness/extension-browser.js';
import { until, waitForDownloadedFile } from './harness/files.js';
import { addByTyping, rows, waitForRow } from './harness/popup.js';
import {
  addFieldError,
  badgeText,
  clickRowButton,
  openTorrentFile,
  opfsHasRoot,
  removeTorrent,
  serviceWorker,
  startWebServer,
  waitForAddError,
  type WebServer,
} from './harness/ui.js';
import type { Page } from 'puppeteer';

const MARKUP_NAME = '<img src=x onerror=alert(1)>';

let ws: Workspace;
let tracker: Tracker;
let web: WebServer;
let profile: Profile;
let browser: ExtensionBrowser;
let popup: Page;
const dialogs: string[] = [];

beforeAll(async () => {
  await ensureBuilt();
  ws = await createWorkspace('ext-popup');
  tracker = await startTracker({ intervalMs: 2_000 });
  ws.onCleanup(() => tracker.close());
  web = await startWebServer({
    '/broken.torrent': (_req, res) => res.writeHead(200, { 'content-type': 'application/x-bittorrent' }).end('d4:infod4:name3:abce'),
  });
  ws.onCleanup(() => web.close());
  profile = await makeProfile('popup');
  await installHost(profile);
  browser = await launchBrowser(profile);
  popup = await browser.openPage('extension-ui/popup.html');
  popup.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await popup.waitForFunction(() => document.querySelector('.empty')?.textContent?.includes('No torrents yet'), { timeout: 30_000 });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await profile?.remove();
  await ws?.cleanup();
});

describe('popup', () => {
  it('answers bad input at the field, and nothing else changes', async () => {
    const closedPort = await freePort();
    const garbage = join(ws.root, 'garbage.torrent');
    await writeFile(garbage, 'this is not bencode');
    const cases: [string, RegExp][] = [
      ['hello world', /Not a magnet link or an address/],
      ['magnet:?xt=urn:btih:1234', /info hash must be 40 hex or 32 base32/],
      ['magnet:?dn=no-hash', /magnet/i],
      [`http://127.0.0.1:${closedPort}/gone.torrent`, /Could not fetch http:\/\/127\.0\.0\.1:\d+\/gone\.torrent/],
      [`${web.origin}/broken.torrent`, /is not a usable \.torrent file/],
    ];
    for (const [text, message] of cases) {
      await addByTyping(popup, text);
      const shown = await waitForAddError(popup);
      expect(shown.text, text).toMatch(message);
      expect(shown.invalid).toBe('true');
      expect(await rows(popup)).toEqual([]);
      // Typing clears the message.
      await popup.type('#add-input', ' ');
      expect((await addFieldError(popup)).text).toBe('');
    }
    await openTorrentFile(popup, garbage);
    expect((await waitForAddError(popup)).text).toMatch(/bencode|torrent/i);
    expect(await rows(popup)).toEqual([]);
    expect(web.requests).toContain('/broken.torrent');
  }, 120_000);

  let markupHash = '';
  it('a .torrent opened from disk and named like markup shows as text; pause and resume; the badge counts it', async () => {
    const src = await ws.dir('markup');
    const file = await makeSingleFile(src, MARKUP_NAME, 300_000);
    const torrent = await makeTorrent({ target: file, output: join(ws.root, 'markup.torrent'), trackers: [tracker.udpUrl], pieceSizeLog2: 15 });
    markupHash = torrent.infoHash;
    await openTorrentFile(popup, torrent.path);
    const row = await waitForRow(popup, (r) => r.infoHash === markupHash && r.state === 'downloading', 20_000, 'the opened torrent');
    // The engine's name for it (path-sanitized: '<' and '>' are not kept in file names).
    expect(row.name).toContain('img src=x onerror=alert(1)');
    // A magnet's dn= is shown as given until the metadata arrives: the characters, as text.
    const dnHash = 'c0ffee'.padEnd(40, '0');
    await addByTyping(popup, `magnet:?xt=urn:btih:${dnHash}&dn=${encodeURIComponent(MARKUP_NAME)}`);
    const dnRow = await waitForRow(popup, (r) => r.infoHash === dnHash, 20_000, 'the magnet with a markup name');
    expect(dnRow.name).toBe(MARKUP_NAME);
    expect(await popup.$$eval('main img', (imgs) => imgs.length)).toBe(0);
    await new Promise((r) => setTimeout(r, 500));
    expect(dialogs).toEqual([]);
    await removeTorrent(popup, dnHash, true);
    await until(async () => !(await rows(popup)).some((r) => r.infoHash === dnHash), 15_000, 'the markup magnet to go');
    // No peers: the engine has no ETA, and the row says so.
    expect(await popup.$eval(`li.torrent[data-infohash="${markupHash}"] .torrent-eta`, (el) => el.textContent)).toBe('⏱ ∞');
    await until(async () => (await badgeText(browser)) === '1', 10_000, 'badge 1');

    await clickRowButton(popup, markupHash, 'Pause');
    await waitForRow(popup, (r) => r.infoHash === markupHash && r.state === 'paused', 10_000, 'paused');
    await until(async () => (await badgeText(browser)) === '', 10_000, 'badge off while nothing is active');
    await clickRowButton(popup, markupHash, 'Resume');
    await waitForRow(popup, (r) => r.infoHash === markupHash && r.state === 'downloading', 10_000, 'resumed');
    await until(async () => (await badgeText(browser)) === '1', 10_000, 'badge 1 again');

    // Remove, then think better of it: Cancel keeps the row.
    await popup.click(`li.torrent[data-infohash="${markupHash}"] button.danger`);
    await popup.click(`li.torrent[data-infohash="${markupHash}"] ::-p-text(Cancel)`);
    expect((await rows(popup)).map((r) => r.infoHash)).toContain(markupHash);
  }, 60_000);

  it('a magnet typed into the field downloads from libtorrent; a notification says so; remove with data deletes the pieces', async () => {
    const SIZE = 3 * 1024 * 1024 + 77;
    const src = await ws.dir('magnet');
    const file = await makeSingleFile(src, 'te popup magnet.bin', SIZE);
    const torrent = await makeTorrent({ target: file, output: join(ws.root, 'magnet.torrent'), trackers: [tracker.udpUrl], pieceSizeLog2: 16 });
    const seeder = await startLibtorrentSeeder({ name: 'lt-seed-popup', logDir: ws.logDir, save: src, torrent: torrent.path, trackers: [tracker.udpUrl] });
    await addByTyping(popup, torrent.magnet([tracker.udpUrl]));
    // Accepted: the field empties and says nothing is wrong.
    await popup.waitForFunction(() => (document.getElementById('add-input') as HTMLInputElement).value === '', { timeout: 10_000 });
    expect((await addFieldError(popup)).text).toBe('');
    await waitForRow(popup, (r) => r.infoHash === torrent.infoHash && r.state === 'seeding' && r.progress === 1, 90_000, 'the magnet to complete');
    await waitForDownloadedFile(join(profile.downloads, 'te popup magnet.bin'), SIZE, 30_000);
    await seeder.proc.stop();

    const sw = await serviceWorker(browser);
    const id = `torrentedge-done-${torrent.infoHash}`;
    await until(async () => Object.keys(await sw.evaluate(() => chrome.notifications.getAll())).includes(id), 10_000, 'the completion notification');
    // A click on it (the real handler, as chrome.notifications.onClicked calls it) opens the
    // dashboard at that torrent: the side panel needs a user gesture, so headless gets the tab.
    const opened = await sw.evaluate((nid: string) => (globalThis as any).torrentEdge.notices.onClicked(nid), id);
    expect(['side-panel', 'tab']).toContain(opened);
    const wanted = opened === 'tab' ? `extension-ui/dashboard.html?torrent=${torrent.infoHash}` : 'extension-ui/dashboard.html';
    const dashTarget = await browser.browser.waitForTarget((t) => t.url().startsWith(`${EXTENSION_ORIGIN}/${wanted}`), { timeout: 10_000 });
    if (opened === 'tab') {
      // The dashboard opens with that torrent selected.
      const dash = (await dashTarget.page())!;
      await dash.waitForSelector(`#row-${torrent.infoHash}[aria-selected="true"]`, { timeout: 15_000 });
    }

    await popup.bringToFront(); // the dashboard tab came to the front; clicks need a visible page
    expect(await opfsHasRoot(popup, torrent.infoHash)).toBe(true);
    await removeTorrent(popup, torrent.infoHash, true);
    await until(async () => !(await rows(popup)).some((r) => r.infoHash === torrent.infoHash), 15_000, 'the row to go');
    expect(await opfsHasRoot(popup, torrent.infoHash)).toBe(false);
    // What was delivered to Downloads is the user's: it stays.
    expect(await sha256File(join(profile.downloads, 'te popup magnet.bin'))).toBe(await sha256File(file));

    await removeTorrent(popup, markupHash, false);
    await until(async () => (await rows(popup)).length === 0, 15_000, 'the list to empty');
    expect(browser.pageErrors).toEqual([]);
  }, 150_000);

  it('"Open dashboard" opens the side panel from the click', async () => {
    const before = browser.browser.targets().filter((t) => t.url().startsWith(`${EXTENSION_ORIGIN}/extension-ui/dashboard.html`)).length;
    await popup.click('::-p-text(Open dashboard)');
    await until(
      () => browser.browser.targets().filter((t) => t.url().startsWith(`${EXTENSION_ORIGIN}/extension-ui/dashboard.html`)).length > before,
      10_000,
      'a dashboard to open',
    );
    // chrome.sidePanel.open succeeded (the page falls back to a tab only when it fails).
    expect(await popup.$eval('main button.secondary', (b) => b.getAttribute('data-side-panel-error'))).toBeNull();
  }, 30_000);
});
