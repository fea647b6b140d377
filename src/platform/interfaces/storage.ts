/**
 * Byte storage under one destination root. Paths are relative, '/'-separated, and already
 * sanitized by the engine (see engine/metainfo/path-sanitizer.ts); adapters still refuse any
 * path that would leave the root, as a second line of defence.
 */

export interface FileStorage {
  /** Read exactly `length` bytes at `offset`. Missing bytes (short or absent file) are an error. */
  read(path: string, offset: number, length: number): Promise<Uint8Array>;
  /** Write `data` at `offset`, creating the file and its folders when needed. */
  write(path: string, offset: number, data: Uint8Array): Promise<void>;
  /** Current size of the file in bytes, or null if it does not exist. */
  size(path: string): Promise<number | null>;
  /** Create the file (and folders) if missing, and set its length (extend or shrink). */
  truncate(path: string, length: number): Promise<void>;
  /** Make written data durable. */
  flush(path?: string): Promise<void>;
  /** Remove a file; no error when absent. */
  remove(path: string): Promise<void>;
  /** Release handles. */
  close(): Promise<void>;
}

export class StorageError extends Error {
  constructor(
    readonly kind: 'no-space' | 'not-found' | 'permission' | 'outside-root' | 'io',
    message: string,
  ) {
    super(message);
    this.name = 'StorageError';
  }
}
