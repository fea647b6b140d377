/** The engine's `FileStorage` over node:fs, rooted at one folder. */
import { constants } from 'node:fs';
import { mkdir, open, stat, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, isAbsolute, resolve, sep } from 'node:path';
import { StorageError, type FileStorage } from '../interfaces/storage.js';
import { HandleCache, type HandleEntry, type OpenedHandle } from './node-handle-cache.js';
import { errorCode, toStorageError } from './node-fs-errors.js';

export interface NodeFileStorageOptions {
  /** Open file descriptors kept for reuse; a many-file torrent rotates through them. */
  maxOpenFiles?: number;
}

export const NODE_STORAGE_DEFAULTS = {
  maxOpenFiles: 64,
} as const satisfies Required<NodeFileStorageOptions>;

// O_CREAT without O_TRUNC: opening for a write must never cut existing data (resume!), and
// without O_APPEND, which would send every positional write to the end of the file.
const OPEN_WRITE = constants.O_RDWR | constants.O_CREAT;

export class NodeFileStorage implements FileStorage {
  readonly root: string;
  private readonly handles: HandleCache;

  constructor(root: string, options: NodeFileStorageOptions = {}) {
    this.root = resolve(root);
    this.handles = new HandleCache(
      (abs, writable) => openHandle(abs, writable),
      options.maxOpenFiles ?? NODE_STORAGE_DEFAULTS.maxOpenFiles,
    );
  }

  async read(path: string, offset: number, length: number): Promise<Uint8Array> {
    const abs = this.resolvePath(path);
    // Not Buffer.allocUnsafe: small ones come from a shared pool, and the caller owns the result.
    const out = new Uint8Array(length);
    await this.withHandle(abs, path, false, 'read', async (handle) => {
      let done = 0;
      while (done < length) {
        const { bytesRead } = await handle.read(out, done, length - done, offset + done);
        if (bytesRead === 0) {
          throw new StorageError('not-found', `cannot read ${path}: bytes ${offset + done}..${offset + length} are missing (file too short)`);
        }
        done += bytesRead;
      }
    });
    return out;
  }

  async write(path: string, offset: number, data: Uint8Array): Promise<void> {
    const abs = this.resolvePath(path);
    await this.withHandle(abs, path, true, 'write', async (handle, entry) => {
      entry.dirty = true;
      let done = 0;
      while (done < data.length) {
        const { bytesWritten } = await handle.write(data, done, data.length - done, offset + done);
        done += bytesWritten;
      }
    });
  }

  async size(path: string): Promise<number | null> {
    const abs = this.resolvePath(path);
    try {
      return (await stat(abs)).size;
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return null;
      throw toStorageError(error, path, 'inspect');
    }
  }

  async truncate(path: string, length: number): Promise<void> {
    const abs = this.resolvePath(path);
    await this.withHandle(abs, path, true, 'resize', async (handle, entry) => {
      entry.dirty = true;
      await handle.truncate(length);
    });
  }

  async flush(path?: string): Promise<void> {
    const targets = path === undefined ? undefined : this.resolvePath(path);
    const syncs: Promise<void>[] = [];
    for (const entry of this.handles.openEntries()) {
      if (!entry.dirty || (targets !== undefined && entry.path !== targets)) continue;
      syncs.push(this.withHandle(entry.path, entry.path, true, 'flush', (handle, e) => {
        e.dirty = false;
        return handle.datasync();
      }));
    }
    // Data written through a handle that was evicted since: fsync works on the file, so a
    // fresh descriptor syncs what the old one wrote.
    for (const abs of [...this.handles.dirtyClosed]) {
      if (targets !== undefined && abs !== targets) continue;
      this.handles.dirtyClosed.delete(abs);
      syncs.push(syncClosedFile(abs));
    }
    await Promise.all(syncs);
  }

  async remove(path: string): Promise<void> {
    const abs = this.resolvePath(path);
    this.handles.forget(abs);
    this.handles.dirtyClosed.delete(abs);
    try {
      await unlink(abs);
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw toStorageError(error, path, 'remove');
    }
  }

  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      await this.handles.closeAll();
    }
  }

  /** Second line of defence: the engine sanitizes paths, and we still refuse any escape. */
  private resolvePath(path: string): string {
    if (path === '' || path.includes('\0') || isAbsolute(path)) {
      throw new StorageError('outside-root', `refusing path ${JSON.stringify(path)}: not a relative file path`);
    }
    const abs = resolve(this.root, path);
    if (!abs.startsWith(this.root.endsWith(sep) ? this.root : this.root + sep)) {
      throw new StorageError('outside-root', `refusing path ${JSON.stringify(path)}: it leaves ${this.root}`);
    }
    return abs;
  }

  private async withHandle<T>(
    abs: string,
    path: string,
    writable: boolean,
    action: string,
    use: (handle: FileHandle, entry: HandleEntry) => Promise<T>,
  ): Promise<T> {
    let entry = this.handles.acquire(abs, writable);
    try {
      let handle: FileHandle;
      try {
        handle = await entry.handle;
      } catch (error) {
        // A concurrent read's open (which may not create) lost the race with this write.
        if (!writable || entry.create || errorCode(error) !== 'ENOENT') throw error;
        this.handles.release(entry);
        entry = this.handles.acquire(abs, writable);
        handle = await entry.handle;
      }
      if (writable && !entry.writable) {
        throw new StorageError('permission', `cannot ${action} ${path}: the file is read-only`);
      }
      return await use(handle, entry);
    } catch (error) {
      throw toStorageError(error, path, action);
    } finally {
      this.handles.release(entry);
    }
  }
}

const READ_ONLY_CODES = new Set(['EACCES', 'EPERM', 'EROFS']);

/** Reads open read-write too (a later write reuses the descriptor) but never create a file. */
async function openHandle(abs: string, create: boolean): Promise<OpenedHandle> {
  if (!create) {
    try {
      return { handle: await open(abs, constants.O_RDWR), writable: true };
    } catch (error) {
      // Seeding from read-only data is legitimate: fall back to a read-only descriptor.
      if (!READ_ONLY_CODES.has(errorCode(error) ?? '')) throw error;
      return { handle: await open(abs, constants.O_RDONLY), writable: false };
    }
  }
  try {
    return { handle: await open(abs, OPEN_WRITE, 0o666), writable: true };
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
    await mkdir(dirname(abs), { recursive: true });
    return { handle: await open(abs, OPEN_WRITE, 0o666), writable: true };
  }
}

async function syncClosedFile(abs: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(abs, constants.O_RDONLY);
    await handle.datasync();
  } catch (error) {
    // Removed since it was written: nothing left to make durable.
    if (errorCode(error) !== 'ENOENT') throw toStorageError(error, abs, 'flush');
  } finally {
    await handle?.close();
  }
}
