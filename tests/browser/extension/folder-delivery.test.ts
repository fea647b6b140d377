// Delivery into a folder the user picked (DESIGN: "a folder the user picks as the download
// location"), in real Chromium with the real extension and native host, from a libtorrent
// seeder on 127.0.0.1. The folder is handed over on the real options page (dropped, since
// headless Chromium cannot answer the picker; see harness/options.ts), with the site setting
// "Allow editing files" for the extension (harness/extension-browser.ts). The offscreen
// document copies from OPFS into a real directory on disk; these tests read it back.
import { describe, expect, it } from 'vitest';
import { readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { makeMultiFile, makeSingleFile, sha256File } from '../../interop/harness/data.js';
import { startLibtorrentSeeder } from '../../interop/harness/libtorrent.js';
import { makeTorrent } from '../../interop/harness/make-torrent.js';
import { extensionSuite } from './harness/suite.js';
import { installHost, launchBrowser, makeProfile, type ExtensionBrowser, type Profile } from './harness/extension-browser.js';
import { listTree, until, waitForDownloadedFile } from './harness/files.js';
import { chooseFolderMode, clickButton, deliveryOf, dropFolder, locationView, waitForLocation } from './harness/options.js';
import { addByTyping, waitForRow } from './harness/popup.js';

const suite = extensionSuite('ext-folder');

async function freshBrowser(label: string, extraArgs: string[] = []): Promise<{ profile: Profile; browser: ExtensionBrowser }> {
  const profile = await makeProfile(label, { allowFileEditing: true });
  suite.profiles.push(profile);
  await installHost(profile);
  const browser = await launchBrowser(profile, extraArgs);
  suite.browsers.push(browser);
  return { profile, browser };
}

describe('extension: delivery into a picked folder', () => {
  const LAYOUT = [
    { path: 'first.bin', size: 1024 * 1024 + 3 },
    { path: 'sub/second.bin', size: 6 * 1024 * 1024 + 101 },
    { path: 'sub/deeper/small.txt', size: 7 },
  ];

  it('a multi-file torrent lands as <folder>/<name>/<path>, byte-identical, beside an unrelated file it does not overwrite', async () => {
    const src = await suite.ws.dir('multi-src');
    const root = await makeMultiFile(src, 'te-fold-multi', LAYOUT);
    const torrent = await makeTorrent({ target: root, output: join(suite.ws.root, 'multi.torrent'), trackers: [suite.tracker.udpUrl], pieceSizeLog2: 16 });
    const seeder = await startLibtorrentSeeder({ name: 'lt-seed-fold', logDir: suite.ws.logDir, save: src, torrent: torrent.path, trackers: [suite.tracker.udpUrl] });
    const picked = await suite.ws.dir('picked-folder');
    await mkdir(join(picked, 'te-fold-multi'));
    await writeFile(join(picked, 'te-fold-multi', 'first.bin'), 'an unrelated file the user had there');

    const { profile, browser } = await freshBrowser('folder');
    const options = await browser.openPage('extension-ui/options.html');
    await chooseFolderMode(options);
    expect((await locationView(options)).folder).toBe('none chosen yet');
    // The real button: headless Chromium's picker dialog cancels at once; the page says so.
    await clickButton(options, 'Choose folder');
    await waitForLocation(options, (v) => v.message === 'No folder chosen.', 5_000, 'the cancelled picker');
    await dropFolder(options, picked);
    await waitForLocation(options, (v) => v.folder === basename(picked) && v.access === 'granted' && !v.grantButton, 5_000, 'the dropped folder, writable');

    const popup = await browser.openPage('extension-ui/popup.html');
    await addByTyping(popup, torrent.magnet([suite.tracker.udpUrl]));
    await waitForRow(popup, (r) => r.infoHash === torrent.infoHash && r.state === 'seeding', 90_000, 'the torrent to complete');
    await until(async () => (await deliveryOf(popup, torrent.infoHash)).state === 'delivered', 30_000, 'the row to say delivered');

    const out = join(picked, 'te-fold-multi');
    expect(await listTree(out)).toEqual(['first (1).bin', 'first.bin', 'sub/deeper/small.txt', 'sub/second.bin']);
    expect(await readFile(join(out, 'first.bin'), 'utf8')).toBe('an unrelated file the user had there');
    expect(await sha256File(join(out, 'first (1).bin'))).toBe(await sha256File(join(root, 'first.bin')));
    for (const file of LAYOUT.slice(1)) expect(await sha256File(join(out, ...file.path.split('/')))).toBe(await sha256File(join(root, ...file.path.split('/'))));
    expect(await readdir(profile.downloads), 'nothing went to Downloads').toEqual([]);
    expect(browser.pageErrors).toEqual([]);
    await seeder.proc.stop();
  }, 180_000);
});

describe('extension: a folder without write permission', () => {
  const SIZE = 3 * 1024 * 1024 + 77;
  let lapseProfile: Profile;
  let lapseBrowser: ExtensionBrowser;
  let lapseFolder: string;

  it('waits as "needs folder access", survives a refused grant, and delivers once the folder is handed over again', async () => {
    const src = await suite.ws.dir('lapse-src');
    const file = await makeSingleFile(src, 'te fold lapse.bin', SIZE);
    const torrent = await makeTorrent({ target: file, output: join(suite.ws.root, 'lapse.torrent'), trackers: [suite.tracker.udpUrl], pieceSizeLog2: 16 });
    const seeder = await startLibtorrentSeeder({ name: 'lt-seed-lapse', logDir: suite.ws.logDir, save: src, torrent: torrent.path, trackers: [suite.tracker.udpUrl] });
    const picked = await suite.ws.dir('lapse-folder');

    // --deny-permission-prompts: Chromium answers "Let site edit files?" with a refusal, as a
    // user clicking "Don't allow" would (an unanswered prompt hangs headless Chromium).
    const { profile, browser } = await freshBrowser('lapse', ['--deny-permission-prompts']);
    lapseProfile = profile;
    lapseBrowser = browser;
    lapseFolder = picked;
    let options = await browser.openPage('extension-ui/options.html');
    await chooseFolderMode(options);
    await dropFolder(options, picked);
    await waitForLocation(options, (v) => v.access === 'granted', 5_000, 'the dropped folder, writable');
    await options.close();
    // Chromium takes a folder's permission back when the extension's last page closes.
    await new Promise((r) => setTimeout(r, 2_000));

    const popup = await browser.openPage('extension-ui/popup.html');
    await addByTyping(popup, torrent.magnet([suite.tracker.udpUrl]));
    await waitForRow(popup, (r) => r.infoHash === torrent.infoHash && r.state === 'seeding', 90_000, 'the torrent to complete');
    await until(async () => (await deliveryOf(popup, torrent.infoHash)).state === 'needs-access', 20_000, 'the row to say it needs folder access');
    expect((await deliveryOf(popup, torrent.infoHash)).text).toContain('Needs folder access');
    expect(await readdir(picked)).toEqual([]);
    expect(await readdir(profile.downloads), 'no silent fallback to Downloads').toEqual([]);

    options = await browser.openPage('extension-ui/options.html');
    const lapsed = await waitForLocation(options, (v) => v.mode === 'folder' && v.access === 'prompt', 10_000, 'the lapsed permission');
    expect(lapsed.grantButton).toBe(true);
    expect(await options.$eval(`.folder-waiting li[data-infohash="${torrent.infoHash}"]`, (li) => li.getAttribute('data-delivery'))).toBe('needs-access');
    await clickButton(options, 'Grant access again');
    await waitForLocation(options, (v) => v.access === 'denied' && v.message.startsWith('Access was not granted'), 10_000, 'the refused grant');
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await readdir(picked)).toEqual([]);
    expect((await deliveryOf(popup, torrent.infoHash)).state).toBe('needs-access');

    // Handing the folder over again (as picking it would) lets the waiting torrent through.
    await dropFolder(options, picked);
    await waitForLocation(options, (v) => v.access === 'granted', 5_000, 'the folder, writable again');
    await waitForDownloadedFile(join(picked, 'te fold lapse.bin'), SIZE, 30_000);
    expect(await sha256File(join(picked, 'te fold lapse.bin'))).toBe(await sha256File(file));
    await until(async () => (await deliveryOf(popup, torrent.infoHash)).state === 'delivered', 10_000, 'the row to say delivered');
    expect(await readdir(profile.downloads)).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
    await seeder.proc.stop();
  }, 180_000);

  it('after a browser restart the folder is remembered and asks for access again (no persistent grant without the prompt)', async () => {
    expect(lapseBrowser, 'needs the previous test').toBeDefined();
    await lapseBrowser.kill();
    const again = await launchBrowser(lapseProfile, ['--deny-permission-prompts']);
    suite.browsers.push(again);
    const options = await again.openPage('extension-ui/options.html');
    const view = await waitForLocation(options, (v) => v.mode === 'folder' && v.access !== '', 10_000, 'the remembered folder');
    expect(view).toMatchObject({ folder: basename(lapseFolder), access: 'prompt', grantButton: true });
    expect(again.pageErrors).toEqual([]);
  }, 60_000);
});
