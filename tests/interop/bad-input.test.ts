// Bad input through the CLI (DESIGN: non-zero exit within seconds, one clear line on stderr,
// no stack trace), and `info` agreeing with mktorrent's infohash.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeSingleFile } from './harness/data.js';
import { makeTorrent } from './harness/make-torrent.js';
import { spawnProcess } from './harness/processes.js';
import { CLI, assertCliBuilt } from './harness/torrentedge.js';
import { createWorkspace, type Workspace } from './harness/workspace.js';

let ws: Workspace;

beforeAll(async () => {
  assertCliBuilt();
  ws = await createWorkspace('bad-input');
});

afterAll(async () => {
  await ws?.cleanup();
});

let counter = 0;
async function runCli(args: string[], timeoutMs = 5_000) {
  const proc = spawnProcess(`cli-${++counter}`, process.execPath, [CLI, ...args], { logDir: ws.logDir });
  const started = Date.now();
  const exit = await proc.waitForExit(timeoutMs);
  return { proc, exit, ms: Date.now() - started };
}

async function expectCleanFailure(args: string[]): Promise<void> {
  const { proc, exit, ms } = await runCli([...args, '--no-dht', '--state-dir', await ws.dir(`state-${counter}`)]);
  const stderr = proc.stderrLines.filter((l) => l.trim() !== '');
  expect(exit.code, proc.tail()).not.toBe(0);
  expect(exit.code, 'an exit code, not a signal').not.toBeNull();
  expect(ms).toBeLessThan(5_000);
  expect(stderr, 'exactly one line on stderr').toHaveLength(1);
  expect(stderr[0], 'no stack trace').not.toMatch(/^\s+at |Error: .*\n\s+at /);
}

describe('bad input through the CLI', () => {
  it('a garbage .torrent: non-zero exit within 5 s, one stderr line', async () => {
    const path = join(ws.root, 'garbage.torrent');
    await writeFile(path, randomBytes(4096));
    await expectCleanFailure(['download', path, '-o', await ws.dir('out-garbage')]);
  }, 20_000);

  it('a truncated .torrent: non-zero exit within 5 s, one stderr line', async () => {
    const src = await ws.dir('src');
    const file = await makeSingleFile(src, 'cut.bin', 300_000);
    const torrent = await makeTorrent({ target: file, output: join(ws.root, 'whole.torrent'), trackers: ['http://127.0.0.1:9/announce'] });
    const bytes = await readFile(torrent.path);
    const path = join(ws.root, 'cut.torrent');
    await writeFile(path, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expectCleanFailure(['download', path, '-o', await ws.dir('out-cut')]);
  }, 20_000);

  it('a bencoded integer with a leading zero is refused (BEP 3 strictness)', async () => {
    const path = join(ws.root, 'leading-zero.torrent');
    await writeFile(path, 'd8:announce22:http://127.0.0.1:9/ann4:infod6:lengthi05e4:name1:a12:piece lengthi16384e6:pieces20:aaaaaaaaaaaaaaaaaaaaee');
    await expectCleanFailure(['download', path, '-o', await ws.dir('out-zero')]);
  }, 20_000);

  it('a bad magnet: non-zero exit within 5 s, one stderr line', async () => {
    await expectCleanFailure(['download', 'magnet:?xt=urn:btih:not-a-hash&dn=x', '-o', await ws.dir('out-magnet')]);
  }, 20_000);

  it('a missing .torrent file: non-zero exit within 5 s, one stderr line', async () => {
    await expectCleanFailure(['download', join(ws.root, 'does-not-exist.torrent'), '-o', await ws.dir('out-missing')]);
  }, 20_000);

  it('`info` prints the same infohash as mktorrent made', async () => {
    const src = await ws.dir('info-src');
    const file = await makeSingleFile(src, 'info.bin', 100_000);
    const torrent = await makeTorrent({ target: file, output: join(ws.root, 'info.torrent'), trackers: ['http://127.0.0.1:9/announce'] });
    const { proc, exit } = await runCli(['info', torrent.path]);
    expect(exit, proc.tail()).toEqual({ code: 0, signal: null });
    expect(proc.stdoutLines.join('\n')).toMatch(new RegExp(`infohash:\\s*${torrent.infoHash}`, 'i'));
  }, 20_000);
});
