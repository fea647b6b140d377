/**
 * Messages between OpfsStorage (main thread) and the storage worker. Both sides send arrays:
 * every request made in one turn of the event loop travels in one postMessage, and the worker
 * answers a batch in one message too (see bench/browser-storage for what that buys).
 */
import type { WorkerFailure } from './opfs-errors.js';

/** `dir` is a root's folder name under the base folder (see rootDirName). */
export type OpfsRequest =
  /** Always the first request: the worker opens OPFS with these settings. */
  | { op: 'init'; maxOpenFiles: number }
  | { op: 'read'; dir: string; path: string; offset: number; length: number }
  /** `pooled`: `data` is a staging buffer to send back (see opfs-buffer-pool.ts). */
  | { op: 'write'; dir: string; path: string; offset: number; data: Uint8Array; pooled?: boolean }
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

/** read → Uint8Array (its buffer transferred), size → number | null, get-file → File. */
export type OpfsValue = Uint8Array | number | null | File | undefined;

/** `spare`: a write's staging buffer, transferred back for reuse (see opfs-buffer-pool.ts). */
export type OpfsReply = { id: number; spare?: ArrayBuffer } & (
  | { ok: true; value: OpfsValue }
  | { ok: false; failure: WorkerFailure }
);
