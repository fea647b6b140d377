// Without the native host the extension still shows everything and loses nothing: the popup
// says how to install the host, a magnet added meanwhile is kept under its dn= name, bad input
// is refused at the field, and once the host is registered the torrent starts by itself; a host
// that dies later is restarted and the torrent goes on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { makeSingleFile, sha256File } from '../../interop/harness/data.js';
import { startLibtorrentLeecher, startLibtorrentSeeder } from '../../interop/harness/libtorrent.js';
import { makeTorrent } from '../../interop/harness/make-torrent.js';
import { startTracker, type Tracker } from '../../interop/harness/tracker.js';
import { createWorkspace, type Workspace } from '../../interop/harness/workspace.js';
import { ensureBuilt } from './harness/build.js';
import { installHost, launchBrowser, makeProfile, type ExtensionBrowser, type Profile } from './harness/extension-browser.js';
import { until, waitForDownloadedFile } from './harness/files.js';
import { hostPids } from './harness/host-process.js';
import { ADD_LABEL, addByTyping, rows, waitForRow } from './harness/popup.js';

let ws: Workspace;
let tracker: Tracker;
let profile: Profile;
let browser: ExtensionBrowser | undefined;

beforeAll(async () => {
  await ensureBuilt();
  ws = await createWorkspace('extension-nohost');
  tracker = await startTracker({ intervalMs: 2_000 });
  ws.onCleanup(() => tracker.close());
  profile = await makeProfile('nohost');
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await profile?.remove();
  await ws?.cleanup();
});

describe('extension without its native host', () => {
  it('shows the install command, keeps a magnet added meanwhile, refuses bad input at the field, and starts once the host is registered', async () => {
    const src = await ws.dir('src');
    const SIZE = 1024 * 1024 + 5;
    const file = await makeSingleFile(src, 'late-host.bin', SIZE);
    const torrent = await makeTorrent({ target: file, output: join(ws.root, 'late.torrent'), trackers: [tracker.udpUrl], pieceSizeLog2: 15 });
    const seeder = await startLibtorrentSeeder({ name: 'lt-seed-late', logDir: ws.logDir, save: src, torrent: torrent.path, trackers: [tracker.udpUrl] });

    browser = await launchBrowser(profile);
    const popup = await browser.openPage('extension-ui/popup.html');
    const banner = await popup.waitForSelector('[data-host-state="missing"]', { timeout: 15_000 });
    expect(await banner!.evaluate((el) => el.textContent)).toContain('npm run install-host');

    // The name is text: a name that looks like markup shows as written, and adds no element.
    const dn = 'late <b>host</b>';
    await addByTyping(popup, `magnet:?xt=urn:btih:${torrent.infoHash}&dn=${encodeURIComponent(dn)}&tr=${encodeURIComponent(tracker.udpUrl)}`);
    const row = await waitForRow(popup, (r) => r.infoHash === torrent.infoHash, 5_000, 'the kept torrent');
    expect(row.name).toBe(dn);
    expect(await popup.$$('.torrent-name b')).toHaveLength(0);

    // Bad input: reported at the field, the list unchanged.
    const before = await rows(popup);
    await addByTyping(popup, 'not a magnet');
    await popup.waitForSelector(`::-p-aria(${ADD_LABEL})[aria-invalid="true"]`, { timeout: 5_000 });
    const alert = await popup.$eval('[role="alert"]', (el) => el.textContent ?? '');
    expect(alert.length).toBeGreaterThan(10);
    expect((await rows(popup)).map((r) => r.infoHash)).toEqual(before.map((r) => r.infoHash));

    // Register the host: the service worker's retry finds it, and the kept torrent starts.
    await installHost(profile);
    await popup.waitForSelector('[data-host-state="missing"]', { hidden: true, timeout: 20_000 });
    await waitForRow(popup, (r) => r.infoHash === torrent.infoHash && r.state === 'seeding', 60_000, 'the kept torrent to complete');
    const delivered = join(profile.downloads, 'late-host.bin');
    await waitForDownloadedFile(delivered, SIZE, 30_000);
    expect(await sha256File(delivered)).toBe(await sha256File(file));
    await seeder.proc.stop();

    // The host dies: the service worker starts a new one, the engine reconnects through it and
    // announces again, and a leecher gets the data from the extension.
    const [hostPid] = await hostPids(browser.pid);
    expect(hostPid, 'the native host process').toBeDefined();
    const killedAt = Date.now();
    process.kill(hostPid!, 'SIGKILL');
    await until(async () => (await hostPids(browser!.pid)).some((pid) => pid !== hostPid), 20_000, 'a new native host');
    const again = await tracker.waitForAnnounce((a) => a.infoHash === torrent.infoHash && a.port !== seeder.port && a.at > killedAt && a.event !== 'stop', 30_000);
    const out = await ws.dir('leech');
    const leecher = await startLibtorrentLeecher({ name: 'lt-leech-late', logDir: ws.logDir, save: out, torrent: torrent.path, peers: [`127.0.0.1:${again.port}`], timeoutSeconds: 60 });
    await leecher.proc.waitForLine('DONE', 60_000, 'stdout');
    expect(await sha256File(join(out, 'late-host.bin'))).toBe(await sha256File(file));
  }, 150_000);
});
