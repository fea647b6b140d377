/**
 * Where a storage root and its files live in the origin-private file system. Paths come from
 * the engine already sanitized; this is the second line of defence, so anything that could
 * name a place outside the root is refused rather than repaired.
 */
import { StorageError } from '../interfaces/storage.js';

export const OPFS_PATH_LIMITS = {
  /** The top folder every root lives under: `torrents/<root name>/…`. */
  baseDir: 'torrents',
  /** Longer root names are shortened and made unique with a hash (OPFS names are bounded). */
  maxRootNameLength: 200,
} as const;

/**
 * The folder name for a root: encodeURIComponent keeps it one path component ('/' and '\' are
 * escaped) and one-to-one; '.' and '..' (which encodeURIComponent leaves alone) are escaped too.
 */
export function rootDirName(root: string): string {
  if (root === '') throw new StorageError('outside-root', 'refusing an empty storage root: choose a download destination');
  let name = encodeURIComponent(root);
  if (name === '.' || name === '..') name = name.replace(/\./g, '%2E');
  if (name.length > OPFS_PATH_LIMITS.maxRootNameLength) {
    name = `${name.slice(0, OPFS_PATH_LIMITS.maxRootNameLength - 17)}~${fnv1a64(root)}`;
  }
  return name;
}

/** The components of a relative '/'-separated file path, or a StorageError('outside-root'). */
export function splitPath(path: string): string[] {
  const refuse = (why: string): StorageError =>
    new StorageError('outside-root', `refusing path ${JSON.stringify(path)}: ${why}`);
  if (path === '') throw refuse('it is empty');
  if (path.startsWith('/')) throw refuse('it is absolute');
  const parts = path.split('/');
  for (const part of parts) {
    if (part === '') throw refuse('it has an empty component');
    if (part === '..' || part === '.') throw refuse(`it has a "${part}" component`);
    // A backslash is a separator on Windows and OPFS refuses it; NUL ends names in C APIs.
    if (part.includes('\\') || part.includes('\0')) throw refuse('a component contains "\\" or NUL');
  }
  return parts;
}

/** 64-bit FNV-1a of the UTF-16 code units, as 16 hex digits: a stable tag, not a security hash. */
function fnv1a64(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) {
    hash ^= BigInt(text.charCodeAt(i));
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, '0');
}
