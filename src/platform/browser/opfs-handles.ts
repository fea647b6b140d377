/**
 * The storage worker's view of OPFS: folder handles cached by path, and an LRU of open
 * `FileSystemSyncAccessHandle`s so per-block reads and writes do not pay an open each.
 * A sync access handle holds an exclusive lock on its file until closed, so handles are
 * closed on eviction, removal, getFile and close.
 */
import { OPFS_PATH_LIMITS, splitPath } from './opfs-paths.js';

/**
 * The parts of FileSystemSyncAccessHandle we use. TypeScript declares it only in the WebWorker
 * lib, which cannot share a program with the DOM lib the rest of the tree uses.
 */
export interface SyncAccessHandle {
  read(buffer: Uint8Array, options?: { at?: number }): number;
  write(buffer: Uint8Array, options?: { at?: number }): number;
  truncate(size: number): void;
  getSize(): number;
  flush(): void;
  close(): void;
}

interface SyncFileHandle extends FileSystemFileHandle {
  createSyncAccessHandle(): Promise<SyncAccessHandle>;
}

export class OpfsHandles {
  /** Map order is recency order: oldest first. Keys are `<dir>/<path>`. */
  private readonly open = new Map<string, SyncAccessHandle>();
  private readonly dirs = new Map<string, FileSystemDirectoryHandle>();

  constructor(
    private readonly top: FileSystemDirectoryHandle,
    private readonly maxOpen: number,
  ) {}

  static async create(maxOpen: number): Promise<OpfsHandles> {
    const opfs = await navigator.storage.getDirectory();
    return new OpfsHandles(await opfs.getDirectoryHandle(OPFS_PATH_LIMITS.baseDir, { create: true }), maxOpen);
  }

  /** The open handle for a file; `create` makes the file and its folders, else NotFoundError. */
  async handle(dir: string, path: string, create: boolean): Promise<SyncAccessHandle> {
    const key = `${dir}/${path}`;
    const cached = this.open.get(key);
    if (cached) {
      this.open.delete(key);
      this.open.set(key, cached);
      return cached;
    }
    let file: SyncFileHandle;
    try {
      file = (await this.fileHandle(dir, path, create)) as SyncFileHandle;
    } catch (error) {
      // A cached folder removed behind our back (another page removed the root): look again.
      if (!create || !(error instanceof DOMException && error.name === 'NotFoundError')) throw error;
      this.forgetDir(dir);
      file = (await this.fileHandle(dir, path, create)) as SyncFileHandle;
    }
    const handle = await file.createSyncAccessHandle();
    this.open.set(key, handle);
    for (const [oldKey, old] of this.open) {
      if (this.open.size <= this.maxOpen) break;
      this.open.delete(oldKey);
      old.close();
    }
    return handle;
  }

  /** The already-open handle for a file, if any (no lookup, no recency change). */
  peek(dir: string, path: string): SyncAccessHandle | undefined {
    return this.open.get(`${dir}/${path}`);
  }

  async fileHandle(dir: string, path: string, create: boolean): Promise<FileSystemFileHandle> {
    const parts = splitPath(path);
    const name = parts.pop()!;
    const parent = await this.folder([dir, ...parts], create);
    return parent.getFileHandle(name, { create });
  }

  /** Folder handle for `parts` (relative to the base folder); only created ones are cached. */
  async folder(parts: string[], create: boolean): Promise<FileSystemDirectoryHandle> {
    let handle = this.top;
    let key = '';
    for (const part of parts) {
      key = key === '' ? part : `${key}/${part}`;
      const cached = this.dirs.get(key);
      if (cached) {
        handle = cached;
        continue;
      }
      handle = await handle.getDirectoryHandle(part, { create });
      this.dirs.set(key, handle);
    }
    return handle;
  }

  /** Flush (and keep open) the handles of one file, or of a whole root when `path` is absent. */
  flush(dir: string, path?: string): void {
    for (const [key, handle] of this.open) if (matches(key, dir, path)) handle.flush();
  }

  /** Close the handles of one file, or of a whole root, or of everything (`dir` absent). */
  close(dir?: string, path?: string): void {
    for (const [key, handle] of this.open) {
      if (dir !== undefined && !matches(key, dir, path)) continue;
      this.open.delete(key);
      handle.close();
    }
  }

  /** Forget cached folder handles under `dir` (it is being removed). */
  forgetDir(dir: string): void {
    for (const key of this.dirs.keys()) if (key === dir || key.startsWith(`${dir}/`)) this.dirs.delete(key);
  }

  /** Remove a root's folder; the caller closed its handles first. */
  async removeDir(dir: string): Promise<void> {
    this.forgetDir(dir);
    await this.top.removeEntry(dir, { recursive: true });
  }
}

function matches(key: string, dir: string, path: string | undefined): boolean {
  return path === undefined ? key.startsWith(`${dir}/`) : key === `${dir}/${path}`;
}
