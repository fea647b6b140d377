import { mkdtemp, mkdir, writeFile, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/cli/args.js';
import { errorLine, exitCodeFor } from '../../../src/cli/error-line.js';
import { comparePaths, walkPath, WalkedFileReader } from '../../../src/cli/file-walk.js';
import { InterruptedError } from '../../../src/cli/interrupted.js';
import { classifyInput, describeFsError, toMagnetUri } from '../../../src/cli/source.js';
import { resolveStateDir } from '../../../src/cli/state-dir.js';

describe('resolveStateDir', () => {
  it('prefers --state-dir', () => expect(resolveStateDir('/s', { XDG_STATE_HOME: '/x' }, '/h')).toBe('/s'));
  it('uses $XDG_STATE_HOME/torrentedge', () => expect(resolveStateDir(undefined, { XDG_STATE_HOME: '/x' }, '/h')).toBe('/x/torrentedge'));
  it('ignores a relative XDG_STATE_HOME (XDG spec)', () => {
    expect(resolveStateDir(undefined, { XDG_STATE_HOME: 'rel' }, '/h')).toBe('/h/.local/state/torrentedge');
  });
  it('falls back to ~/.local/state/torrentedge', () => expect(resolveStateDir(undefined, {}, '/h')).toBe('/h/.local/state/torrentedge'));
});

describe('errorLine / exitCodeFor', () => {
  it('prefixes and keeps one line', () => expect(errorLine(new Error('bad\n  torrent\r\n'))).toBe('torrentedge: bad torrent'));
  it('prints a thrown non-error', () => expect(errorLine('boom')).toBe('torrentedge: boom'));
  it('maps usage errors to 2', () => expect(exitCodeFor(new UsageError('x'))).toBe(2));
  it('maps an interruption to its signal code', () => expect(exitCodeFor(new InterruptedError(143))).toBe(143));
  it('maps anything else to 1', () => expect(exitCodeFor(new TypeError('x'))).toBe(1));
});

describe('classifyInput', () => {
  it('knows a magnet', () => expect(classifyInput('magnet:?xt=urn:btih:abc')).toBe('magnet'));
  it('takes a bare 40-hex infohash as a magnet', () => {
    const hex = 'a'.repeat(40);
    expect(classifyInput(hex)).toBe('magnet');
    expect(toMagnetUri(hex)).toBe(`magnet:?xt=urn:btih:${hex}`);
  });
  it('knows an http(s) URL', () => expect(classifyInput('HTTPS://x/y.torrent')).toBe('url'));
  it('takes anything else as a file', () => expect(classifyInput('./a.torrent')).toBe('file'));
  it('says "no such file" for ENOENT', () => expect(describeFsError({ code: 'ENOENT' }, 'f')).toBe('no such file: f'));
});

describe('walkPath', () => {
  it('sorts component-wise, a folder before a longer sibling name', () => {
    expect(comparePaths(['a', 'z'], ['a-b'])).toBeLessThan(0);
    expect(comparePaths(['a'], ['a', 'b'])).toBeLessThan(0);
  });

  it('lists every file, empty and nested ones too, sorted', async () => {
    const root = await mkdtemp(join(tmpdir(), 'te-walk-'));
    const dir = join(root, 'share');
    await mkdir(join(dir, 'sub', 'deep'), { recursive: true });
    await writeFile(join(dir, 'b.txt'), 'bb');
    await writeFile(join(dir, 'empty'), '');
    await writeFile(join(dir, 'sub', 'deep', 'a'), 'a');
    const result = await walkPath(dir, () => {});
    expect(result.name).toBe('share');
    expect(result.singleFile).toBe(false);
    expect(result.files.map((f) => [f.path.join('/'), f.length])).toEqual([
      ['b.txt', 2],
      ['empty', 0],
      ['sub/deep/a', 1],
    ]);
  });

  it('makes a single-file torrent from a file', async () => {
    const root = await mkdtemp(join(tmpdir(), 'te-walk-'));
    await writeFile(join(root, 'one.bin'), 'xyz');
    const result = await walkPath(join(root, 'one.bin'), () => {});
    expect(result).toMatchObject({ name: 'one.bin', singleFile: true, files: [{ path: ['one.bin'], length: 3 }] });
  });

  it('skips a symlink pointing outside the folder, with a warning', async () => {
    const root = await mkdtemp(join(tmpdir(), 'te-walk-'));
    await mkdir(join(root, 'share'));
    await writeFile(join(root, 'secret'), 's');
    await writeFile(join(root, 'share', 'ok'), 'o');
    await symlink(join(root, 'secret'), join(root, 'share', 'leak'));
    await symlink(join(root, 'share', 'ok'), join(root, 'share', 'alias'));
    const warnings: string[] = [];
    const result = await walkPath(join(root, 'share'), (w) => warnings.push(w));
    expect(result.files.map((f) => f.path.join('/'))).toEqual(['alias', 'ok']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('leak');
  });

  it('refuses a folder with no files', async () => {
    const root = await mkdtemp(join(tmpdir(), 'te-walk-'));
    await mkdir(join(root, 'empty', 'sub'), { recursive: true });
    await expect(walkPath(join(root, 'empty'), () => {})).rejects.toThrow(/no files/);
  });

  it('refuses a missing path with "no such file"', async () => {
    await expect(walkPath('/nonexistent/te-x', () => {})).rejects.toThrow(/no such file/);
  });

  it('reads exact ranges, and fails clearly when a file shrank', async () => {
    const root = await mkdtemp(join(tmpdir(), 'te-walk-'));
    await writeFile(join(root, 'f'), 'hello world');
    const reader = new WalkedFileReader([{ absPath: join(root, 'f'), path: ['f'], length: 20 }]);
    expect(new TextDecoder().decode(await reader.read(0, 6, 5))).toBe('world');
    await expect(reader.read(0, 6, 10)).rejects.toThrow(/changed while/);
    await reader.close();
  });
});
