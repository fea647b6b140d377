// Crash campaign in the browser (issue 6): during one extension download from a throttled
// libtorrent seeder, SIGKILL Chromium 5 times (relaunched on the same user-data-dir, no page
// opened: the service worker brings the engine back), and separately SIGKILL the native host 5
// times (the service worker notices, starts a new host, and the torrent goes on with no user
// action). Each time the download must resume from IndexedDB resume data and OPFS and finish
// byte-identical in Downloads/<name>/<path>; what the seeder sent in total, against the size,
// shows verified pieces were not fetched again.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { compareTrees, makeMultiFile } from '../../interop/harness/data.js';
import { startLibtorrentSeeder, type LibtorrentPeer } from '../../interop/harness/libtorrent.js';
import { makeTorrent } from '../../interop/harness/make-torrent.js';
import type { Proc } from '../../interop/harness/processes.js';
import { extensionSuite } from './harness/suite.js';
import { installHost, launchBrowser, makeProfile, type ExtensionBrowser, type Profile } from './harness/extension-browser.js';
import { until, waitForDownloadedFile } from './harness/files.js';
import { hostPids } from './harness/host-process.js';
import { addByTyping, rows, waitForRow } from './harness/popup.js';

const KILLS = 5;
const RATE = 2 * 1024 * 1024;
const LAYOUT = [
  { path: 'a.bin', size: 10 * 1024 * 1024 + 11 },
  { path: 'dir/b.bin', size: 14 * 1024 * 1024 + 222 },
  { path: 'dir/c.txt', size: 3 },
];
const TOTAL = LAYOUT.reduce((n, f) => n + f.size, 0);

const suite = extensionSuite('ext-crash');

function uploaded(seeder: Proc): number {
  const progress = seeder.jsonLines().filter((e) => e.type === 'progress');
  return Number(progress[progress.length - 1]?.uploaded ?? 0);
}

async function swarm(label: string): Promise<{ root: string; magnet: string; seeder: LibtorrentPeer; name: string }> {
  const src = await suite.ws.dir(`${label}-src`);
  const name = `te-crash-${label}`;
  const root = await makeMultiFile(src, name, LAYOUT);
  const torrent = await makeTorrent({ target: root, output: join(suite.ws.root, `${label}.torrent`), trackers: [suite.tracker.udpUrl], pieceSizeLog2: 18 });
  const seeder = await startLibtorrentSeeder({ name: `lt-seed-${label}`, logDir: suite.ws.logDir, save: src, torrent: torrent.path, trackers: [suite.tracker.udpUrl], uploadLimit: RATE });
  return { root, magnet: torrent.magnet([suite.tracker.udpUrl]), seeder, name };
}

async function startDownload(label: string, magnet: string, name: string): Promise<{ profile: Profile; browser: ExtensionBrowser }> {
  const profile = await makeProfile(label);
  suite.profiles.push(profile);
  await installHost(profile);
  const browser = await launchBrowser(profile);
  suite.browsers.push(browser);
  const popup = await browser.openPage('extension-ui/popup.html');
  await addByTyping(popup, magnet);
  await waitForRow(popup, (r) => r.name === name, 5_000, 'the dn name in the list');
  await popup.close();
  return { profile, browser };
}

/** Random moment after the seeder's counter has moved `step` bytes past `from`; on a stall, what the popup shows. */
async function nextKillMoment(browser: ExtensionBrowser, seeder: Proc, step: number, what: string): Promise<void> {
  const from = uploaded(seeder);
  try {
    await until(() => uploaded(seeder) >= from + step, 90_000, what);
  } catch (error) {
    const popup = await browser.openPage('extension-ui/popup.html').catch(() => undefined);
    await new Promise((r) => setTimeout(r, 2_000));
    const shown = popup ? await rows(popup).catch((e: Error) => e.message) : 'no popup';
    throw new Error(`${(error as Error).message}; the popup shows ${JSON.stringify(shown)}; page errors ${JSON.stringify(browser.pageErrors)}`);
  }
  await new Promise((r) => setTimeout(r, Math.random() * 1_000));
  // The seeder has sent at least what the extension holds: the kill lands mid-download.
  expect(uploaded(seeder), `${what}: the download is (nearly) done already; the kills must land mid-download`).toBeLessThan(TOTAL * 0.9);
}

async function finishAndCompare(profile: Profile, root: string, name: string, seeder: Proc, label: string): Promise<void> {
  for (const file of LAYOUT) await waitForDownloadedFile(join(profile.downloads, name, ...file.path.split('/')), file.size, 120_000);
  expect(await compareTrees(root, join(profile.downloads, name))).toEqual([]);
  await new Promise((r) => setTimeout(r, 1_300)); // one more progress line from the seeder
  const sent = uploaded(seeder);
  console.log(`${label}: ${KILLS} kills; the seeder sent ${sent} bytes for ${TOTAL} (${(sent / TOTAL).toFixed(3)}x)`);
  // Each kill may cost the blocks in flight and unfinished pieces; starting over would cost TOTAL.
  expect(sent, `the seeder sent ${sent} of ${TOTAL} bytes`).toBeLessThan(TOTAL * 1.6);
}

describe('extension crash campaign', () => {
  it(`Chromium killed ${KILLS} times mid-download: each relaunch (same profile, no page) resumes, and the files arrive byte-identical`, async () => {
    const { root, magnet, seeder, name } = await swarm('browser');
    const start = await startDownload('crash-browser', magnet, name);
    let browser = start.browser;
    // A quarter of the torrent over the five kills (the seeder's counter also counts what each kill
    // makes it send again): the kills end well before the download does.
    const step = Math.floor(TOTAL / (KILLS * 4));
    for (let kill = 1; kill <= KILLS; kill++) {
      await nextKillMoment(browser, seeder.proc, step, `kill ${kill}: the seeder to send ${step} more bytes`);
      await browser.kill();
      browser = await launchBrowser(start.profile); // no page opened: the service worker restarts the engine
      suite.browsers.push(browser);
    }
    await finishAndCompare(start.profile, root, name, seeder.proc, 'browser kills');
    await seeder.proc.stop();
  }, 400_000);

  it(`the native host killed ${KILLS} times mid-download: a new host is started each time and the torrent goes on by itself`, async () => {
    const { root, magnet, seeder, name } = await swarm('host');
    const { profile, browser } = await startDownload('crash-host', magnet, name);
    // A quarter of the torrent over the five kills (the seeder's counter also counts what each kill
    // makes it send again): the kills end well before the download does.
    const step = Math.floor(TOTAL / (KILLS * 4));
    const killed: number[] = [];
    for (let kill = 1; kill <= KILLS; kill++) {
      await nextKillMoment(browser, seeder.proc, step, `kill ${kill}: the seeder to send ${step} more bytes`);
      const [pid] = await hostPids(browser.pid);
      expect(pid, `kill ${kill}: a native host is running`).toBeDefined();
      process.kill(pid!, 'SIGKILL');
      killed.push(pid!);
      await until(async () => (await hostPids(browser.pid)).some((p) => !killed.includes(p)), 30_000, `kill ${kill}: a new native host`);
    }
    await finishAndCompare(profile, root, name, seeder.proc, 'host kills');
    expect(browser.pageErrors).toEqual([]);
    await seeder.proc.stop();
  }, 400_000);
});
