// DESIGN: "DHT, PEX, uTP and encryption are on by default, as in libtorrent: a peer that
// insists on encryption, or speaks only uTP, is reached without any flag."
// None of these tests passes a transport or encryption flag to our client: the defaults must do.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { compareTrees, makeSingleFile } from './harness/data.js';
import { makeTorrent, type MadeTorrent } from './harness/make-torrent.js';
import { startLibtorrentLeecher, startLibtorrentSeeder } from './harness/libtorrent.js';
import { startOurDownload, startOurSeeder } from './harness/torrentedge.js';
import { createWorkspace, type Workspace } from './harness/workspace.js';


let ws: Workspace;
let src: string;
let torrent: MadeTorrent;
const SIZE = 2 * 1024 * 1024 + 3;

beforeAll(async () => {
  ws = await createWorkspace('transports');
  src = await ws.dir('src');
  const file = await makeSingleFile(src, 'transports.bin', SIZE);
  // No tracker: peers are given directly, so only the transport is under test.
  torrent = await makeTorrent({ target: file, output: join(ws.root, 'transports.torrent'), trackers: ['http://127.0.0.1:9/announce'], pieceSizeLog2: 16 });
});

afterAll(async () => {
  await ws?.cleanup();
});

async function downloadFrom(label: string, seederAddress: string): Promise<void> {
  const out = await ws.dir(`${label}-out`);
  const ours = await startOurDownload({ name: `ours-${label}`, logDir: ws.logDir, source: torrent.path, out, stateDir: await ws.dir(`${label}-state`), peers: [seederAddress] });
  const exit = await ours.proc.waitForExit(90_000);
  expect(exit, ours.proc.tail()).toEqual({ code: 0, signal: null });
  expect(await compareTrees(join(src, 'transports.bin'), join(out, 'transports.bin'))).toEqual([]);
}

describe('transports and encryption', () => {
  it('plaintext TCP against libtorrent with encryption disabled', async () => {
    const seeder = await startLibtorrentSeeder({ name: 'lt-seed-plain', logDir: ws.logDir, save: src, torrent: torrent.path, encryption: 'disabled' });
    await downloadFrom('plain', seeder.address);
    await seeder.proc.stop();
  }, 120_000);

  it('downloads from a libtorrent seeder that insists on encryption (MSE)', async () => {
    const seeder = await startLibtorrentSeeder({ name: 'lt-seed-forced', logDir: ws.logDir, save: src, torrent: torrent.path, encryption: 'forced' });
    await downloadFrom('forced', seeder.address);
    await seeder.proc.stop();
  }, 120_000);

  it('a libtorrent leecher that insists on encryption downloads from our seeder', async () => {
    const ours = await startOurSeeder({ name: 'ours-seed-forced', logDir: ws.logDir, torrent: torrent.path, dir: src, stateDir: await ws.dir('seed-forced-state') });
    const out = await ws.dir('lt-forced-out');
    const leecher = await startLibtorrentLeecher({ name: 'lt-leech-forced', logDir: ws.logDir, save: out, torrent: torrent.path, peers: [ours.address], encryption: 'forced', timeoutSeconds: 60 });
    const exit = await leecher.proc.waitForExit(70_000);
    expect(exit, `${leecher.proc.tail()}\n${ours.proc.tail()}`).toEqual({ code: 0, signal: null });
    expect(await compareTrees(join(src, 'transports.bin'), join(out, 'transports.bin'))).toEqual([]);
    await ours.proc.stop();
  }, 120_000);

  it('downloads from a libtorrent seeder that speaks only uTP', async () => {
    const seeder = await startLibtorrentSeeder({ name: 'lt-seed-utp', logDir: ws.logDir, save: src, torrent: torrent.path, transport: 'utp-only' });
    await downloadFrom('utp', seeder.address);
    await seeder.proc.stop();
  }, 120_000);
});
