/**
 * End to end through the real Client over loopback TCP: these pass only once the session
 * (src/engine/session/client.ts) works. Kept, not skipped: they are the CLI's contract.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { requireBuild, runCli, startCli, tempDir, waitCli, waitForLine } from './helpers.js';

beforeAll(requireBuild);

const children: ReturnType<typeof startCli>[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function start(args: string[]): ReturnType<typeof startCli> {
  const child = startCli(args);
  children.push(child);
  return child;
}

async function sharedFolder(): Promise<{ dir: string; torrent: string; files: Record<string, Buffer> }> {
  const dir = await tempDir('te-e2e-');
  const share = join(dir, 'data', 'share');
  await mkdir(join(share, 'nested', 'deeper'), { recursive: true });
  const files: Record<string, Buffer> = {
    'a.txt': Buffer.from('hello torrent'),
    empty: Buffer.alloc(0),
    'nested/deeper/random.bin': Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 251)),
  };
  for (const [path, bytes] of Object.entries(files)) await writeFile(join(share, path), bytes);
  const torrent = join(dir, 'share.torrent');
  const created = await runCli(['create', share, '-o', torrent, '--piece-length', '16K']);
  expect(created.code, created.stderr).toBe(0);
  return { dir, torrent, files };
}

async function startSeeder(dir: string, torrent: string, extra: string[] = []): Promise<{ child: ReturnType<typeof startCli>; port: number }> {
  const child = start(['seed', torrent, join(dir, 'data'), '--port', '0', '--json', '--no-dht', '--state-dir', join(dir, 'seed-state'), ...extra]);
  const line = await waitForLine(child, (l) => l.includes('"listening"'));
  return { child, port: (JSON.parse(line) as { port: number }).port };
}

describe('create, seed, download over loopback (needs the working Client)', () => {
  it('downloads every file byte for byte from a seeding CLI and exits 0', async () => {
    const { dir, torrent, files } = await sharedFolder();
    const { port } = await startSeeder(dir, torrent);
    const out = join(dir, 'out');
    const result = await runCli(
      ['download', torrent, '-o', out, '--peer', `127.0.0.1:${port}`, '--no-dht', '--json', '--state-dir', join(dir, 'dl-state')],
      { timeoutMs: 60_000 },
    );
    expect(result.code, result.stderr).toBe(0);
    const records = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string });
    expect(records[0]!.type).toBe('listening');
    expect(records.some((r) => r.type === 'done')).toBe(true);
    for (const [path, bytes] of Object.entries(files)) {
      expect((await readFile(join(out, 'share', path))).equals(bytes), path).toBe(true);
    }
  }, 90_000);

  it('stats shows the all-time totals a download left in its state dir', async () => {
    const { dir, torrent } = await sharedFolder();
    const { port } = await startSeeder(dir, torrent);
    const state = join(dir, 'dl-state');
    const empty = await runCli(['stats', '--json', '--state-dir', state]);
    expect(JSON.parse(empty.stdout)).toMatchObject({ type: 'stats', downloaded: 0, uploaded: 0, runs: 0 });
    for (const out of ['out1', 'out2']) {
      const result = await runCli(['download', torrent, '-o', join(dir, out), '--peer', `127.0.0.1:${port}`, '--no-dht', '--quiet', '--state-dir', state], { timeoutMs: 60_000 });
      expect(result.code, result.stderr).toBe(0);
    }
    const stats = await runCli(['stats', '--json', '--state-dir', state]);
    expect(stats.code, stats.stderr).toBe(0);
    const totals = JSON.parse(stats.stdout) as { downloaded: number; runs: number; activeMs: number };
    expect(totals.downloaded).toBe(2 * (13 + 300_000));
    expect(totals.runs).toBe(2);
    expect(totals.activeMs).toBeGreaterThan(0);
    const text = await runCli(['stats', '--state-dir', state]);
    expect(text.stdout).toMatch(/^downloaded {2}586\.\d KiB\nuploaded/);
  }, 90_000);

  it('seed stops at --seed-time and names the goal', async () => {
    const { dir, torrent } = await sharedFolder();
    const seeder = start(['seed', torrent, join(dir, 'data'), '--port', '0', '--no-dht', '--quiet', '--seed-time', '2s', '--state-dir', join(dir, 's')]);
    const result = await waitCli(seeder, 20_000);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe('seed time 2s reached');
  }, 30_000);

  it('download --seed-ratio 0 stops once done, naming the ratio goal', async () => {
    const { dir, torrent } = await sharedFolder();
    const { port } = await startSeeder(dir, torrent);
    const result = await runCli(
      ['download', torrent, '-o', join(dir, 'out'), '--peer', `127.0.0.1:${port}`, '--no-dht', '--quiet', '--seed', '--seed-ratio', '0', '--state-dir', join(dir, 'd')],
      { timeoutMs: 60_000 },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe('seed ratio 0.0 reached');
  }, 90_000);

  it('seed warns once, on stderr, when the data is incomplete', async () => {
    const { dir, torrent } = await sharedFolder();
    await writeFile(join(dir, 'data', 'share', 'nested', 'deeper', 'random.bin'), Buffer.alloc(300_000));
    const seeder = start(['seed', torrent, join(dir, 'data'), '--port', '0', '--no-dht', '--quiet', '--state-dir', join(dir, 's')]);
    await expect.poll(() => seeder.output.stderr, { timeout: 10_000 }).toMatch(/^torrentedge: warning: .*incomplete/);
    seeder.kill('SIGINT');
    const result = await waitCli(seeder, 15_000);
    expect(result.stderr.split('\n').filter((l) => l.includes('incomplete'))).toHaveLength(1);
  }, 30_000);

  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`an unfinished download stopped by ${signal} exits ${code} with one line`, async () => {
      const dir = await tempDir('te-e2e-');
      const child = start([
        'download', 'magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567', '-o', join(dir, 'out'),
        '--no-dht', '--json', '--state-dir', join(dir, 'state'),
      ]);
      await waitForLine(child, (l) => l.includes('"listening"'));
      child.kill(signal);
      const result = await waitCli(child, 15_000);
      expect(result.code).toBe(code);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(/^torrentedge: interrupted/);
    }, 30_000);
  }
});
