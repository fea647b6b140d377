/** The benchmark page: exposes the workloads on `window.bench` for run.mjs. */
import { OpfsStorageManager } from '../../src/platform/browser/opfs-storage.js';
import { randomWrites, sequentialReads, type WriteRun } from './workload.js';

function raw(totalBytes: number, blockSize: number): Promise<number> {
  const worker = new Worker(new URL('./raw-worker.ts', import.meta.url), { type: 'module' });
  return new Promise((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<number>) => {
      worker.terminate();
      resolve(event.data);
    };
    worker.onerror = (event) => reject(new Error(event.message));
    worker.postMessage({ totalBytes, blockSize });
  });
}

/** One adapter run: random writes with these settings, then sequential reads of the same file. */
async function adapter(run: WriteRun & { batchMessages: boolean; readChunk: number }) {
  const manager = new OpfsStorageManager({ batchMessages: run.batchMessages });
  try {
    const write = await randomWrites(manager, 'bench', 'data.bin', run);
    const read = await sequentialReads(manager, 'bench', 'data.bin', { totalBytes: run.totalBytes, blockSize: run.blockSize, chunk: run.readChunk });
    if (!read.ok) throw new Error('read back wrong data');
    return { write, read: read.mbps };
  } finally {
    await manager.removeRoot('bench');
    await manager.close();
  }
}

(globalThis as unknown as { bench: unknown }).bench = { raw, adapter };
