/**
 * One torrent being created: holds the staging folder's Web Lock (so no other page sweeps it),
 * runs the hashing worker, and hands the result to the engine (`seedCreated`). The progress it
 * reports is the worker's count of hashed bytes.
 */
import type { Command, CommandResult } from '../../src/extension/messages.js';
import type { CreatePlan } from '../../src/extension/create/create-input.js';
import type { CreateWorkerToPage, PageToCreateWorker } from '../../src/extension/create/create-protocol.js';
import { lockName, newStagingId, removeStaging } from '../../src/extension/create/staging.js';
import { toBase64 } from '../../src/extension/offscreen/saved-torrents.js';

export type JobEvent =
  | { type: 'progress'; hashed: number; total: number }
  /** Hashed; the engine is taking the files over. */
  | { type: 'hashed' }
  | { type: 'done'; torrent: Uint8Array; infoHash: string }
  | { type: 'cancelled' }
  | { type: 'error'; message: string };

export interface CreateJob {
  cancel(): void;
}

export function startCreateJob(
  plan: CreatePlan,
  files: File[],
  send: (command: Command) => Promise<CommandResult>,
  onEvent: (event: JobEvent) => void,
  createdBy: string,
): CreateJob {
  const staging = newStagingId();
  const worker = new Worker(new URL('../../src/extension/create/create-worker.ts', import.meta.url), { type: 'module' });
  let finished = false;
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const finish = (event: JobEvent): void => {
    if (finished) return;
    finished = true;
    worker.terminate();
    release();
    onEvent(event);
  };
  worker.onerror = (event) => {
    event.preventDefault();
    void removeStaging(staging).catch(() => undefined);
    finish({ type: 'error', message: `The hashing worker failed: ${event.message || 'it could not be started'}` });
  };
  worker.onmessage = (event: MessageEvent<CreateWorkerToPage>) => {
    const message = event.data;
    if (message.type === 'progress') onEvent(message);
    else if (message.type === 'cancelled') finish({ type: 'cancelled' });
    else if (message.type === 'error') finish({ type: 'error', message: message.message });
    else if (message.type === 'done') {
      onEvent({ type: 'hashed' });
      const torrent = message.torrent;
      void send({ type: 'seedCreated', torrent: toBase64(torrent), staging }).then((result) => {
        if (result.ok && 'infoHash' in result && result.infoHash) finish({ type: 'done', torrent, infoHash: result.infoHash });
        else {
          void removeStaging(staging).catch(() => undefined);
          finish({ type: 'error', message: result.ok ? 'TorrentEdge did not take the torrent.' : result.error });
        }
      });
    }
  };
  // The lock is held from before the first byte is staged until the engine answered, so no other
  // page's sweep (staging.ts) takes the folder meanwhile.
  const start: PageToCreateWorker = { type: 'start', staging, plan, files, createdBy, creationDate: Math.floor(Date.now() / 1000) };
  void navigator.locks.request(lockName(staging), () => {
    if (!finished) worker.postMessage(start);
    return held;
  });
  return {
    cancel() {
      if (!finished) worker.postMessage({ type: 'cancel' } satisfies PageToCreateWorker);
    },
  };
}
