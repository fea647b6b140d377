/**
 * The ceiling: random 16 KiB writes straight into a FileSystemSyncAccessHandle inside the
 * worker, with no messages per block. Posts back MB/s.
 */
import { fillBlock, shuffled } from './workload.js';

interface SyncHandle {
  write(data: Uint8Array, options: { at: number }): number;
  flush(): void;
  close(): void;
}

self.onmessage = async (event: MessageEvent<{ totalBytes: number; blockSize: number }>) => {
  const { totalBytes, blockSize } = event.data;
  const opfs = await navigator.storage.getDirectory();
  const file = await opfs.getFileHandle('raw-bench.bin', { create: true });
  const handle = await (file as unknown as { createSyncAccessHandle(): Promise<SyncHandle> }).createSyncAccessHandle();
  const count = totalBytes / blockSize;
  const source = new Uint8Array(totalBytes);
  for (let i = 0; i < count; i++) fillBlock(i, blockSize, source.subarray(i * blockSize, (i + 1) * blockSize));
  const order = shuffled(count);
  const started = performance.now();
  for (const i of order) handle.write(source.subarray(i * blockSize, (i + 1) * blockSize), { at: i * blockSize });
  handle.flush();
  const seconds = (performance.now() - started) / 1000;
  handle.close();
  await opfs.removeEntry('raw-bench.bin');
  (self as unknown as { postMessage(m: number): void }).postMessage(totalBytes / 1e6 / seconds);
};
