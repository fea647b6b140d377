/**
 * The engine's `FileStorage` in the origin-private file system. All file I/O happens in one
 * dedicated Worker (opfs-worker.ts) holding FileSystemSyncAccessHandles; this side posts
 * requests and awaits replies. Each root (the engine's destination string) is a folder
 * `torrents/<rootDirName(root)>/` and its files are '/'-separated paths under it.
 */
import { StorageError, type FileStorage, type PieceSegment, type VerifiedWrite } from '../interfaces/storage.js';
import { toStorageError } from './opfs-errors.js';
import type { VerifiedWriteValue } from './opfs-protocol.js';
import { OpfsClient } from './opfs-client.js';
import { rootDirName, splitPath } from './opfs-paths.js';

export interface OpfsStorageOptions {
  /** Sync access handles kept open in the worker; each one locks its file. */
  maxOpenFiles?: number;
  /** Send the requests of one event-loop turn as one message (see bench/browser-storage). */
  batchMessages?: boolean;
  /** A worker running opfs-worker.ts; by default one is started from the bundled script. */
  worker?: Worker;
}

export const OPFS_STORAGE_DEFAULTS = {
  maxOpenFiles: 64,
  batchMessages: true,
} as const satisfies Required<Omit<OpfsStorageOptions, 'worker'>>;

/** Owns the storage worker; opens per-root storages and hands finished files to the browser. */
export class OpfsStorageManager {
  private readonly client: OpfsClient;
  private readonly ready: Promise<unknown>;

  constructor(options: OpfsStorageOptions = {}) {
    // This exact form lets vite (and the extension build) bundle the worker as its own module.
    const worker = options.worker ?? new Worker(new URL('./opfs-worker.ts', import.meta.url), { type: 'module' });
    this.client = new OpfsClient(worker, options.batchMessages ?? OPFS_STORAGE_DEFAULTS.batchMessages);
    this.ready = this.client.call(
      { op: 'init', maxOpenFiles: options.maxOpenFiles ?? OPFS_STORAGE_DEFAULTS.maxOpenFiles },
      'open',
      'the browser storage',
    );
    // Failures surface on the first real request (it is queued behind init).
    this.ready.catch(() => undefined);
  }

  /** Storage under `root`; opening the same root twice shares the same files. */
  async open(root: string): Promise<OpfsStorage> {
    const storage = new OpfsStorage(this.client, rootDirName(root));
    await this.ready;
    return storage;
  }

  /** A finished file as a File (for downloads.download or a picked folder); closes its handle first. */
  getFile(root: string, path: string): Promise<File> {
    splitPath(path);
    return this.client.call<File>({ op: 'get-file', dir: rootDirName(root), path }, 'read', path);
  }

  /** Delete a root's folder and everything in it; no error when absent. */
  async removeRoot(root: string): Promise<void> {
    await this.client.call({ op: 'remove-dir', dir: rootDirName(root) }, 'remove', root);
  }

  /** Flush and close every file, then stop the worker. */
  async close(): Promise<void> {
    try {
      await this.client.call({ op: 'close-all' }, 'close', 'the browser storage');
    } finally {
      this.client.terminate();
    }
  }
}

export class OpfsStorage implements FileStorage {
  constructor(
    private readonly client: OpfsClient,
    /** This root's folder name under `torrents/`. */
    readonly dir: string,
  ) {}

  async read(path: string, offset: number, length: number): Promise<Uint8Array> {
    splitPath(path);
    checkRange(path, offset, length);
    return this.client.call<Uint8Array>({ op: 'read', dir: this.dir, path, offset, length }, 'read', path);
  }

  /**
   * The bytes are copied once into a staging buffer which is transferred to the worker and
   * back: the engine passes views into piece buffers it reuses, and transferring those would
   * detach them. The copy is a memcpy (~4 GB/s); a fresh buffer per write would cost more
   * than the copy, hence the pool (opfs-buffer-pool.ts). Views of a SharedArrayBuffer are
   * posted as they are (shared, no copy); as with node:fs, the caller must then leave the
   * bytes alone until the returned promise settles.
   */
  async write(path: string, offset: number, data: Uint8Array): Promise<void> {
    splitPath(path);
    checkRange(path, offset, data.length);
    if (isShared(data)) return this.post(path, offset, data, []);
    const copy = this.client.pool.copy(data);
    return this.post(path, offset, copy, [copy.buffer], true);
  }

  /**
   * write() for a caller that gives the bytes away: a view covering its whole ArrayBuffer is
   * transferred without a copy, and is detached (length 0) once this returns.
   */
  async writeOwned(path: string, offset: number, data: Uint8Array): Promise<void> {
    const whole = data.buffer instanceof ArrayBuffer && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
    if (!whole) return this.write(path, offset, data);
    splitPath(path);
    checkRange(path, offset, data.length);
    return this.post(path, offset, data, [data.buffer as ArrayBuffer]);
  }

  /**
   * Hash and write in the storage worker: the piece's ArrayBuffer is transferred there (no copy)
   * and back with the verdict. The old path moved it to the hash worker and back, then copied it
   * into staging buffers for this worker: two more messages and a memcpy per piece on the
   * offscreen document's main thread. The caller lends the whole buffer (see FileStorage).
   */
  async writeIfSha1(data: Uint8Array, sha1: Uint8Array, segments: readonly PieceSegment[]): Promise<VerifiedWrite> {
    for (const seg of segments) {
      splitPath(seg.path);
      checkRange(seg.path, seg.offset, seg.length);
      if (!Number.isSafeInteger(seg.pieceOffset) || seg.pieceOffset < 0 || seg.pieceOffset + seg.length > data.length) {
        throw new StorageError('io', `cannot write ${seg.path}: segment ${seg.pieceOffset}+${seg.length} is outside the ${data.length}-byte piece`);
      }
    }
    const { byteOffset, byteLength } = data;
    let back: Uint8Array | undefined;
    const onLent = (buffer: ArrayBuffer): void => {
      back = new Uint8Array(buffer, byteOffset, byteLength);
    };
    const transfer = data.buffer instanceof ArrayBuffer ? [data.buffer] : [];
    const request = { op: 'write-if-sha1' as const, dir: this.dir, data, sha1: sha1.slice(), segments: [...segments] };
    const path = segments[0]?.path ?? 'a piece';
    const value = await this.client.call<VerifiedWriteValue>(request, 'write', path, transfer, onLent);
    const result: VerifiedWrite = { matched: value.matched, data: back ?? data };
    if (value.failure) result.writeError = toStorageError(value.failure, 'write', value.failedPath ?? path);
    return result;
  }

  async size(path: string): Promise<number | null> {
    splitPath(path);
    return this.client.call<number | null>({ op: 'size', dir: this.dir, path }, 'inspect', path);
  }

  async truncate(path: string, length: number): Promise<void> {
    splitPath(path);
    checkRange(path, length, 0);
    await this.client.call({ op: 'truncate', dir: this.dir, path, length }, 'resize', path);
  }

  async flush(path?: string): Promise<void> {
    if (path !== undefined) splitPath(path);
    await this.client.call({ op: 'flush', dir: this.dir, path }, 'flush', path ?? 'files');
  }

  async remove(path: string): Promise<void> {
    splitPath(path);
    await this.client.call({ op: 'remove', dir: this.dir, path }, 'remove', path);
  }

  /**
   * Flush and close this root's handles (releasing their locks); the worker stays. Another
   * storage open on the same root just reopens its files on next use.
   */
  async close(): Promise<void> {
    await this.client.call({ op: 'close-dir', dir: this.dir }, 'close', 'files');
  }

  private async post(path: string, offset: number, data: Uint8Array, transfer: Transferable[], pooled = false): Promise<void> {
    await this.client.call({ op: 'write', dir: this.dir, path, offset, data, pooled }, 'write', path, transfer);
  }
}

function isShared(data: Uint8Array): boolean {
  return typeof SharedArrayBuffer === 'function' && data.buffer instanceof SharedArrayBuffer;
}

function checkRange(path: string, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length) || length < 0) {
    throw new StorageError('io', `cannot use ${path}: bad offset ${offset} or length ${length}`);
  }
}
