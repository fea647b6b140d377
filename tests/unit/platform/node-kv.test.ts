import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeKeyValueStore, fileNameToKey, keyToFileName } from '../../../src/platform/node/node-kv.js';
import { utf8, fromUtf8 } from '../../../src/engine/util/bytes.js';

let dir: string;
let kv: NodeKeyValueStore;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'te-kv-'));
  kv = new NodeKeyValueStore(join(dir, 'kv'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('NodeKeyValueStore', () => {
  it('gets undefined for a missing key, even before the folder exists', async () => {
    expect(await kv.get('nope')).toBeUndefined();
    expect(await kv.keys()).toEqual([]);
  });

  it('sets, gets, replaces and deletes', async () => {
    await kv.set('torrent/abc/bitfield', utf8('one'));
    expect(fromUtf8((await kv.get('torrent/abc/bitfield'))!)).toBe('one');
    await kv.set('torrent/abc/bitfield', utf8('two'));
    expect(fromUtf8((await kv.get('torrent/abc/bitfield'))!)).toBe('two');
    await kv.delete('torrent/abc/bitfield');
    expect(await kv.get('torrent/abc/bitfield')).toBeUndefined();
    await kv.delete('torrent/abc/bitfield');
  });

  it('lists keys by prefix, sorted', async () => {
    await kv.set('torrent/b', utf8('1'));
    await kv.set('torrent/a', utf8('1'));
    await kv.set('settings', utf8('1'));
    expect(await kv.keys('torrent/')).toEqual(['torrent/a', 'torrent/b']);
    expect(await kv.keys()).toEqual(['settings', 'torrent/a', 'torrent/b']);
  });

  it('leaves no temporary files after replacing a value', async () => {
    await kv.set('k', utf8('old'));
    await Promise.all([kv.set('k', utf8('new1')), kv.set('k', utf8('new2'))]);
    const names = await readdir(join(dir, 'kv'));
    expect(names).toEqual([keyToFileName('k')]);
    expect(['new1', 'new2']).toContain(fromUtf8((await kv.get('k'))!));
  });

  it('removes stale temporaries of a crashed set() when first writing', async () => {
    await mkdir(join(dir, 'kv'));
    const stale = join(dir, 'kv', `${keyToFileName('k')}.tmp-dead`);
    await writeFile(stale, 'torn');
    const old = new Date(Date.now() - 3_600_000);
    await utimes(stale, old, old);
    expect(await kv.keys()).toEqual([]);
    await kv.set('other', utf8('x'));
    expect(await readdir(join(dir, 'kv'))).toEqual([keyToFileName('other')]);
  });

  it('keeps keys that differ only in case apart', async () => {
    await kv.set('Key', utf8('upper'));
    await kv.set('key', utf8('lower'));
    expect(fromUtf8((await kv.get('Key'))!)).toBe('upper');
    expect(fromUtf8((await kv.get('key'))!)).toBe('lower');
  });

  it('maps dangerous keys to safe file names and back', () => {
    for (const key of ['..', '.', '../x', 'a/b', 'con', 'é€', '%41', '__proto__']) {
      const name = keyToFileName(key);
      expect(name).toMatch(/^[a-z0-9_%A-F-]+$/);
      expect(fileNameToKey(name)).toBe(key);
    }
  });

  it('refuses an empty key', () => {
    expect(() => keyToFileName('')).toThrow();
  });

  it('returns a value the caller may keep and change', async () => {
    await kv.set('v', utf8('abc'));
    const value = (await kv.get('v'))!;
    value[0] = 0;
    expect(fromUtf8((await kv.get('v'))!)).toBe('abc');
  });
});
