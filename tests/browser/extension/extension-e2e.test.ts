// The extension end to end, in real Chromium with the real native host, against libtorrent on
// 127.0.0.1 (DESIGN: "The extension's contract"): add by typing a magnet in the popup, files in
// Downloads as <name> / <name>/<path>, seeding through the relay's listening socket, and a
// browser killed mid-download that resumes by itself with no page open.
import { describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compareTrees, makeMultiFile, makeSingleFile, sha256File } from '../../interop/harness/data.js';
import { startLibtorrentLeecher, startLibtorrentSeeder } from '../../interop/harness/libtorrent.js';
import { describeTorrent, makeTorrent } from '../../interop/harness/make-torrent.js';
import type { Proc } from '../../interop/harness/processes.js';
import { extensionSuite } from './harness/suite.js';
import { installHost, launchBrowser, makeProfile, type ExtensionBrowser, type Profile } from './harness/extension-browser.js';
import { until, waitForDownloadedFile } from './harness/files.js';
import { addByTyping, opfsDigest, waitForRow } from './harness/popup.js';

const suite = extensionSuite('extension');

async function freshBrowser(label: string): Promise<{ profile: Profile; browser: ExtensionBrowser }> {
  const profile = await makeProfile(label);
  suite.profiles.push(profile);
  await installHost(profile);
  const browser = await launchBrowser(profile);
  suite.browsers.push(browser);
  return { profile, browser };
}

/** The seeder's payload uploaded so far, from its latest progress line. */
function uploaded(seeder: Proc): number {
  const progress = seeder.jsonLines().filter((e) => e.type === 'progress');
  return Number(progress[progress.length - 1]?.uploaded ?? 0);
}

describe('extension: download, deliver, seed', () => {
  const SIZE = 5 * 1024 * 1024 + 12_345;
  let browser: ExtensionBrowser;
  let src: string;
  let torrentPath: string;
  let infoHash: string;
  let seederPort: number;

  it('a magnet typed into the popup downloads; the file lands in Downloads/<name> and in OPFS, byte-identical', async () => {
    src = await suite.ws.dir('single-src');
    const file = await makeSingleFile(src, 'te ext single.bin', SIZE);
    const torrent = await makeTorrent({ target: file, output: join(suite.ws.root, 'single.torrent'), trackers: [suite.tracker.udpUrl], pieceSizeLog2: 16 });
    torrentPath = torrent.path;
    infoHash = torrent.infoHash;
    const seeder = await startLibtorrentSeeder({ name: 'lt-seed-single', logDir: suite.ws.logDir, save: src, torrent: torrent.path, trackers: [suite.tracker.udpUrl] });
    seederPort = seeder.port;

    const fresh = await freshBrowser('single');
    browser = fresh.browser;
    const popup = await browser.openPage('extension-ui/popup.html');
    await addByTyping(popup, torrent.magnet([suite.tracker.udpUrl]));
    // The dn= name is visible at once, before the metadata.
    await waitForRow(popup, (r) => r.name === 'te ext single.bin', 5_000, 'the dn name in the list');
    await waitForRow(popup, (r) => r.infoHash === infoHash && r.state === 'seeding', 90_000, 'the torrent to complete');

    const delivered = join(fresh.profile.downloads, 'te ext single.bin');
    await waitForDownloadedFile(delivered, SIZE, 30_000);
    expect(await sha256File(delivered)).toBe(await sha256File(file));
    expect(await opfsDigest(popup, infoHash, 'te ext single.bin')).toEqual({ size: SIZE, sha256: await sha256File(file) });
    expect(browser.pageErrors).toEqual([]);
    await seeder.proc.stop();
  }, 150_000);

  it('seeds: a libtorrent leecher downloads from the extension by connecting to its announced port', async () => {
    expect(browser, 'needs the previous test').toBeDefined();
    // The extension announced its real listening port (the relay's listening socket).
    const announce = await suite.tracker.waitForAnnounce((a) => a.infoHash === infoHash && a.port !== seederPort && a.event !== 'stop', 10_000);
    // The leecher knows no tracker, only that address, so the extension cannot dial it: every
    // byte comes over the connection the leecher opened to the extension.
    const bare = join(suite.ws.root, 'single-no-suite.tracker.torrent');
    await writeFile(bare, withoutTrackers(await readFile(torrentPath)));
    expect((await describeTorrent(bare)).infoHash).toBe(infoHash);
    const out = await suite.ws.dir('single-leech');
    const leecher = await startLibtorrentLeecher({
      name: 'lt-leech-single', logDir: suite.ws.logDir, save: out, torrent: bare, peers: [`127.0.0.1:${announce.port}`], timeoutSeconds: 90,
    });
    await leecher.proc.waitForLine('DONE', 90_000, 'stdout');
    expect(await compareTrees(join(src, 'te ext single.bin'), join(out, 'te ext single.bin'))).toEqual([]);
    expect(leecher.proc.stderrLines.filter((l) => l.includes('incoming_connection_alert')), 'connections the leecher accepted').toEqual([]);
  }, 120_000);
});

/** The same torrent (same info dict, same infohash) with no announce list. */
function withoutTrackers(torrent: Uint8Array): Uint8Array {
  // mktorrent writes keys sorted and no url-list here, so `info` is the last key.
  const at = Buffer.from(torrent).lastIndexOf('4:info');
  return Buffer.concat([Buffer.from('d4:info'), Buffer.from(torrent.subarray(at + 6))]);
}

describe('extension: a browser killed mid-download', () => {
  const LAYOUT = [
    { path: 'first.bin', size: 9 * 1024 * 1024 + 3 },
    { path: 'sub/second.bin', size: 13 * 1024 * 1024 + 101 },
    { path: 'sub/deeper/small.txt', size: 7 },
  ];
  const TOTAL = LAYOUT.reduce((n, f) => n + f.size, 0);

  it('comes back with no page open, resumes from verified pieces and delivers <name>/<path> byte-identical', async () => {
    const src = await suite.ws.dir('multi-src');
    const root = await makeMultiFile(src, 'te-ext-multi', LAYOUT);
    const torrent = await makeTorrent({ target: root, output: join(suite.ws.root, 'multi.torrent'), trackers: [suite.tracker.udpUrl], pieceSizeLog2: 18 });
    const seeder = await startLibtorrentSeeder({
      name: 'lt-seed-multi', logDir: suite.ws.logDir, save: src, torrent: torrent.path, trackers: [suite.tracker.udpUrl], uploadLimit: 2 * 1024 * 1024,
    });

    const { profile, browser: first } = await freshBrowser('resume');
    const popup = await first.openPage('extension-ui/popup.html');
    await addByTyping(popup, torrent.magnet([suite.tracker.udpUrl]));
    await waitForRow(popup, (r) => r.name === 'te-ext-multi', 5_000, 'the dn name in the list');
    await until(() => uploaded(seeder.proc) >= TOTAL * 0.4, 60_000, '40% uploaded by the seeder');
    // Resume data is written at most ~2 s after a piece completes: let the last ones land.
    await new Promise((r) => setTimeout(r, 2_500));
    await first.kill();
    const uploadedBefore = uploaded(seeder.proc);

    const second = await launchBrowser(profile); // no page opened: the service worker restarts the engine
    suite.browsers.push(second);
    for (const file of LAYOUT) {
      await waitForDownloadedFile(join(profile.downloads, 'te-ext-multi', ...file.path.split('/')), file.size, 90_000);
    }
    expect(await compareTrees(root, join(profile.downloads, 'te-ext-multi'))).toEqual([]);
    await new Promise((r) => setTimeout(r, 1_200)); // one more progress line from the seeder
    const fetchedAgain = uploaded(seeder.proc) - uploadedBefore;
    expect(fetchedAgain, `after the restart the seeder sent ${fetchedAgain} of ${TOTAL} bytes`).toBeLessThan(TOTAL * 0.8);
    await seeder.proc.stop();
  }, 200_000);
});
