/**
 * Messages between OpfsStorage (main thread) and the storage worker. Both sides send arrays:
 * every request made in one turn of the event loop travels in one postMessage, and the worker
 * answers a batch in one message too (see bench/browser-storage for what that buys).
 */
import type { PieceSegment } from '../interfaces/storage.js';
import type { WorkerFailure } from './opfs-errors.js';

/** `dir` is a root's folder name under the base folder (see rootDirName). */
export type OpfsRequest =
  /** Always the first request: the worker opens OPFS with these settings. */
  | { op: 'init'; maxOpenFiles: number }
  | { op: 'read'; dir: string; path: string; offset: number; length: number }
  /** `pooled`: `data` is a staging buffer to send back (see opfs-buffer-pool.ts). */
  | { op: 'write'; dir: string; path: string; offset: number; data: Uint8Array; pooled?: boolean }
  /**
   * SHA-1 `data` and, only if it equals `sha1`, write its segments. `data`'s ArrayBuffer is
   * transferred in (unless shared) and comes back as the reply's `lent`, whatever happened.
   */
  | { op: 'write-if-sha1'; dir: string; data: Uint8Array; sha1: Uint8Array; segments: PieceSegment[] }
  | { op: 'size'; dir: string; path: string }
  | { op: 'truncate'; dir: string; path: string; length: number }
  | { op: 'flush'; dir: string; path?: string }
  | { op: 'remove'; dir: string; path: string }
  | { op: 'get-file'; dir: string; path: string }
  /** Flush and close the handles of one root. */
  | { op: 'close-dir'; dir: string }
  | { op: 'remove-dir'; dir: string }
  /** Flush and close every handle (before the worker is terminated). */
  | { op: 'close-all' };

export type OpfsEnvelope = OpfsRequest & { id: number };

/**
 * What write-if-sha1 did: a mismatch writes nothing; a write that failed after the hash matched
 * is reported here (not as a failed request) so the caller knows the verdict and gets its bytes.
 */
export interface VerifiedWriteValue {
  matched: boolean;
  failure?: WorkerFailure;
  /** The file the failed write was for (for the error message). */
  failedPath?: string;
}

/** read → Uint8Array (its buffer transferred), size → number | null, get-file → File. */
export type OpfsValue = Uint8Array | number | null | File | VerifiedWriteValue | undefined;

/**
 * `spare`: a write's staging buffer, transferred back for reuse (see opfs-buffer-pool.ts).
 * `lent`: write-if-sha1's piece buffer, transferred back to its owner.
 */
export type OpfsReply = { id: number; spare?: ArrayBuffer; lent?: ArrayBuffer } & (
  | { ok: true; value: OpfsValue }
  | { ok: false; failure: WorkerFailure }
);
