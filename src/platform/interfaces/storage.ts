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
  /**
   * Optional: SHA-1 a whole piece the caller lends out and, only if the digest equals `sha1`,
   * write its `segments`, both where that is cheapest (in the browser, the storage worker: the
   * piece crosses threads once, with no copy). As with Hasher.sha1Transfer the caller's array
   * may be detached: use the returned `data` afterwards. A failed write does not lose the
   * bytes: it comes back as `writeError` with `matched: true`. Without it: hash, then write().
   */
  writeIfSha1?(data: Uint8Array, sha1: Uint8Array, segments: readonly PieceSegment[]): Promise<VerifiedWrite>;
}

/** One file's share of a piece: `length` bytes from `pieceOffset` in the piece go to `offset` in `path`. */
export interface PieceSegment {
  path: string;
  offset: number;
  pieceOffset: number;
  length: number;
}

/** What writeIfSha1 did: nothing on a mismatch; on a match every segment was written unless `writeError`. */
export interface VerifiedWrite {
  matched: boolean;
  data: Uint8Array;
  writeError?: StorageError;
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
