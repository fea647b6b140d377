import { execFileSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixtureTorrent, REPO, requireBuild, runCli, tempDir } from './helpers.js';

beforeAll(requireBuild);

function libtorrentInfoHash(path: string): string {
  return execFileSync('/usr/bin/python3', ['-c', 'import sys, libtorrent as lt; print(lt.torrent_info(sys.argv[1]).info_hash())', path], {
    encoding: 'utf8',
  }).trim();
}

describe('torrentedge --help / --version', () => {
  it('lists the commands and exits 0', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const command of ['download', 'seed', 'create', 'info']) expect(r.stdout).toContain(command);
  });

  it('prints per-command help', async () => {
    const r = await runCli(['download', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--download-limit');
  });

  it("prints package.json's version", async () => {
    const { version } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(`torrentedge ${version}`);
  });
});

describe('torrentedge info', () => {
  it('prints name, 40-hex infohash, pieces, files and trackers of a .torrent', async () => {
    const dir = await tempDir();
    const fixture = fixtureTorrent();
    await writeFile(join(dir, 'f.torrent'), fixture.bytes);
    const r = await runCli(['info', join(dir, 'f.torrent')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^infohash: ${fixture.infoHash}$`, 'm'));
    expect(r.stdout).toContain('name: fixture');
    expect(r.stdout).toContain('piece length: 16384');
    expect(r.stdout).toContain('pieces: 2');
    expect(r.stdout).toContain('total size: 25000');
    expect(r.stdout).toContain('private: no');
    expect(r.stdout).toMatch(/0\s+20000\s+fixture\/docs\/a\.bin/);
    expect(r.stdout).toMatch(/1\s+5000\s+fixture\/b\.bin/);
    expect(r.stdout).toContain('http://tracker.example/announce');
  });

  it('prints one JSON object with --json', async () => {
    const dir = await tempDir();
    const fixture = fixtureTorrent();
    await writeFile(join(dir, 'f.torrent'), fixture.bytes);
    const r = await runCli(['info', '--json', join(dir, 'f.torrent')]);
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info).toMatchObject({ name: 'fixture', infoHash: fixture.infoHash, pieceCount: 2, totalLength: 25000, private: false });
    expect(info.files).toHaveLength(2);
    expect(info.trackers).toEqual([['http://tracker.example/announce']]);
  });

  it('prints the infohash of a magnet', async () => {
    const hash = '0123456789abcdef0123456789abcdef01234567';
    const r = await runCli(['info', `magnet:?xt=urn:btih:${hash}&dn=thing&tr=udp%3A%2F%2Ft.example%3A80`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^infohash: ${hash}$`, 'm'));
    expect(r.stdout).toContain('name: thing');
    expect(r.stdout).toContain('udp://t.example:80');
  });
});

describe('torrentedge create', () => {
  async function shareFolder(): Promise<{ dir: string; share: string }> {
    const dir = await tempDir();
    const share = join(dir, 'share');
    await mkdir(join(share, 'sub', 'deep'), { recursive: true });
    await mkdir(join(share, 'z-empty-dir'));
    await writeFile(join(share, 'a.txt'), 'hello');
    await writeFile(join(share, 'empty'), '');
    await writeFile(join(share, 'sub', 'deep', 'big.bin'), Buffer.alloc(70_000, 7));
    return { dir, share };
  }

  it('makes a folder torrent with empty and nested files that libtorrent reads with the same infohash', async () => {
    const { dir, share } = await shareFolder();
    const out = join(dir, 'out.torrent');
    const created = await runCli(['create', share, '-t', 'http://127.0.0.1:1/announce', '-o', out]);
    expect(created.code, created.stderr).toBe(0);
    const hash = /^infohash: ([0-9a-f]{40})$/m.exec(created.stdout)?.[1];
    expect(hash).toBeDefined();
    expect(created.stdout).toContain(`magnet:?xt=urn:btih:${hash}`);

    const info = await runCli(['info', '--json', out]);
    expect(info.code).toBe(0);
    const meta = JSON.parse(info.stdout);
    expect(meta.name).toBe('share');
    expect(meta.infoHash).toBe(hash);
    expect(meta.files.map((f: { path: string; length: number }) => [f.path, f.length])).toEqual([
      ['share/a.txt', 5],
      ['share/empty', 0],
      ['share/sub/deep/big.bin', 70_000],
    ]);
    expect(meta.trackers).toEqual([['http://127.0.0.1:1/announce']]);
    expect(libtorrentInfoHash(out)).toBe(hash);
  });

  it('writes <name>.torrent in the current folder when -o is absent', async () => {
    const { dir, share } = await shareFolder();
    const r = await runCli(['create', share], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(dir, 'share.torrent'))).toBe(true);
  });

  it('makes a single-file torrent from a file', async () => {
    const { dir, share } = await shareFolder();
    const out = join(dir, 'single.torrent');
    expect((await runCli(['create', join(share, 'a.txt'), '-o', out])).code).toBe(0);
    const meta = JSON.parse((await runCli(['info', '--json', out])).stdout);
    expect(meta).toMatchObject({ name: 'a.txt', multiFile: false, totalLength: 5 });
    expect(libtorrentInfoHash(out)).toBe(meta.infoHash);
  });

  it('honours --piece-length, --private, --web-seed, --comment and several trackers', async () => {
    const { dir, share } = await shareFolder();
    const out = join(dir, 'o.torrent');
    const r = await runCli([
      'create', share, '-o', out, '--piece-length', '32K', '--private', '--web-seed', 'http://ws.example/', '--comment', 'hi there',
      '-t', 'http://t1.example/a', '-t', 'udp://t2.example:80',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const meta = JSON.parse((await runCli(['info', '--json', out])).stdout);
    expect(meta).toMatchObject({ pieceLength: 32768, private: true, comment: 'hi there', webSeeds: ['http://ws.example/'] });
    expect(meta.trackers).toEqual([['http://t1.example/a'], ['udp://t2.example:80']]);
    expect(libtorrentInfoHash(out)).toBe(meta.infoHash);
  });
});
