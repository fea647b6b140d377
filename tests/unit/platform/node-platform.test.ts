import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNodePlatform } from '../../../src/platform/node/index.js';
import { utf8, fromUtf8 } from '../../../src/engine/util/bytes.js';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('createNodePlatform', () => {
  it('keeps kv data under <stateDir>/kv', async () => {
    dir = await mkdtemp(join(tmpdir(), 'te-platform-'));
    const platform = createNodePlatform({ stateDir: dir });
    await platform.kv.set('k', utf8('v'));
    expect(await readdir(join(dir, 'kv'))).toEqual(['k']);
  });

  it('opens storage rooted at the given folder', async () => {
    dir = await mkdtemp(join(tmpdir(), 'te-platform-'));
    const platform = createNodePlatform({ stateDir: join(dir, 'state') });
    const storage = await platform.openStorage(join(dir, 'downloads'));
    await storage.write('name/file', 0, utf8('data'));
    await storage.close();
    expect(await readdir(join(dir, 'downloads', 'name'))).toEqual(['file']);
    expect(fromUtf8(await (await platform.openStorage(join(dir, 'downloads'))).read('name/file', 0, 4))).toBe('data');
  });

  it('randomBytes returns whole, distinct buffers of the asked length', () => {
    const platform = createNodePlatform({ stateDir: tmpdir() });
    const a = platform.randomBytes(20);
    const b = platform.randomBytes(20);
    expect(a.length).toBe(20);
    expect(a.byteOffset).toBe(0);
    expect(a.buffer.byteLength).toBe(20);
    expect(a).not.toEqual(b);
  });
});
