// Real-world swarms in the extension (issue "Real-world swarms"), in real Chromium with the real
// native host, against libtorrent on 127.0.0.1: settings from the options page reach the engine
// (bad values refused at the field); a magnet with no tracker downloads through a private DHT
// over the relay's UDP; a uTP-only seeder is downloaded from over the relay's UDP; a seeder that
// requires encryption works; the dashboard's peers view shows each peer's source, transport and
// encryption; a settings change restarts the engine without losing a torrent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Page } from 'puppeteer';
import { makeSingleFile, sha256File } from '../../interop/harness/data.js';
import { startLibtorrentSeeder } from '../../interop/harness/libtorrent.js';
import { makeTorrent, type MadeTorrent } from '../../interop/harness/make-torrent.js';
import { startTracker, type Tracker } from '../../interop/harness/tracker.js';
import { createWorkspace, type Workspace } from '../../interop/harness/workspace.js';
import { ensureBuilt } from './harness/build.js';
import { installHost, launchBrowser, makeProfile, type ExtensionBrowser, type Profile } from './harness/extension-browser.js';
import { peerRows, saveNetworkSettings, showPeersOf, storedNetworkSettings, waitForPeerRow } from './harness/dashboard.js';
import { waitForDownloadedFile } from './harness/files.js';
import { addByTyping, rows, waitForRow } from './harness/popup.js';
import { startDhtSeeder, startPrivateDht, type PrivateDht } from './harness/private-dht.js';

const SIZE = 3 * 1024 * 1024 + 777;
/** Slow enough that the peer is still connected (and shown) while we look. */
const SLOW = 512 * 1024;

let ws: Workspace;
let tracker: Tracker;
let dht: PrivateDht;
let profile: Profile;
let browser: ExtensionBrowser;
let dashboard: Page;

beforeAll(async () => {
  await ensureBuilt();
  ws = await createWorkspace('extension-swarm');
  tracker = await startTracker({ intervalMs: 2_000 });
  ws.onCleanup(() => tracker.close());
  dht = await startPrivateDht();
  ws.onCleanup(() => dht.close());
  profile = await makeProfile('swarm');
  await installHost(profile);
  browser = await launchBrowser(profile);
  dashboard = await browser.openPage('extension-ui/dashboard.html');
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await profile?.remove();
  await ws?.cleanup();
});

async function payload(label: string, trackers: readonly string[], size = SIZE): Promise<{ dir: string; file: string; torrent: MadeTorrent }> {
  const dir = await ws.dir(`${label}-src`);
  const file = await makeSingleFile(dir, `${label}.bin`, size);
  // mktorrent wants an announce URL; the magnets below name only what each test allows.
  const torrent = await makeTorrent({ target: file, output: join(ws.root, `${label}.torrent`), trackers: trackers.length ? trackers : ['http://127.0.0.1:9/announce'], pieceSizeLog2: 16 });
  return { dir, file, torrent };
}

/** Waits for the torrent to seed; on timeout the message also shows its peers as the dashboard had them. */
async function waitSeeding(infoHash: string, timeoutMs: number, what: string): Promise<void> {
  try {
    await waitForRow(dashboard, (r) => r.infoHash === infoHash && r.state === 'seeding', timeoutMs, what);
  } catch (error) {
    throw new Error(`${(error as Error).message}; peers: ${JSON.stringify(await peerRows(dashboard).catch(() => []))}`);
  }
}

async function expectDelivered(name: string, original: string, size: number): Promise<void> {
  const delivered = join(profile.downloads, name);
  await waitForDownloadedFile(delivered, size, 60_000);
  expect(await sha256File(delivered)).toBe(await sha256File(original));
}

describe('extension: network settings and real-world swarms', () => {
  it('the options page refuses a bad port at the field, and stores the private DHT as bootstrap', async () => {
    const options = await browser.openPage('extension-ui/options.html');
    const refused = await saveNetworkSettings(options, { port: '70000' });
    expect(refused).toMatch(/not saved/i);
    expect(await options.$eval('#listen-port', (el) => el.getAttribute('aria-invalid'))).toBe('true');
    expect(await options.$eval('#port-error', (el) => el.textContent)).toMatch(/1 to 65535/);
    expect(await options.$eval('#dht-bootstrap', (el) => el.getAttribute('aria-invalid'))).toBe('false');

    const saved = await saveNetworkSettings(options, { port: '0', dhtBootstrap: `127.0.0.1:${dht.ports[0]}` });
    expect(saved).toMatch(/^Saved/);
    expect(await options.$eval('#listen-port', (el) => el.getAttribute('aria-invalid'))).toBe('false');
    expect(await storedNetworkSettings(options)).toMatchObject({
      dht: true, utp: true, pex: true, lsd: false, encryption: 'preferred', port: 0, dhtBootstrap: [{ host: '127.0.0.1', port: dht.ports[0] }],
    });
    await options.close();
    expect(browser.pageErrors).toEqual([]);
  }, 60_000);

  it('a magnet with no tracker downloads through the private DHT over the relay; the peer shows source DHT', async () => {
    const { dir, file, torrent } = await payload('dht-only', []);
    const seeder = await startDhtSeeder({ name: 'lt-dht-seed', logDir: ws.logDir, torrent: torrent.path, save: dir, bootstrap: dht.ports[0]!, uploadLimit: SLOW });
    await dht.waitForPeer(torrent.infoHash, seeder.port, 60_000);

    await addByTyping(dashboard, `magnet:?xt=urn:btih:${torrent.infoHash}&dn=dht-only.bin`);
    await showPeersOf(dashboard, torrent.infoHash);
    // The seeder finds us through the DHT too (we announce) and may dial us while we dial it;
    // libtorrent then closes one of the two ("duplicate peer-id"), maybe ours. The connection
    // left is the DHT peer either way: ours to its port, or its own naming that port (BEP 10 `p`).
    const peer = await waitForPeerRow(dashboard, (r) => r.cells[1]?.startsWith('lt_dht_seed/') === true && r.source === 'dht', 90_000, 'the DHT seeder in the peers view');
    expect(peer).toMatchObject({ source: 'dht', transport: 'tcp' });
    expect(peer.cells[2]).toBe('DHT');
    await waitSeeding(torrent.infoHash, 90_000, 'the DHT torrent to complete');
    await expectDelivered('dht-only.bin', file, SIZE);
    await seeder.proc.stop();
  }, 200_000);

  it('a uTP-only seeder found by the tracker is downloaded from over the relay UDP; the peer shows uTP', async () => {
    const { dir, file, torrent } = await payload('utp-only', [tracker.udpUrl]);
    const seeder = await startLibtorrentSeeder({
      name: 'lt-seed-utp-only', logDir: ws.logDir, save: dir, torrent: torrent.path, trackers: [tracker.udpUrl], transport: 'utp-only', uploadLimit: SLOW,
    });
    await addByTyping(dashboard, torrent.magnet([tracker.udpUrl]));
    await showPeersOf(dashboard, torrent.infoHash);
    const peer = await waitForPeerRow(dashboard, (r) => r.address === seeder.address, 90_000, 'the uTP-only seeder in the peers view');
    expect(peer).toMatchObject({ source: 'tracker', transport: 'utp' });
    expect(peer.cells[3]).toBe('uTP');
    await waitSeeding(torrent.infoHash, 90_000, 'the uTP torrent to complete');
    await expectDelivered('utp-only.bin', file, SIZE);
    await seeder.proc.stop();
  }, 200_000);



  it('uTP through the relay runs at a sane rate (32 MiB from a uTP-only libtorrent seeder)', async () => {
    // For comparison, bench/utp (libtorrent→ours over node:dgram, no relay) measured 21–34 MB/s here.
    const BIG = 32 * 1024 * 1024;
    const { dir, file, torrent } = await payload('utp-speed', [], BIG);
    const seeder = await startLibtorrentSeeder({ name: 'lt-seed-utp-speed', logDir: ws.logDir, save: dir, torrent: torrent.path, transport: 'utp-only' });
    const start = Date.now();
    await addByTyping(dashboard, `magnet:?xt=urn:btih:${torrent.infoHash}&dn=utp-speed.bin&x.pe=${seeder.address}`);
    await showPeersOf(dashboard, torrent.infoHash);
    await waitForPeerRow(dashboard, (r) => r.address === seeder.address && r.transport === 'utp', 60_000, 'the uTP connection');
    await waitSeeding(torrent.infoHash, 180_000, 'the uTP speed torrent to complete');
    const seconds = (Date.now() - start) / 1000;
    console.log(`uTP from libtorrent through the relay, 32 MiB: ${(BIG / seconds / 1e6).toFixed(1)} MB/s (${seconds.toFixed(1)} s from add to verified)`);
    expect(BIG / seconds, 'bytes/s over the relay').toBeGreaterThan(1e6);
    await expectDelivered('utp-speed.bin', file, BIG);
    await seeder.proc.stop();
  }, 240_000);

  it('with encryption set to required, a seeder that requires encryption (named in the magnet) is downloaded from; the peer shows encrypted TCP', async () => {
    // libtorrent "forced" with the default allowed_enc_level picks plaintext after the MSE
    // handshake when offered both (what our default "preferred" does): the payload would not be
    // encrypted. "Required" offers RC4 only, so the stream is encrypted end to end.
    const options = await browser.openPage('extension-ui/options.html');
    expect(await saveNetworkSettings(options, { encryption: 'required' })).toMatch(/^Saved/);
    await options.close();
    const { dir, file, torrent } = await payload('forced-enc', []);
    const seeder = await startLibtorrentSeeder({ name: 'lt-seed-forced', logDir: ws.logDir, save: dir, torrent: torrent.path, encryption: 'forced', uploadLimit: SLOW });
    await addByTyping(dashboard, `magnet:?xt=urn:btih:${torrent.infoHash}&dn=forced-enc.bin&x.pe=${seeder.address}`);
    await showPeersOf(dashboard, torrent.infoHash);
    const peer = await waitForPeerRow(dashboard, (r) => r.address === seeder.address, 90_000, 'the forced-encryption seeder in the peers view');
    expect(peer).toMatchObject({ source: 'manual', transport: 'tcp', encrypted: 'true' });
    expect(peer.cells[4]).toBe('Yes');
    await waitSeeding(torrent.infoHash, 90_000, 'the encrypted torrent to complete');
    await expectDelivered('forced-enc.bin', file, SIZE);
    await seeder.proc.stop();
  }, 200_000);

  it('a settings change restarts the engine: every torrent comes back and keeps seeding, the new settings in force', async () => {
    const before = (await rows(dashboard)).map((r) => r.infoHash).sort();
    expect(before).toHaveLength(4);
    const options = await browser.openPage('extension-ui/options.html');
    expect(await saveNetworkSettings(options, { encryption: 'allowed', utp: false })).toMatch(/^Saved/);
    expect(await storedNetworkSettings(options)).toMatchObject({ encryption: 'allowed', utp: false, dhtBootstrap: [{ host: '127.0.0.1', port: dht.ports[0] }] });
    // The form shows what the snapshot says is in force.
    await options.reload();
    await options.waitForSelector('#encryption');
    await options.waitForFunction(() => (document.querySelector('#encryption') as HTMLSelectElement | null)?.value === 'allowed', { timeout: 10_000 });
    expect(await options.$eval('input[name="utp"]', (el) => (el as HTMLInputElement).checked)).toBe(false);
    await options.close();
    for (const hex of before) await waitForRow(dashboard, (r) => r.infoHash === hex && r.state === 'seeding', 60_000, `torrent ${hex} seeding after the restart`);
    expect((await rows(dashboard)).map((r) => r.infoHash).sort()).toEqual(before);
    expect(browser.pageErrors).toEqual([]);
  }, 120_000);
});
