// Hybrid torrents (BEP 52 + v1) made by our `create --hybrid`, checked by real libtorrent 2.0:
// it loads them with our two infohashes, rechecks our data as complete (v1 piece hashes AND v2
// merkle roots and piece layers), makes the same torrent from the same folder, and downloads it
// from our `seed`; and we download a hybrid from a libtorrent seeder, padding never on disk.
import { execFile } from 'node:child_process';
import { cp, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareTrees, makeMultiFile, makeSingleFile, type FileSpec } from './harness/data.js';
import { PYTHON, startLibtorrentLeecher, startLibtorrentSeeder } from './harness/libtorrent.js';
import { CLI, assertCliBuilt, events, startOurDownload, startOurSeeder } from './harness/torrentedge.js';
import { createWorkspace, type Workspace } from './harness/workspace.js';

const run = promisify(execFile);
const LT_HYBRID = fileURLToPath(new URL('./peers/lt_hybrid.py', import.meta.url));
const PIECE = 64 * 1024;

/** An empty file, files smaller than a piece, files not piece-aligned, one exactly aligned, nesting, non-ASCII. */
const LAYOUT: readonly FileSpec[] = [
  { path: 'a.bin', size: 1_000_003 },
  { path: 'empty.txt', size: 0 },
  { path: 'small.txt', size: 1000 },
  { path: 'sub/aligned.bin', size: 4 * PIECE },
  { path: 'sub/b.bin', size: 3_000_001 },
  { path: 'sub/été.dat', size: 70_000 },
  { path: 'sub.txt', size: 7 },
];

interface Hashes {
  v1: string;
  v2: string;
  hasV1: boolean;
  hasV2: boolean;
}

async function lt<T>(...args: string[]): Promise<T> {
  const { stdout } = await run(PYTHON, [LT_HYBRID, ...args], { timeout: 90_000 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as T;
}

async function cli(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [CLI, ...args], { timeout: 60_000 });
  return stdout;
}

let ws: Workspace;
let src: string;
let root: string;
let ours: string;
let oursHashes: { v1: string; v2: string };

beforeAll(async () => {
  assertCliBuilt();
  ws = await createWorkspace('hybrid');
  src = await ws.dir('src');
  root = await makeMultiFile(src, 'hybrid', LAYOUT);
  ours = join(ws.root, 'ours.torrent');
  const out = await cli('create', '--hybrid', root, '--piece-length', '64K', '-o', ours);
  oursHashes = {
    v1: /^infohash: ([0-9a-f]{40})$/m.exec(out)![1]!,
    v2: /^infohash v2: ([0-9a-f]{64})$/m.exec(out)![1]!,
  };
}, 120_000);

afterAll(async () => {
  await ws?.cleanup();
});

describe('our hybrid .torrent in libtorrent 2.0', () => {
  it('libtorrent loads it as hybrid with our v1 and v2 infohashes; info --json agrees', async () => {
    expect(await lt<Hashes>('hashes', ours)).toEqual({ ...oursHashes, hasV1: true, hasV2: true });
    const info = JSON.parse(await cli('info', '--json', ours)) as { infoHash: string; infoHashV2: string; magnet: string };
    expect(info.infoHash).toBe(oursHashes.v1);
    expect(info.infoHashV2).toBe(oursHashes.v2);
    expect(info.magnet).toContain(`xt=urn:btmh:1220${oursHashes.v2}`);
    // Our magnet reads back in libtorrent with both hashes, and is the one libtorrent writes (no trackers here).
    expect(await lt('parse-magnet', info.magnet)).toEqual({ v1: oursHashes.v1, v2: oursHashes.v2 });
    expect(await lt('magnet', ours)).toEqual({ magnet: info.magnet });
  }, 60_000);

  it('libtorrent rechecks our data against it as complete (v1 pieces and v2 merkle roots and piece layers)', async () => {
    expect(await lt('recheck', ours, src)).toMatchObject({ complete: true, error: '' });
  }, 90_000);

  it('control: the recheck fails when one v2 pieces root is wrong (v1 part untouched), or one byte of data is', async () => {
    const tampered = join(ws.root, 'tampered.torrent');
    await lt('tamper', ours, tampered, 'small.txt');
    expect(await lt('recheck', tampered, src)).toMatchObject({ complete: false });
    const copy = await ws.dir('corrupt');
    await cp(root, join(copy, 'hybrid'), { recursive: true });
    await writeFile(join(copy, 'hybrid', 'sub', 'été.dat'), Buffer.alloc(70_000, 1));
    expect(await lt('recheck', ours, copy)).toMatchObject({ complete: false });
  }, 90_000);

  it('libtorrent makes the same hybrid torrent of the same folder: same v1 and v2 infohashes', async () => {
    const theirs = join(ws.root, 'theirs.torrent');
    expect(await lt<Hashes>('create', root, String(PIECE), theirs)).toEqual({ ...oursHashes, hasV1: true, hasV2: true });
    // And our parser reads libtorrent's with the same two hashes.
    const info = JSON.parse(await cli('info', '--json', theirs)) as { infoHash: string; infoHashV2: string };
    expect([info.infoHash, info.infoHashV2]).toEqual([oursHashes.v1, oursHashes.v2]);
  }, 90_000);

  it('single file: same infohashes as libtorrent, no padding', async () => {
    const file = await makeSingleFile(await ws.dir('single'), 'one.bin', 300_001);
    const mine = join(ws.root, 'one.torrent');
    const out = await cli('create', '--hybrid', file, '--piece-length', '16K', '-o', mine);
    const theirs = await lt<Hashes>('create', file, '16384', join(ws.root, 'one-lt.torrent'));
    expect(out).toContain(`infohash: ${theirs.v1}`);
    expect(out).toContain(`infohash v2: ${theirs.v2}`);
    const info = JSON.parse(await cli('info', '--json', mine)) as { files: { padding: boolean }[]; multiFile: boolean };
    expect(info.multiFile).toBe(false);
    expect(info.files.some((f) => f.padding)).toBe(false);
  }, 90_000);
});

describe('hybrid swarms over v1', () => {
  it('libtorrent downloads our hybrid torrent from our seed, byte-identical, no padding files on disk', async () => {
    const seeder = await startOurSeeder({ name: 'ours-seed-hybrid', logDir: ws.logDir, torrent: ours, dir: src, stateDir: await ws.dir('state-seed') });
    const out = await ws.dir('lt-out');
    const leecher = await startLibtorrentLeecher({ name: 'lt-from-ours-hybrid', logDir: ws.logDir, save: out, torrent: ours, peers: [seeder.address], timeoutSeconds: 80 });
    const exit = await leecher.proc.waitForExit(90_000);
    expect(exit, `${leecher.proc.tail()}\n${seeder.proc.tail()}`).toEqual({ code: 0, signal: null });
    expect(await compareTrees(root, join(out, 'hybrid'))).toEqual([]);
    await seeder.proc.stop();
  }, 120_000);

  it('we download a hybrid torrent from a libtorrent seeder, byte-identical, padding never written', async () => {
    const theirs = join(ws.root, 'theirs-seeded.torrent');
    await lt('create', root, String(PIECE), theirs);
    const seeder = await startLibtorrentSeeder({ name: 'lt-seed-hybrid', logDir: ws.logDir, save: src, torrent: theirs, keepSeeding: true });
    const out = await ws.dir('ours-out');
    const leecher = await startOurDownload({ name: 'ours-from-lt-hybrid', logDir: ws.logDir, source: theirs, out, stateDir: await ws.dir('state-dl'), peers: [seeder.address] });
    const exit = await leecher.proc.waitForExit(90_000);
    expect(exit, `${leecher.proc.tail()}\n${seeder.proc.tail()}`).toEqual({ code: 0, signal: null });
    expect(await compareTrees(root, join(out, 'hybrid'))).toEqual([]);
    expect(await readdir(out)).toEqual(['hybrid']);
    // BEP 47: blocks wholly inside padding are never requested. Over the wire go the content and,
    // where a file ends inside a block, that block's padded tail: at most a block per file.
    const content = LAYOUT.reduce((sum, f) => sum + f.size, 0);
    const bound = content + LAYOUT.length * 16384;
    const info = JSON.parse(await cli('info', '--json', theirs)) as { totalLength: number; files: { length: number; padding: boolean }[] };
    const padding = info.files.filter((f) => f.padding).reduce((sum, f) => sum + f.length, 0);
    expect(padding).toBeGreaterThan(bound - content); // else this test could not tell the difference
    const done = events(leecher.proc, 'done').pop();
    const downloaded = Number(done?.downloaded);
    expect(downloaded).toBeGreaterThanOrEqual(content);
    expect(downloaded).toBeLessThanOrEqual(bound);
    // libtorrent's own count of payload it sent us (its progress line, once a second).
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const uploaded = Number(seeder.proc.jsonLines().filter((e) => e.type === 'progress').pop()?.uploaded);
    expect(uploaded).toBeGreaterThanOrEqual(content);
    expect(uploaded).toBeLessThanOrEqual(bound);
    await seeder.proc.stop();
  }, 120_000);
});
