// `create --hybrid` and `info` on hybrid torrents (BEP 52 + v1), through the built CLI.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectOneLineFailure, requireBuild, runCli, tempDir } from './helpers.js';

beforeAll(requireBuild);

async function shareFolder(): Promise<{ dir: string; share: string }> {
  const dir = await tempDir();
  const share = join(dir, 'share');
  await mkdir(join(share, 'sub'), { recursive: true });
  await writeFile(join(share, 'a.txt'), 'hello');
  await writeFile(join(share, 'empty'), '');
  await writeFile(join(share, 'sub', 'big.bin'), Buffer.alloc(70_000, 7));
  return { dir, share };
}

describe('torrentedge create --hybrid', () => {
  it('help says v1 is the default and --hybrid makes a BEP 52 hybrid', async () => {
    const r = await runCli(['create', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('v1 torrent (BEP 3) unless --hybrid');
    expect(r.stdout).toContain('--hybrid');
  });

  it('prints both infohashes and a magnet with btih and btmh; info shows the v2 infohash on its own line', async () => {
    const { dir, share } = await shareFolder();
    const out = join(dir, 'h.torrent');
    const created = await runCli(['create', '--hybrid', share, '--piece-length', '16K', '-o', out]);
    expect(created.code, created.stderr).toBe(0);
    const v1 = /^infohash: ([0-9a-f]{40})$/m.exec(created.stdout)?.[1];
    const v2 = /^infohash v2: ([0-9a-f]{64})$/m.exec(created.stdout)?.[1];
    expect(v1).toBeDefined();
    expect(v2).toBeDefined();
    expect(created.stdout).toContain(`magnet:?xt=urn:btih:${v1}&xt=urn:btmh:1220${v2}`);

    const text = await runCli(['info', out]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^infohash: ${v1}$`, 'm'));
    expect(text.stdout).toMatch(new RegExp(`^infohash v2: ${v2}$`, 'm'));
    expect(text.stdout).toMatch(/share\/\.pad\/\d+ \(padding\)/);
    // 5 bytes padded to 16 KiB, 70000 to 81920 (the empty file gets none).
    expect(text.stdout).toMatch(/^padding: 28299 \(.*never stored\)$/m);

    const json = JSON.parse((await runCli(['info', '--json', out])).stdout);
    expect(json).toMatchObject({ infoHash: v1, infoHashV2: v2, pieceLength: 16384 });
    const real = json.files.filter((f: { padding: boolean }) => !f.padding).map((f: { path: string; length: number }) => [f.path, f.length]);
    expect(real).toEqual([
      ['share/a.txt', 5],
      ['share/empty', 0],
      ['share/sub/big.bin', 70_000],
    ]);
  });

  it('without --hybrid: v1 only, no v2 line, and info --json has no infoHashV2 key', async () => {
    const { dir, share } = await shareFolder();
    const out = join(dir, 'v1.torrent');
    const created = await runCli(['create', share, '-o', out]);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).not.toContain('infohash v2');
    expect(created.stdout).not.toContain('btmh');
    expect((await runCli(['info', out])).stdout).not.toMatch(/^padding:/m);
    const json = JSON.parse((await runCli(['info', '--json', out])).stdout);
    expect('infoHashV2' in json).toBe(false);
    expect(Buffer.from(await readFile(out)).includes('file tree')).toBe(false);
  });

  it('info of a hybrid magnet prints both hashes; a v2-only magnet fails in one line', async () => {
    const v1 = '0123456789abcdef0123456789abcdef01234567';
    const v2 = 'ab'.repeat(32);
    const r = await runCli(['info', `magnet:?xt=urn:btih:${v1}&xt=urn:btmh:1220${v2}&dn=thing`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^infohash v2: ${v2}$`, 'm'));
    const bad = await runCli(['info', `magnet:?xt=urn:btmh:1220${v2}`]);
    expect(expectOneLineFailure(bad, 1)).toEqual([]);
    expect(bad.stderr).toMatch(/v2-only torrents are not supported/);
  });

  it('a torrent whose v2 part disagrees with its v1 part fails in one line', async () => {
    const { dir, share } = await shareFolder();
    const out = join(dir, 'h.torrent');
    expect((await runCli(['create', '--hybrid', share, '--piece-length', '16K', '-o', out])).code).toBe(0);
    const bytes = Buffer.from(await readFile(out));
    // "big.bin" is 70000 bytes in both parts; make the file tree say 70001 (same length in digits).
    const at = bytes.indexOf('6:lengthi70000e', bytes.indexOf('9:file tree'));
    bytes.write('6:lengthi70001e', at, 'latin1');
    await writeFile(out, bytes);
    const r = await runCli(['info', out]);
    expect(expectOneLineFailure(r, 1)).toEqual([]);
    expect(r.stderr).toMatch(/is 70000 bytes in v1 but 70001 in v2/);
  });
});
