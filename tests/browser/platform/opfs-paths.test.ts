import { describe, expect, it } from 'vitest';
import { OPFS_PATH_LIMITS, rootDirName, splitPath } from '../../../src/platform/browser/opfs-paths.js';
import { StorageError } from '../../../src/platform/interfaces/storage.js';

function refusal(action: () => unknown): string | undefined {
  try {
    action();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(StorageError);
    return (error as StorageError).kind;
  }
}

describe('splitPath', () => {
  it('splits a relative path into its components', () => {
    expect(splitPath('a/b/c.bin')).toEqual(['a', 'b', 'c.bin']);
  });

  it('keeps names that merely contain dots', () => {
    expect(splitPath('..hidden/a..b/...')).toEqual(['..hidden', 'a..b', '...']);
  });

  it.each([
    ['..', 'a parent component'],
    ['a/../../b', 'a parent component inside'],
    ['.', 'a current-folder component'],
    ['', 'an empty path'],
    ['/etc/passwd', 'an absolute path'],
    ['a//b', 'an empty component'],
    ['a/', 'a trailing slash'],
    ['a\\..\\b', 'a backslash'],
    ['a\0b', 'a NUL'],
  ])('refuses %j (%s) as outside-root', (path) => {
    expect(refusal(() => splitPath(path))).toBe('outside-root');
  });
});

describe('rootDirName', () => {
  it('makes any root one folder name, escaping separators', () => {
    expect(rootDirName('/home/u/Downloads')).toBe('%2Fhome%2Fu%2FDownloads');
    expect(rootDirName('C:\\Users\\u')).toBe('C%3A%5CUsers%5Cu');
  });

  it('escapes "." and ".." so they cannot name the base folder or its parent', () => {
    expect(rootDirName('.')).toBe('%2E');
    expect(rootDirName('..')).toBe('%2E%2E');
  });

  it('keeps different roots apart, even one that looks escaped', () => {
    expect(rootDirName('a/b')).not.toBe(rootDirName('a%2Fb'));
  });

  it('refuses an empty root', () => {
    expect(refusal(() => rootDirName(''))).toBe('outside-root');
  });

  it('shortens very long roots, keeping them distinct', () => {
    const a = rootDirName('x'.repeat(500) + 'a');
    const b = rootDirName('x'.repeat(500) + 'b');
    expect(a.length).toBeLessThanOrEqual(OPFS_PATH_LIMITS.maxRootNameLength);
    expect(a).not.toBe(b);
  });
});
