import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectOneLineFailure, fixtureTorrent, requireBuild, runCli, tempDir } from './helpers.js';

beforeAll(requireBuild);

async function garbage(): Promise<string> {
  const dir = await tempDir();
  const path = join(dir, 'garbage.torrent');
  await writeFile(path, 'd4:infoi-0ee this is not a torrent');
  return path;
}

async function fixtureFile(): Promise<string> {
  const dir = await tempDir();
  const path = join(dir, 'f.torrent');
  await writeFile(path, fixtureTorrent().bytes);
  return path;
}

async function badBlocklist(): Promise<string> {
  const dir = await tempDir();
  const path = join(dir, 'list.txt');
  await writeFile(path, '# ok\n10.0.0.0/8\nevil corp:1.2.3.4-1.2.3\n');
  return path;
}

/** Every download here gets its own state dir: no test writes to the user's. */
async function dl(...args: string[]): Promise<string[]> {
  const dir = await tempDir();
  return ['download', ...args, '--state-dir', join(dir, 'state'), '--no-dht'];
}

describe('failures are one line on stderr, with the right exit code, within 5 s', () => {
  const cases: [string, () => Promise<string[]>, number][] = [
    ['info of a missing file', async () => ['info', '/nonexistent/x.torrent'], 1],
    ['info of a garbage torrent', async () => ['info', await garbage()], 1],
    ['info of a bad magnet', async () => ['info', 'magnet:?xt=urn:btih:xyz'], 1],
    ['info of a magnet without xt', async () => ['info', 'magnet:?dn=x'], 1],
    ['download of a missing file', async () => dl('/nonexistent/x.torrent', '-o', await tempDir()), 1],
    ['download of a garbage torrent', async () => dl(await garbage(), '-o', await tempDir()), 1],
    ['download of a bad magnet', async () => dl('magnet:?xt=urn:btih:nothex', '-o', await tempDir()), 1],
    ['download without -o', async () => ['download', await fixtureFile()], 2],
    ['an unknown flag', async () => ['info', '--bogus', 'x'], 2],
    ['an unknown command', async () => ['frobnicate'], 2],
    ['no command', async () => [], 2],
    ['a bad rate', async () => dl(await fixtureFile(), '-o', await tempDir(), '--download-limit', 'fast'), 2],
    ['a bad duration', async () => dl(await fixtureFile(), '-o', await tempDir(), '--seed', '--seed-time', '5w'), 2],
    ['a bad --peer', async () => dl(await fixtureFile(), '-o', await tempDir(), '--peer', 'nohost'), 2],
    ['--only naming a file the torrent lacks', async () => dl(await fixtureFile(), '-o', await tempDir(), '--only', '0,9'), 2],
    ['seed of a magnet', async () => ['seed', 'magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567', await tempDir(), '--state-dir', await tempDir()], 2],
    ['seed of a missing file', async () => ['seed', '/nonexistent/x.torrent', await tempDir(), '--state-dir', await tempDir()], 1],
    ['create of a missing path', async () => ['create', '/nonexistent/folder'], 1],
    ['create with a bad piece length', async () => ['create', await tempDir(), '--piece-length', '1000'], 2],
    ['create with a bad tracker URL', async () => ['create', await tempDir(), '-t', 'not a url'], 2],
    ['a missing --blocklist file', async () => dl(await fixtureFile(), '-o', await tempDir(), '--blocklist', '/nonexistent/list.txt'), 2],
    ['a --blocklist with a bad line', async () => dl(await fixtureFile(), '-o', await tempDir(), '--blocklist', await badBlocklist()), 2],
    ['a bad --max-connections', async () => dl(await fixtureFile(), '-o', await tempDir(), '--max-connections', '0'), 2],
    ['a bad --alt-schedule', async () => dl(await fixtureFile(), '-o', await tempDir(), '--alt-download-limit', '1M', '--alt-schedule', 'someday 8-9'), 2],
    ['--alt-download-limit without a schedule', async () => dl(await fixtureFile(), '-o', await tempDir(), '--alt-download-limit', '1M'), 2],
  ];

  for (const [name, args, code] of cases) {
    it(name, async () => {
      const result = await runCli(await args());
      expect(expectOneLineFailure(result, code)).toEqual([]);
    });
  }

  it('says which file is missing', async () => {
    const result = await runCli(['info', '/nonexistent/x.torrent']);
    expect(result.stderr).toBe('torrentedge: no such file: /nonexistent/x.torrent\n');
  });

  it('names the blocklist line that is wrong', async () => {
    const result = await runCli(await dl(await fixtureFile(), '-o', await tempDir(), '--blocklist', await badBlocklist()));
    expect(result.stderr).toMatch(/^torrentedge: --blocklist .*list\.txt: blocklist line 3: not an IPv4 range/);
  });

  it('names the unknown flag', async () => {
    const result = await runCli(['info', '--bogus', 'x']);
    expect(result.stderr).toContain('--bogus');
  });
});
