/** The engine's `FileStorage` in memory, with an optional capacity to play a full disk. */
import { StorageError, type FileStorage } from '../interfaces/storage.js';

export interface MemoryFileStorageOptions {
  /** Total bytes all files may hold; a write past it fails with StorageError('no-space'). */
  capacityBytes?: number;
}

interface MemoryFile {
  bytes: Uint8Array;
  length: number;
}

export class MemoryFileStorage implements FileStorage {
  private readonly files = new Map<string, MemoryFile>();
  private used = 0;
  capacityBytes: number;

  constructor(options: MemoryFileStorageOptions = {}) {
    this.capacityBytes = options.capacityBytes ?? Infinity;
  }

  async read(path: string, offset: number, length: number): Promise<Uint8Array> {
    const key = normalize(path);
    const file = this.files.get(key);
    if (!file) throw new StorageError('not-found', `cannot read ${path}: it does not exist`);
    if (offset + length > file.length) {
      throw new StorageError('not-found', `cannot read ${path}: bytes ${offset}..${offset + length} are missing (file is ${file.length} bytes)`);
    }
    return file.bytes.slice(offset, offset + length);
  }

  async write(path: string, offset: number, data: Uint8Array): Promise<void> {
    const file = this.resize(normalize(path), path, (length) => Math.max(length, offset + data.length));
    file.bytes.set(data, offset);
  }

  async size(path: string): Promise<number | null> {
    return this.files.get(normalize(path))?.length ?? null;
  }

  async truncate(path: string, length: number): Promise<void> {
    this.resize(normalize(path), path, () => length);
  }

  async flush(): Promise<void> {}

  async remove(path: string): Promise<void> {
    const key = normalize(path);
    const file = this.files.get(key);
    if (!file) return;
    this.used -= file.length;
    this.files.delete(key);
  }

  async close(): Promise<void> {}

  // --- for tests ------------------------------------------------------------------------------

  /** Paths of all files, sorted. */
  list(): string[] {
    return [...this.files.keys()].sort();
  }

  /** A copy of a file's content, or undefined. */
  peek(path: string): Uint8Array | undefined {
    const file = this.files.get(normalize(path));
    return file?.bytes.slice(0, file.length);
  }

  get usedBytes(): number {
    return this.used;
  }

  private resize(key: string, path: string, newLength: (length: number) => number): MemoryFile {
    let file = this.files.get(key);
    const oldLength = file?.length ?? 0;
    const length = newLength(oldLength);
    if (this.used + length - oldLength > this.capacityBytes) {
      throw new StorageError('no-space', `disk full: cannot write ${path}; free some space and resume`);
    }
    if (!file) this.files.set(key, (file = { bytes: new Uint8Array(0), length: 0 }));
    if (length > file.bytes.length) {
      const grown = new Uint8Array(Math.max(length, file.bytes.length * 2));
      grown.set(file.bytes.subarray(0, file.length));
      file.bytes = grown;
    } else if (length < file.length) {
      // Shrinking then growing again must read zeros, as on a real file system.
      file.bytes.fill(0, length, file.length);
    }
    this.used += length - oldLength;
    file.length = length;
    return file;
  }
}

/** 'a//b/./c' and 'a/b/c' are one file; '..', absolute and empty paths leave the root. */
function normalize(path: string): string {
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  if (path.startsWith('/') || path.includes('\0') || parts.length === 0 || parts.includes('..')) {
    throw new StorageError('outside-root', `refusing path ${JSON.stringify(path)}: not a relative file path`);
  }
  return parts.join('/');
}
