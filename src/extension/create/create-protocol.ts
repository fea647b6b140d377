/**
 * Messages between the "Create torrent" page and its hashing worker (create-worker.ts). The
 * page hands over the picked `File`s (structured clone: no bytes are copied) in the plan's
 * order; the worker reads each once, writes it into the staging folder and hashes it.
 */
import type { CreatePlan } from './create-input.js';

export type PageToCreateWorker =
  | {
      type: 'start';
      /** The staging folder's name (staging.ts); the page holds its lock while it matters. */
      staging: string;
      plan: CreatePlan;
      /** `files[i]` is the torrent's file i (already in plan order). */
      files: File[];
      createdBy: string;
      /** Seconds since the Unix epoch. */
      creationDate: number;
    }
  | { type: 'cancel' };

export type CreateWorkerToPage =
  | { type: 'progress'; hashed: number; total: number }
  /** The .torrent, and every file's bytes are in the staging folder, flushed and closed. */
  | { type: 'done'; torrent: Uint8Array }
  /** Nothing is left behind (the staging folder was removed). */
  | { type: 'cancelled' }
  | { type: 'error'; message: string };
