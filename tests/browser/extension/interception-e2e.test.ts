// Interception end to end in real Chromium with the real extension and native host, from pages
// served on 127.0.0.1 and a libtorrent seeder:
// - magnet: links. Headless Chromium cannot show the one-time "open magnet links?" confirmation
//   (options-e2e checks the request reaches the browser's records). Here the profile starts with
//   the handler registered, exactly as the browser records an Allow (Preferences
//   custom_handlers.registered_protocol_handlers), and a real click on a magnet: link on a web
//   page must open our add page, which shows the link and adds it.
// - the context menu: headless Chromium cannot open a context menu, so the test calls the real
//   chrome.contextMenus.onClicked handler in the service worker with the OnClickData Chrome passes.
// - .torrent downloads: a real click on a link the server answers with Content-Disposition; the
//   torrent appears and no file lands in Downloads; with the option off the file is saved.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeSingleFile } from '../../interop/harness/data.js';
import { startLibtorrentSeeder } from '../../interop/harness/libtorrent.js';
import { makeTorrent, type MadeTorrent } from '../../interop/harness/make-torrent.js';
import { startTracker, type Tracker } from '../../interop/harness/tracker.js';
import { createWorkspace, type Workspace } from '../../interop/harness/workspace.js';
import { ensureBuilt } from './harness/build.js';
import { EXTENSION_ID, EXTENSION_ORIGIN, installHost, launchBrowser, makeProfile, type ExtensionBrowser, type Profile } from './harness/extension-browser.js';
import { waitForDownloadedFile } from './harness/files.js';
import { rows, waitForRow } from './harness/popup.js';
import { serviceWorker, startWebServer, type WebServer } from './harness/ui.js';
import type { Page } from 'puppeteer';

const HANDLER_URL = `${EXTENSION_ORIGIN}/extension-ui/add.html?uri=%s`;

let ws: Workspace;
let tracker: Tracker;
let web: WebServer;
let profile: Profile;
let browser: ExtensionBrowser;
let popup: Page;
const torrents: Record<string, MadeTorrent> = {};
const torrentBytes: Record<string, Buffer> = {};

async function makeSeededTorrent(key: string, size: number): Promise<MadeTorrent> {
  const src = await ws.dir(key);
  const file = await makeSingleFile(src, `te intercept ${key}.bin`, size);
  const torrent = await makeTorrent({ target: file, output: join(ws.root, `${key}.torrent`), trackers: [tracker.udpUrl], pieceSizeLog2: 15 });
  await startLibtorrentSeeder({ name: `lt-seed-${key}`, logDir: ws.logDir, save: src, torrent: torrent.path, trackers: [tracker.udpUrl] });
  torrents[key] = torrent;
  torrentBytes[key] = await readFile(torrent.path);
  return torrent;
}

beforeAll(async () => {
  await ensureBuilt();
  ws = await createWorkspace('ext-intercept');
  tracker = await startTracker({ intervalMs: 2_000 });
  ws.onCleanup(() => tracker.close());
  await Promise.all(['magnet', 'menu', 'dl', 'dlname', 'off', 'choose'].map((key, i) => makeSeededTorrent(key, 200_000 + i * 1000)));
  const attachment = (key: string, type: string) => (_req: unknown, res: import('node:http').ServerResponse) =>
    res.writeHead(200, { 'content-type': type, 'content-disposition': `attachment; filename="${key}.torrent"` }).end(torrentBytes[key]);
  web = await startWebServer({
    '/': (_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><title>links</title>
        <a id="magnet" href="${torrents.magnet!.magnet([tracker.udpUrl]).replace(/&/g, '&amp;')}">magnet</a>
        <a id="dl" href="/get?id=dl">by MIME type</a>
        <a id="dlname" href="/fetch?id=dlname">by file name</a>
        <a id="off" href="/get-off">with the option off</a>`),
    '/frame': (_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><iframe id="f" src="${HANDLER_URL.replace('%s', encodeURIComponent(torrents.magnet!.magnet()))}"></iframe>`),
    '/menu.torrent': (_req, res) => res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(torrentBytes.menu),
    '/get': attachment('dl', 'application/x-bittorrent'),
    '/fetch': attachment('dlname', 'application/octet-stream'),
    '/get-off': attachment('off', 'application/x-bittorrent'),
  });
  ws.onCleanup(() => web.close());

  profile = await makeProfile('intercept');
  // The state a user's "Allow" leaves: TorrentEdge registered for magnet: (what Chromium wrote
  // for our registerProtocolHandler call, moved from ignored_ to registered_).
  const prefsPath = join(profile.dir, 'Default', 'Preferences');
  const prefs = JSON.parse(await readFile(prefsPath, 'utf8'));
  prefs.custom_handlers = {
    enabled: true,
    ignored_protocol_handlers: [],
    registered_protocol_handlers: [
      // `default: true` is what makes it the handler in use (Chromium's registry sets it on Allow).
      { protocol: 'magnet', url: HANDLER_URL, extension_id: EXTENSION_ID, is_allowed_in_incognito: false, is_confirmed: true, security_level: 3, last_modified: '13439916656489127', default: true },
    ],
  };
  await writeFile(prefsPath, JSON.stringify(prefs));
  await installHost(profile);
  browser = await launchBrowser(profile);
  popup = await browser.openPage('extension-ui/popup.html');
  await popup.waitForSelector('#add-input');
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await profile?.remove();
  await ws?.cleanup();
});

describe('interception', () => {
  it('a magnet: link clicked on a web page opens the add page, which shows it and adds it', async () => {
    const page = await browser.browser.newPage();
    await page.goto(`${web.origin}/`);
    await page.click('#magnet');
    await page.waitForFunction(() => location.href.includes('/extension-ui/add.html?uri='), { timeout: 15_000 });
    expect(new URL(page.url()).searchParams.get('uri')).toBe(torrents.magnet!.magnet([tracker.udpUrl]));
    await page.waitForSelector('.magnet-preview');
    expect(await page.$eval('.magnet-name', (el) => el.textContent)).toBe('te intercept magnet.bin');
    expect(await page.$eval('.magnet-infohash', (el) => el.textContent)).toBe(torrents.magnet!.infoHash);
    // Nothing is added until the user says so.
    expect((await rows(popup)).map((r) => r.infoHash)).not.toContain(torrents.magnet!.infoHash);
    await page.click('::-p-text(Add torrent)');
    await page.waitForSelector('.add-done');
    await waitForRow(page, (r) => r.infoHash === torrents.magnet!.infoHash && r.state === 'seeding', 60_000, 'the magnet to complete');
    await page.close();
  }, 90_000);

  it('"Add and choose files" on the add page adds with nothing wanted and opens the dashboard, whose chooser appears with the metadata', async () => {
    const torrent = torrents.choose!;
    const page = await browser.openPage(`extension-ui/add.html?uri=${encodeURIComponent(torrent.magnet([tracker.udpUrl]))}`);
    await page.waitForSelector('.magnet-preview');
    await page.click('::-p-text(Add and choose files…)');
    await page.waitForFunction(() => location.pathname.endsWith('/extension-ui/dashboard.html'), { timeout: 15_000 });
    expect(new URL(page.url()).searchParams.get('torrent')).toBe(torrent.infoHash);
    const choose = await page.waitForSelector(`dialog.add-dialog .add-choose[data-infohash="${torrent.infoHash}"] input[aria-label="Download te intercept choose.bin"]`, { timeout: 60_000 });
    expect(await choose!.evaluate((el) => (el as HTMLInputElement).checked)).toBe(true);
    await page.click('dialog.add-dialog .add-choose .dialog-actions button:not(.secondary)');
    await waitForRow(page, (r) => r.infoHash === torrent.infoHash && r.state === 'seeding', 60_000, 'the chosen magnet to complete');
    await page.close();
  }, 120_000);

  it('the add page refuses a link that is not a usable magnet, at the page', async () => {
    const page = await browser.openPage(`extension-ui/add.html?uri=${encodeURIComponent('magnet:?xt=urn:btih:xyz')}`);
    await page.waitForSelector('main .field-error');
    expect(await page.$eval('main .field-error', (el) => el.textContent)).toMatch(/info hash/);
    expect(await page.$('::-p-text(Add torrent)')).toBeNull();
    await page.close();
    // add.html is web-accessible (for the handler's navigation), so a page could frame it to
    // trick a click on "Add torrent": framed, it shows nothing to click.
    const framing = await browser.browser.newPage();
    await framing.goto(`${web.origin}/frame`);
    const frame = await (await framing.waitForSelector('#f'))!.contentFrame();
    await frame!.waitForFunction(() => document.getElementById('app')?.textContent?.includes('cannot be used inside another page'), { timeout: 10_000 });
    expect(await frame!.$('button')).toBeNull();
    await framing.close();
  }, 30_000);

  it('context menu "Download with TorrentEdge" on a .torrent link adds it (real handler, realistic OnClickData)', async () => {
    const sw = await serviceWorker(browser);
    const click = (linkUrl: string) =>
      sw.evaluate(
        (url: string, pageUrl: string) =>
          (globalThis as any).torrentEdge.interception.onContextMenuClicked({ menuItemId: 'torrentedge-add-link', linkUrl: url, pageUrl, editable: false, frameId: 0 }),
        linkUrl,
        `${web.origin}/`,
      );
    expect(await click(`${web.origin}/menu.torrent`)).toEqual({ ok: true, infoHash: torrents.menu!.infoHash });
    await popup.bringToFront();
    await waitForRow(popup, (r) => r.infoHash === torrents.menu!.infoHash && r.state === 'seeding', 60_000, 'the context-menu torrent to complete');
    const refused = await click(`${web.origin}/page.html`);
    expect(refused.ok).toBe(false);
    expect(refused.error).toMatch(/not a magnet link or a \.torrent address/);
  }, 90_000);

  it('a .torrent download is taken over: the torrent is added and nothing lands in Downloads', async () => {
    const page = await browser.browser.newPage();
    await page.goto(`${web.origin}/`);
    await page.click('#dl'); // application/x-bittorrent
    await page.click('#dlname'); // application/octet-stream, named .torrent by Content-Disposition
    await popup.bringToFront();
    for (const key of ['dl', 'dlname']) {
      await waitForRow(popup, (r) => r.infoHash === torrents[key]!.infoHash && r.state === 'seeding', 60_000, `the ${key} download's torrent to complete`);
    }
    // Deliveries of the finished torrents are the only files; no .torrent was saved, and the
    // browser's download list forgot the taken-over downloads.
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await readdir(profile.downloads)).filter((f) => f.endsWith('.torrent') || f.endsWith('.crdownload'))).toEqual([]);
    const sw = await serviceWorker(browser);
    const listed = await sw.evaluate(() => chrome.downloads.search({}).then((items) => items.map((i) => i.finalUrl || i.url)));
    expect(listed.filter((u) => u.startsWith(web.origin))).toEqual([]);
    await page.close();
  }, 90_000);

  it('with the option off, a .torrent download is saved as usual', async () => {
    const options = await browser.openPage('extension-ui/options.html');
    await options.waitForSelector('#pref-interceptTorrentDownloads');
    await options.click('#pref-interceptTorrentDownloads');
    await options.waitForFunction(() => document.getElementById('pref-interceptTorrentDownloads-status')?.textContent === 'Saved.', { timeout: 10_000 });
    const page = await browser.browser.newPage();
    await page.goto(`${web.origin}/`);
    await page.click('#off');
    await waitForDownloadedFile(join(profile.downloads, 'off.torrent'), torrentBytes.off!.length, 20_000);
    expect((await rows(popup)).map((r) => r.infoHash)).not.toContain(torrents.off!.infoHash);
    expect(browser.pageErrors).toEqual([]);
  }, 60_000);
});
