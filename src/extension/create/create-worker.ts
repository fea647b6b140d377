/**
 * Hashes a new torrent off the page's thread, copying as it hashes: each chunk is read once from
 * the picked `File`, written to the staging folder (staging.ts) through a sync access handle, and
 * the very same bytes go to the engine's createTorrent. A finished creation therefore leaves in
 * OPFS exactly the data its piece hashes describe, and the engine can seed it without reading it
 * again. Cancel (or any failure) removes what was written.
 */
import { createTorrent } from '../../engine/metainfo/create.js';
import { errorMessage } from '../../engine/util/errors.js';
import { WebCryptoHasher } from '../../platform/webcrypto-hasher.js';
import type { SyncAccessHandle } from '../../platform/browser/opfs-handles.js';
import type { CreateWorkerToPage, PageToCreateWorker } from './create-protocol.js';
import { removeStaging, stagingDir } from './staging.js';

interface WorkerScope {
  onmessage: ((event: MessageEvent<PageToCreateWorker>) => void) | null;
  postMessage(message: CreateWorkerToPage, transfer?: Transferable[]): void;
}

export const CREATE_WORKER_LIMITS = {
  /** Progress messages at most this often (the last one always goes). */
  progressIntervalMs: 100,
  /**
   * Bytes read from a File (and written to OPFS) at once: createTorrent asks piece by piece, and
   * each File read has a fixed cost that dominates at 16-64 KiB.
   */
  readAheadBytes: 4 * 1024 * 1024,
} as const;

const scope = self as unknown as WorkerScope;
let cancelled = false;
let busy = false;

class Cancelled extends Error {}

scope.onmessage = (event) => {
  const message = event.data;
  if (message.type === 'cancel') cancelled = true;
  else if (message.type === 'start' && !busy) {
    busy = true;
    void run(message).finally(() => (busy = false));
  }
};

/** One open sync handle at a time: createTorrent reads the files in order. */
class StagedWriter {
  private index = -1;
  private handle: SyncAccessHandle | null = null;

  constructor(private readonly dir: FileSystemDirectoryHandle) {}

  async write(index: number, offset: number, data: Uint8Array): Promise<void> {
    if (index !== this.index) {
      this.close();
      const file = (await this.dir.getFileHandle(String(index), { create: true })) as FileSystemFileHandle & { createSyncAccessHandle(): Promise<SyncAccessHandle> };
      this.handle = await file.createSyncAccessHandle();
      this.index = index;
    }
    const written = this.handle!.write(data, { at: offset });
    if (written !== data.length) throw new Error(`the browser storage took ${written} of ${data.length} bytes (is the disk full?)`);
  }

  close(): void {
    if (!this.handle) return;
    this.handle.flush();
    this.handle.close();
    this.handle = null;
  }
}

/**
 * Sequential reads served from one block read ahead of them; each block is written to the
 * staging file as it is read, and the hasher gets views of that very buffer.
 */
class ReadAhead {
  private index = -1;
  private start = 0;
  private block = new Uint8Array(0);

  constructor(
    private readonly files: readonly File[],
    private readonly writer: StagedWriter,
  ) {}

  async read(index: number, offset: number, length: number): Promise<Uint8Array> {
    if (index !== this.index || offset < this.start || offset + length > this.start + this.block.length) {
      const file = this.files[index]!;
      const end = Math.min(file.size, offset + Math.max(length, CREATE_WORKER_LIMITS.readAheadBytes));
      this.block = new Uint8Array(await file.slice(offset, end).arrayBuffer());
      if (cancelled) throw new Cancelled();
      this.index = index;
      this.start = offset;
      await this.writer.write(index, offset, this.block);
    }
    return this.block.subarray(offset - this.start, offset - this.start + length);
  }
}

async function run(message: Extract<PageToCreateWorker, { type: 'start' }>): Promise<void> {
  cancelled = false;
  const { plan, files, staging } = message;
  let writer: StagedWriter | null = null;
  try {
    const dir = await stagingDir(staging, true);
    writer = new StagedWriter(dir);
    const reader = new ReadAhead(files, writer);
    let lastPost = 0;
    const torrent = await createTorrent({
      name: plan.name,
      files: plan.files,
      singleFile: plan.singleFile,
      hasher: new WebCryptoHasher(),
      ...(plan.pieceLength ? { pieceLength: plan.pieceLength } : {}),
      announce: plan.announce,
      urlList: plan.urlList,
      private: plan.private,
      createdBy: message.createdBy,
      creationDate: message.creationDate,
      read: async (index, offset, length) => {
        if (cancelled) throw new Cancelled();
        if (files[index]!.size !== plan.files[index]!.length) throw new Error(`${plan.files[index]!.path.join('/')} changed since it was chosen; choose it again.`);
        return reader.read(index, offset, length);
      },
      onProgress: (hashed, total) => {
        const now = performance.now();
        if (hashed < total && now - lastPost < CREATE_WORKER_LIMITS.progressIntervalMs) return;
        lastPost = now;
        scope.postMessage({ type: 'progress', hashed, total });
      },
    });
    writer.close();
    // Empty files are never read: they exist in the torrent all the same.
    for (let i = 0; i < plan.files.length; i++) if (plan.files[i]!.length === 0) await dir.getFileHandle(String(i), { create: true });
    if (cancelled) throw new Cancelled();
    scope.postMessage({ type: 'done', torrent }, [torrent.buffer as ArrayBuffer]);
  } catch (error) {
    writer?.close();
    await removeStaging(staging).catch(() => undefined);
    if (error instanceof Cancelled) scope.postMessage({ type: 'cancelled' });
    else scope.postMessage({ type: 'error', message: readError(error) });
  }
}

/** File reads fail with a bare NotReadableError when the file was moved or changed. */
function readError(error: unknown): string {
  if (error instanceof DOMException && error.name === 'NotReadableError') return 'A file could not be read: it was moved, deleted or changed since it was chosen. Choose the files again.';
  if (error instanceof DOMException && error.name === 'QuotaExceededError') return 'The browser has no room left to keep a copy of these files for seeding.';
  return errorMessage(error).replace(/^create: /, '');
}
