import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { toStorageError } from '../../../src/platform/node/node-fs-errors.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeFileStorage } from '../../../src/platform/node/node-storage.js';
import { StorageError } from '../../../src/platform/interfaces/storage.js';
import { utf8, fromUtf8 } from '../../../src/engine/util/bytes.js';

let dir: string;
let storage: NodeFileStorage;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'te-storage-'));
  storage = new NodeFileStorage(join(dir, 'root'), { maxOpenFiles: 2 });
});
afterEach(async () => {
  await storage.close();
  await rm(dir, { recursive: true, force: true });
});

async function kindOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(StorageError);
  return (error as StorageError).kind;
}

describe('NodeFileStorage', () => {
  it('writes at offsets and reads back across them, creating folders', async () => {
    await storage.write('a/b/file.bin', 4, utf8('5678'));
    await storage.write('a/b/file.bin', 0, utf8('1234'));
    expect(fromUtf8(await storage.read('a/b/file.bin', 2, 4))).toBe('3456');
    expect(await storage.size('a/b/file.bin')).toBe(8);
  });

  it('leaves a hole of zeros when writing past the end', async () => {
    await storage.write('f', 3, utf8('x'));
    expect([...(await storage.read('f', 0, 4))]).toEqual([0, 0, 0, 120]);
  });

  it('never truncates existing data when opening a file for writing', async () => {
    await mkdir(join(dir, 'root'), { recursive: true });
    await writeFile(join(dir, 'root/existing'), '0123456789');
    await storage.write('existing', 2, utf8('XY'));
    await storage.close();
    expect(await readFile(join(dir, 'root/existing'), 'utf8')).toBe('01XY456789');
  });

  it('rejects a read past the end of a short file', async () => {
    await storage.write('short', 0, utf8('abc'));
    expect(await kindOf(storage.read('short', 1, 5))).toBe('not-found');
  });

  it('rejects a read of a missing file with not-found, without creating it', async () => {
    expect(await kindOf(storage.read('missing', 0, 1))).toBe('not-found');
    expect(await storage.size('missing')).toBeNull();
  });

  it('refuses paths with .. that leave the root', async () => {
    expect(await kindOf(storage.write('../escape', 0, utf8('x')))).toBe('outside-root');
    expect(await kindOf(storage.write('a/../../escape', 0, utf8('x')))).toBe('outside-root');
    await expect(stat(join(dir, 'escape'))).rejects.toThrow();
  });

  it('refuses absolute and empty paths', async () => {
    expect(await kindOf(storage.write(join(dir, 'abs'), 0, utf8('x')))).toBe('outside-root');
    expect(await kindOf(storage.read('', 0, 1))).toBe('outside-root');
    expect(await kindOf(storage.size('.'))).toBe('outside-root');
  });

  it('allows .. that stays inside the root', async () => {
    await storage.write('a/../inside', 0, utf8('ok'));
    expect(fromUtf8(await storage.read('inside', 0, 2))).toBe('ok');
  });

  it('truncate creates an empty file and its folders', async () => {
    await storage.truncate('empty/dir/zero.txt', 0);
    expect(await storage.size('empty/dir/zero.txt')).toBe(0);
  });

  it('truncate extends with zeros and shrinks', async () => {
    await storage.write('t', 0, utf8('abcdef'));
    await storage.truncate('t', 3);
    expect(await storage.size('t')).toBe(3);
    await storage.truncate('t', 5);
    expect([...(await storage.read('t', 0, 5))]).toEqual([97, 98, 99, 0, 0]);
  });

  it('remove deletes the file and is quiet when absent', async () => {
    await storage.write('gone', 0, utf8('x'));
    await storage.remove('gone');
    expect(await storage.size('gone')).toBeNull();
    await storage.remove('gone');
  });

  it('keeps many concurrent writes to one file correct', async () => {
    const block = 16 * 1024;
    await Promise.all(
      Array.from({ length: 32 }, (_, i) => storage.write('big', i * block, new Uint8Array(block).fill(i))),
    );
    const all = await storage.read('big', 0, 32 * block);
    for (let i = 0; i < 32; i++) expect(all[i * block]).toBe(i);
  });

  it('rotates through more files than maxOpenFiles without losing data', async () => {
    await Promise.all(Array.from({ length: 10 }, (_, i) => storage.write(`f${i}`, 0, utf8(`file ${i}`))));
    await storage.flush();
    for (let i = 0; i < 10; i++) expect(fromUtf8(await storage.read(`f${i}`, 0, 6))).toBe(`file ${i}`);
  });

  it('a read racing the first write of a file does not break the write', async () => {
    const [read, write] = await Promise.allSettled([storage.read('race', 0, 1), storage.write('race', 0, utf8('w'))]);
    expect(write.status).toBe('fulfilled');
    expect(read.status === 'rejected' || fromUtf8((read as PromiseFulfilledResult<Uint8Array>).value) === 'w').toBe(true);
    expect(await storage.size('race')).toBe(1);
  });

  it('flush of one path and of all succeed', async () => {
    await storage.write('x/y', 0, utf8('data'));
    await storage.flush('x/y');
    await storage.flush();
    expect(await readFile(join(dir, 'root/x/y'), 'utf8')).toBe('data');
  });

  it.skipIf(process.getuid?.() === 0)('reads a read-only file, and reports permission on writing it', async () => {
    await storage.write('ro', 0, utf8('seed me'));
    await storage.close();
    await chmod(join(dir, 'root/ro'), 0o444);
    storage = new NodeFileStorage(join(dir, 'root'));
    expect(fromUtf8(await storage.read('ro', 0, 7))).toBe('seed me');
    expect(await kindOf(storage.write('ro', 0, utf8('x')))).toBe('permission');
  });
});

describe('NodeFileStorage on a full disk', () => {
  it.skipIf(process.platform !== 'linux')('reports no-space when the device is full (/dev/full)', async () => {
    await mkdir(join(dir, 'root'), { recursive: true });
    await symlink('/dev/full', join(dir, 'root/full'));
    const error = await storage.write('full', 0, utf8('x')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).kind).toBe('no-space');
    expect((error as StorageError).message).toMatch(/disk full/);
    await storage.remove('full'); // /dev/full cannot be fsynced by afterEach's close()
  });
});

describe('toStorageError', () => {
  const fsError = (code: string): Error => Object.assign(new Error(code), { code });

  it('maps ENOSPC and EDQUOT to no-space with a disk-full message', () => {
    for (const code of ['ENOSPC', 'EDQUOT']) {
      const error = toStorageError(fsError(code), 'a/b', 'write');
      expect(error.kind).toBe('no-space');
      expect(error.message).toMatch(/^disk full: /);
    }
  });

  it('maps EACCES, EPERM and EROFS to permission', () => {
    for (const code of ['EACCES', 'EPERM', 'EROFS']) expect(toStorageError(fsError(code), 'p', 'write').kind).toBe('permission');
  });

  it('maps ENOENT to not-found and anything else to io', () => {
    expect(toStorageError(fsError('ENOENT'), 'p', 'read').kind).toBe('not-found');
    expect(toStorageError(fsError('EIO'), 'p', 'read').kind).toBe('io');
  });
});
