// Rate limits against real peers (DESIGN: "--download-limit RATE and --upload-limit RATE cap
// payload rates … for every peer, local ones included, from the first byte: within a few
// percent on average, bursts of at most about a second's worth").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { compareTrees, makeSingleFile } from './harness/data.js';
import { makeTorrent, type MadeTorrent } from './harness/make-torrent.js';
import { startLibtorrentLeecher, startLibtorrentSeeder } from './harness/libtorrent.js';
import { startOurDownload, startOurSeeder } from './harness/torrentedge.js';
import { createWorkspace, type Workspace } from './harness/workspace.js';

const RATE = 2 * 1024 * 1024; // "2M"
const SIZE = 8 * 1024 * 1024;
// 8 MiB at 2 MiB/s is 4 s; a burst of one second's worth allows 3 s. Handshakes and the
// end of the run add a little on top (a process start too, for the leecher's own clock).
const MIN_SECONDS = (SIZE - RATE) / RATE - 0.2;
const MAX_SECONDS = (SIZE / RATE) * 1.1 + 2;

let ws: Workspace;
let src: string;
let file: string;
let torrent: MadeTorrent;

beforeAll(async () => {
  ws = await createWorkspace('limits');
  src = await ws.dir('src');
  file = await makeSingleFile(src, 'limited.bin', SIZE);
  torrent = await makeTorrent({ target: file, output: join(ws.root, 'limited.torrent'), trackers: ['http://127.0.0.1:9/announce'], pieceSizeLog2: 16 });
});

afterAll(async () => {
  await ws?.cleanup();
});

describe('rate limits with real peers on loopback', () => {
  it('--download-limit 2M from an unlimited libtorrent seeder takes about size / rate', async () => {
    const seeder = await startLibtorrentSeeder({ name: 'lt-seed-fast', logDir: ws.logDir, save: src, torrent: torrent.path });
    const out = await ws.dir('dl-out');
    const ours = await startOurDownload({
      name: 'ours-download-limit', logDir: ws.logDir, source: torrent.path, out, stateDir: await ws.dir('dl-state'),
      peers: [seeder.address], extra: ['--download-limit', '2M'],
    });
    await ours.proc.waitForLine(/"type"\s*:\s*"listening"/, 15_000, 'stdout');
    const started = Date.now();
    const exit = await ours.proc.waitForExit(60_000);
    const seconds = (Date.now() - started) / 1000;
    expect(exit, ours.proc.tail()).toEqual({ code: 0, signal: null });
    expect(await compareTrees(file, join(out, 'limited.bin'))).toEqual([]);
    expect(seconds, `took ${seconds} s`).toBeGreaterThanOrEqual(MIN_SECONDS);
    expect(seconds, `took ${seconds} s`).toBeLessThanOrEqual(MAX_SECONDS);
    await seeder.proc.stop();
  }, 90_000);

  it('seed --upload-limit 2M to an unlimited libtorrent leecher takes about size / rate', async () => {
    const ours = await startOurSeeder({ name: 'ours-upload-limit', logDir: ws.logDir, torrent: torrent.path, dir: src, stateDir: await ws.dir('ul-state'), extra: ['--upload-limit', '2M'] });
    const out = await ws.dir('ul-out');
    const leecher = await startLibtorrentLeecher({ name: 'lt-leech-limited', logDir: ws.logDir, save: out, torrent: torrent.path, peers: [ours.address], timeoutSeconds: 30 });
    const exit = await leecher.proc.waitForExit(40_000);
    expect(exit, `${leecher.proc.tail()}\n${ours.proc.tail()}`).toEqual({ code: 0, signal: null });
    const done = leecher.proc.jsonLines().find((e) => e.type === 'done');
    const seconds = Number(done?.seconds);
    expect(await compareTrees(file, join(out, 'limited.bin'))).toEqual([]);
    expect(seconds, `took ${seconds} s`).toBeGreaterThanOrEqual(MIN_SECONDS);
    expect(seconds, `took ${seconds} s`).toBeLessThanOrEqual(MAX_SECONDS);
    await ours.proc.stop();
  }, 90_000);
});

/** Payload rate our CLI reports (its --json `field`) over a window of at least `windowMs`, once past `skipBytes`. */
async function measuredRate(proc: { jsonLines(): Array<Record<string, unknown>> }, field: 'downloaded' | 'uploaded', skipBytes: number, windowMs: number, timeoutMs = 60_000): Promise<number> {
  const started = Date.now();
  let seen = 0;
  let first: { at: number; bytes: number } | undefined;
  while (Date.now() - started < timeoutMs) {
    const lines = proc.jsonLines().filter((e) => e.type === 'progress');
    // Timestamped on arrival: polled every 20 ms, a small error against a 10 s window.
    for (const line of lines.slice(seen)) {
      const at = Date.now();
      const bytes = Number(line[field]);
      if (!first) {
        if (bytes >= skipBytes) first = { at, bytes };
      } else if (at - first.at >= windowMs) {
        return ((bytes - first.bytes) * 1000) / (at - first.at);
      }
    }
    seen = lines.length;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no ${windowMs} ms window of ${field} within ${timeoutMs} ms`);
}

/** A schedule window around now ("HH:MM-HH:MM", local time as the CLI reads it). */
function windowAroundNow(): string {
  const now = new Date();
  const minutes = now.getHours() * 60 + now.getMinutes();
  const fmt = (m: number): string => {
    const x = ((m % 1440) + 1440) % 1440;
    return `${String(Math.floor(x / 60)).padStart(2, '0')}:${String(x % 60).padStart(2, '0')}`;
  };
  return `${fmt(minutes - 60)}-${fmt(minutes + 60)}`;
}

describe('rate limits measured over a 10 s window (within 5 %)', () => {
  const LIMIT = 1024 * 1024;
  const BIG = 20 * 1024 * 1024;
  let bigTorrent: MadeTorrent;
  let bigFile: string;
  let bigSrc: string;

  beforeAll(async () => {
    bigSrc = await ws.dir('big-src');
    bigFile = await makeSingleFile(bigSrc, 'window.bin', BIG);
    bigTorrent = await makeTorrent({ target: bigFile, output: join(ws.root, 'window.torrent'), trackers: ['http://127.0.0.1:9/announce'], pieceSizeLog2: 16 });
  });

  it('download: the alternative limit of an active schedule replaces --download-limit', async () => {
    const seeder = await startLibtorrentSeeder({ name: 'lt-seed-window', logDir: ws.logDir, save: bigSrc, torrent: bigTorrent.path });
    const ours = await startOurDownload({
      name: 'ours-alt-window', logDir: ws.logDir, source: bigTorrent.path, out: await ws.dir('window-dl'), stateDir: await ws.dir('window-dl-state'),
      peers: [seeder.address],
      extra: ['--download-limit', '8M', '--alt-download-limit', '1M', '--alt-schedule', windowAroundNow()],
    });
    const rate = await measuredRate(ours.proc, 'downloaded', 3 * LIMIT, 10_000);
    expect(rate / LIMIT, `${rate} B/s\n${ours.proc.tail()}`).toBeGreaterThan(0.95);
    expect(rate / LIMIT, `${rate} B/s`).toBeLessThan(1.05);
    await ours.proc.stop();
    await seeder.proc.stop();
  }, 90_000);

  it('upload: seed --upload-limit 1M to a libtorrent leecher', async () => {
    const ours = await startOurSeeder({ name: 'ours-upload-window', logDir: ws.logDir, torrent: bigTorrent.path, dir: bigSrc, stateDir: await ws.dir('window-ul-state'), extra: ['--upload-limit', '1M'] });
    const leecher = await startLibtorrentLeecher({ name: 'lt-leech-window', logDir: ws.logDir, save: await ws.dir('window-ul'), torrent: bigTorrent.path, peers: [ours.address], timeoutSeconds: 60 });
    const rate = await measuredRate(ours.proc, 'uploaded', 3 * LIMIT, 10_000);
    expect(rate / LIMIT, `${rate} B/s\n${ours.proc.tail()}`).toBeGreaterThan(0.95);
    expect(rate / LIMIT, `${rate} B/s`).toBeLessThan(1.05);
    await leecher.proc.stop();
    await ours.proc.stop();
  }, 90_000);
});
