/**
 * The engine's `KeyValueStore` in a folder, one file per key. set() writes a temporary file,
 * syncs it, renames it over the old one and syncs the folder: after a crash at any moment a key
 * holds its old or its new value, never a torn mix (rename is atomic on POSIX file systems).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, readdir, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { StorageError } from '../interfaces/storage.js';
import type { KeyValueStore } from '../interfaces/kv.js';
import { errorCode, toStorageError } from './node-fs-errors.js';

/** Most file systems cap a name at 255 bytes; leave room for the temporary suffix. */
const MAX_FILE_NAME = 200;
const TMP_MARK = '.tmp-';
const STALE_TMP_MS = 60_000;

export class NodeKeyValueStore implements KeyValueStore {
  private ready: Promise<void> | undefined;

  constructor(readonly dir: string) {}

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      // A copy: small reads may share a pooled buffer, and the caller owns the result.
      return new Uint8Array(await readFile(join(this.dir, keyToFileName(key))));
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return undefined;
      throw toStorageError(error, key, 'read setting');
    }
  }

  async set(key: string, value: Uint8Array): Promise<void> {
    const target = join(this.dir, keyToFileName(key));
    await this.ensureDir();
    const tmp = `${target}${TMP_MARK}${randomBytes(6).toString('hex')}`;
    try {
      const handle = await open(tmp, 'wx', 0o600);
      try {
        await handle.writeFile(value);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tmp, target);
    } catch (error) {
      await unlink(tmp).catch(() => undefined);
      throw toStorageError(error, key, 'save setting');
    }
    await this.syncDir();
  }

  async delete(key: string): Promise<void> {
    try {
      await unlink(join(this.dir, keyToFileName(key)));
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return;
      throw toStorageError(error, key, 'delete setting');
    }
    await this.syncDir();
  }

  async keys(prefix = ''): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return [];
      throw toStorageError(error, this.dir, 'list settings in');
    }
    const keys: string[] = [];
    for (const name of names) {
      // Encoded names never contain '.', so leftovers of interrupted set()s are skipped.
      if (name.includes('.')) continue;
      const key = fileNameToKey(name);
      if (key !== undefined && key.startsWith(prefix)) keys.push(key);
    }
    return keys.sort();
  }

  private ensureDir(): Promise<void> {
    this.ready ??= mkdir(this.dir, { recursive: true }).then(
      () => this.removeStaleTemporaries(),
      (error: unknown) => {
        this.ready = undefined;
        throw toStorageError(error, this.dir, 'create');
      },
    );
    return this.ready;
  }

  /** Leftovers of set()s interrupted by a crash; recent ones may belong to a live writer. */
  private async removeStaleTemporaries(): Promise<void> {
    try {
      const now = Date.now();
      for (const name of await readdir(this.dir)) {
        if (!name.includes(TMP_MARK)) continue;
        const path = join(this.dir, name);
        if (now - (await stat(path)).mtimeMs > STALE_TMP_MS) await unlink(path);
      }
    } catch {
      // Best effort: keys() ignores temporaries anyway.
    }
  }

  /** Makes the rename itself durable. Not possible on Windows (directories cannot be opened). */
  private async syncDir(): Promise<void> {
    let handle;
    try {
      handle = await open(this.dir, 'r');
      await handle.sync();
    } catch {
      // Best effort: the data file itself is already synced.
    } finally {
      await handle?.close().catch(() => undefined);
    }
  }
}

/**
 * Keys become portable file names: [a-z0-9_-] stay, every other UTF-8 byte is %XX. Upper-case
 * letters are escaped too, so 'A' and 'a' stay apart on case-insensitive file systems, and '.'
 * is escaped, so no key can be '.', '..' or look like a temporary file.
 */
export function keyToFileName(key: string): string {
  let name = '';
  for (const byte of new TextEncoder().encode(key)) {
    const c = String.fromCharCode(byte);
    name += /[a-z0-9_-]/.test(c) ? c : '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  if (name.length === 0 || name.length > MAX_FILE_NAME) {
    throw new StorageError('io', `setting key ${JSON.stringify(key.slice(0, 60))} is empty or too long`);
  }
  return name;
}

export function fileNameToKey(name: string): string | undefined {
  try {
    return decodeURIComponent(name);
  } catch {
    return undefined;
  }
}
