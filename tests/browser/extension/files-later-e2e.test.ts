// Files chosen later, in real Chromium with the real extension, engine and native host, against
// libtorrent on 127.0.0.1:
// - a magnet added with "choose files later" whose metadata had not arrived when the browser was
//   killed, and then the engine restarted: the choice is kept, nothing is downloaded, and the file
//   chooser opens by itself once the metadata arrives;
// - a torrent delivered into the picked folder, then a file the user enables afterwards: it is
//   delivered too, beside the first ones, and nothing is delivered twice.
import { describe, expect, it } from 'vitest';
import { mkdir, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Page } from 'puppeteer';
import { makeMultiFile, sha256File } from '../../interop/harness/data.js';
import { startLibtorrentSeeder } from '../../interop/harness/libtorrent.js';
import { makeTorrent } from '../../interop/harness/make-torrent.js';
import type { Proc } from '../../interop/harness/processes.js';
import { extensionSuite } from './harness/suite.js';
import { openTab, saveNetworkSettings, selectTorrent } from './harness/dashboard.js';
import { installHost, launchBrowser, makeProfile } from './harness/extension-browser.js';
import { listTree, until, waitForDownloadedFile } from './harness/files.js';
import { chooseFolderMode, deliveryOf, dropFolder, waitForLocation } from './harness/options.js';
import { waitForRow } from './harness/popup.js';

const MiB = 1024 * 1024;

const suite = extensionSuite('files-later');

function uploaded(seeder: Proc): number {
  const progress = seeder.jsonLines().filter((e) => e.type === 'progress');
  return Number(progress[progress.length - 1]?.uploaded ?? 0);
}

async function clickText(p: Page, text: string): Promise<void> {
  const el = await p.waitForSelector(`::-p-text(${text})`, { timeout: 10_000 });
  await el!.click();
}

async function dialogOpen(p: Page): Promise<boolean> {
  return p.evaluate(() => document.querySelector('dialog.add-dialog')?.hasAttribute('open') ?? false);
}

describe('"choose files later" across restarts', () => {
  it('survives a browser kill and an engine restart before the metadata; the chooser opens when it arrives; only the chosen file comes', async () => {
    const layout = [
      { path: 'wanted.bin', size: 1 * MiB + 3 },
      { path: 'unwanted.bin', size: 3 * MiB + 9 },
    ];
    const src = await suite.ws.dir('later-src');
    const root = await makeMultiFile(src, 'te-later-magnet', layout);
    const torrent = await makeTorrent({ target: root, output: join(suite.ws.root, 'later.torrent'), trackers: [suite.tracker.udpUrl], pieceSizeLog2: 16 });
    const magnet = torrent.magnet([suite.tracker.udpUrl]);

    const profile = await makeProfile('files-later');
    suite.profiles.push(profile);
    await installHost(profile);
    let browser = await launchBrowser(profile);
    suite.browsers.push(browser);
    let page = await browser.openPage('extension-ui/dashboard.html');
    await page.setViewport({ width: 1100, height: 900 });

    // No seeder yet: the metadata cannot arrive.
    await clickText(page, 'Add torrent…');
    const input = await page.waitForSelector('::-p-aria(Magnet link or .torrent URL)', { timeout: 5_000 });
    await input!.type(magnet);
    await clickText(page, 'Continue');
    await page.waitForSelector(`.add-choose[data-infohash="${torrent.infoHash}"]`, { timeout: 15_000 });
    await waitForRow(page, (r) => r.infoHash === torrent.infoHash && r.state === 'metadata', 15_000, 'the magnet fetching metadata');
    // Kept in IndexedDB before the add answers; give the write a moment anyway, then crash.
    await new Promise((r) => setTimeout(r, 500));
    await browser.kill();

    browser = await launchBrowser(profile);
    suite.browsers.push(browser);
    // An engine restart as well (a network setting changed): the torrent comes back from the
    // engine's own record this time, if it wrote one, or from the saved source again.
    const options = await browser.openPage('extension-ui/options.html');
    expect(await saveNetworkSettings(options, { pex: false })).toMatch(/^Saved/);
    await options.close();
    page = await browser.openPage('extension-ui/dashboard.html');
    await page.setViewport({ width: 1100, height: 900 });
    await waitForRow(page, (r) => r.infoHash === torrent.infoHash && r.state === 'metadata', 60_000, 'the magnet back after the restarts');
    expect(await dialogOpen(page), 'no chooser before the metadata').toBe(false);

    const seeder = await startLibtorrentSeeder({ name: 'lt-seed-later', logDir: suite.ws.logDir, save: src, torrent: torrent.path, trackers: [suite.tracker.udpUrl] });
    // The chooser opens by itself with the files, every one unchecked.
    await page.waitForSelector(`dialog.add-dialog[open] .add-choose[data-infohash="${torrent.infoHash}"] input[aria-label="Download unwanted.bin"]`, { timeout: 90_000 });
    await new Promise((r) => setTimeout(r, 2_000));
    expect(uploaded(seeder.proc), 'payload before the choice').toBe(0);
    // Nothing is wanted yet, so the engine calls the torrent complete: the rows say what it waits for.
    const stateCell = `li.torrent[data-infohash="${torrent.infoHash}"] .cell-state`;
    expect(await page.$eval(stateCell, (el) => el.textContent)).toBe('Waiting for your choice of files');
    const popup = await browser.openPage('extension-ui/popup.html');
    const popupRow = `li.torrent[data-infohash="${torrent.infoHash}"]`;
    await popup.waitForSelector(`${popupRow} .torrent-state`, { timeout: 15_000 });
    expect(await popup.$eval(`${popupRow} .torrent-state`, (el) => el.textContent)).toBe('Waiting for your choice of files');
    expect(await popup.$(`${popupRow} ::-p-text(Choose files…)`)).not.toBeNull();
    await popup.close();
    await page.bringToFront();
    await page.click('dialog.add-dialog input[aria-label="Download unwanted.bin"]');
    await page.waitForFunction(() => document.querySelector('.add-size')?.textContent?.includes('1 of 2 files'), { timeout: 5_000 });
    await page.click('dialog.add-dialog .add-choose .dialog-actions button:not(.secondary)');
    await page.waitForFunction(() => !document.querySelector('dialog.add-dialog')?.hasAttribute('open'), { timeout: 10_000 });

    // Seeding again, now for the chosen file (the row said "seeding" before the choice too).
    await page.waitForFunction((sel: string) => document.querySelector(sel)?.textContent === 'Seeding', { timeout: 90_000 }, stateCell);
    await waitForRow(page, (r) => r.infoHash === torrent.infoHash && r.state === 'seeding', 90_000, 'the chosen file complete');
    const out = join(profile.downloads, 'te-later-magnet');
    await waitForDownloadedFile(join(out, 'wanted.bin'), layout[0]!.size, 30_000);
    expect(await sha256File(join(out, 'wanted.bin'))).toBe(await sha256File(join(root, 'wanted.bin')));
    expect(await readdir(out)).toEqual(['wanted.bin']);

    // The choice is made: a reload does not offer the chooser again.
    await page.reload();
    await waitForRow(page, (r) => r.infoHash === torrent.infoHash && r.state === 'seeding', 15_000, 'the row after a reload');
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await dialogOpen(page)).toBe(false);
    expect(browser.pageErrors).toEqual([]);
    await seeder.proc.stop();
  }, 240_000);
});

describe('files enabled after delivery', () => {
  it('a file enabled in a torrent already delivered into the picked folder is delivered too, once, beside the others', async () => {
    const layout = [
      { path: 'first.bin', size: 1 * MiB + 5 },
      { path: 'sub/second.bin', size: 2 * MiB + 11 },
      { path: 'sub/later.bin', size: 3 * MiB + 17 },
    ];
    const src = await suite.ws.dir('enable-src');
    const root = await makeMultiFile(src, 'te-enable-later', layout);
    const torrent = await makeTorrent({ target: root, output: join(suite.ws.root, 'enable.torrent'), trackers: [suite.tracker.udpUrl], pieceSizeLog2: 16 });
    const seeder = await startLibtorrentSeeder({ name: 'lt-seed-enable', logDir: suite.ws.logDir, save: src, torrent: torrent.path, trackers: [suite.tracker.udpUrl] });
    const picked = await suite.ws.dir('enable-folder');
    await mkdir(picked, { recursive: true });

    const profile = await makeProfile('files-enable', { allowFileEditing: true });
    suite.profiles.push(profile);
    await installHost(profile);
    const browser = await launchBrowser(profile);
    suite.browsers.push(browser);
    const options = await browser.openPage('extension-ui/options.html');
    await chooseFolderMode(options);
    await dropFolder(options, picked);
    await waitForLocation(options, (v) => v.folder === basename(picked) && v.access === 'granted', 5_000, 'the dropped folder, writable');

    const popup = await browser.openPage('extension-ui/popup.html');
    const page = await browser.openPage('extension-ui/dashboard.html');
    await page.setViewport({ width: 1100, height: 900 });
    await clickText(page, 'Add torrent…');
    const fileInput = await page.waitForSelector('#dialog-file', { timeout: 10_000 });
    await (fileInput as unknown as { uploadFile(path: string): Promise<void> }).uploadFile(torrent.path);
    await page.waitForSelector(`.add-choose[data-infohash="${torrent.infoHash}"]`, { timeout: 15_000 });
    await page.click('dialog.add-dialog input[aria-label="Download later.bin"]');
    await page.waitForFunction(() => document.querySelector('.add-size')?.textContent?.includes('2 of 3 files'), { timeout: 5_000 });
    await page.click('dialog.add-dialog .add-choose .dialog-actions button:not(.secondary)');
    await page.waitForFunction(() => !document.querySelector('dialog.add-dialog')?.hasAttribute('open'), { timeout: 10_000 });
    await waitForRow(page, (r) => r.infoHash === torrent.infoHash && r.state === 'seeding', 90_000, 'the two chosen files complete');
    await until(async () => (await deliveryOf(popup, torrent.infoHash)).state === 'delivered', 30_000, 'the first delivery');
    const out = join(picked, 'te-enable-later');
    expect(await listTree(out)).toEqual(['first.bin', 'sub/second.bin']);
    // Enable the third file in Details › Files.
    await selectTorrent(page, torrent.infoHash);
    await openTab(page, 'Files');
    await page.click('input[aria-label="Download later.bin"]');
    await waitForDownloadedFile(join(out, 'sub', 'later.bin'), layout[2]!.size, 90_000);
    await until(async () => (await deliveryOf(popup, torrent.infoHash)).state === 'delivered', 30_000, 'the second delivery done');
    expect(await listTree(out), 'the first files not copied again').toEqual(['first.bin', 'sub/later.bin', 'sub/second.bin']);
    for (const file of layout) expect(await sha256File(join(out, ...file.path.split('/'))), file.path).toBe(await sha256File(join(root, ...file.path.split('/'))));
    expect(await readdir(profile.downloads), 'nothing went to Downloads').toEqual([]);

    // An engine restart (a network setting changed) delivers nothing again.
    // In front: a click evaluated in a background tab here went unanswered (protocol timeout).
    await options.bringToFront();
    expect(await saveNetworkSettings(options, { pex: false })).toMatch(/^Saved/);
    await waitForRow(page, (r) => r.infoHash === torrent.infoHash && r.state === 'seeding', 30_000, 'seeding after the restart');
    await new Promise((r) => setTimeout(r, 3_000));
    expect(await listTree(out)).toEqual(['first.bin', 'sub/later.bin', 'sub/second.bin']);
    expect(browser.pageErrors).toEqual([]);
    await seeder.proc.stop();
  }, 240_000);
});
