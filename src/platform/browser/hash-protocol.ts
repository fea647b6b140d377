/**
 * Messages between WorkerHasher (main thread) and the hash worker. The piece's ArrayBuffer is
 * transferred (moved, not copied) both ways: the worker digests the view and sends it back.
 */

/** `id` 0 is the readiness probe: the worker answers it as soon as its module has loaded. */
export interface HashRequest {
  id: number;
  buffer: ArrayBuffer;
  byteOffset: number;
  byteLength: number;
}

export type HashReply =
  | { id: number; ok: true; digest: ArrayBuffer; buffer: ArrayBuffer }
  | { id: number; ok: false; message: string; buffer: ArrayBuffer };
