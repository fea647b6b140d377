/**
 * Storage workloads run inside the browser page, shared by the benchmark (run.mjs) and the
 * browser tests: random-offset block writes as the engine writes pieces, sequential reads as
 * a recheck or an upload reads them, with contents that can be checked.
 */
import type { OpfsStorageManager } from '../../src/platform/browser/opfs-storage.js';

/** Deterministic block contents: block i is filled with 32-bit words i*65536+j. */
export function fillBlock(index: number, size: number, into?: Uint8Array): Uint8Array {
  const out = into ?? new Uint8Array(size);
  const words = new Uint32Array(out.buffer, out.byteOffset, size / 4);
  for (let j = 0; j < words.length; j++) words[j] = (index * 65536 + j) >>> 0;
  return out;
}

/** 0..count-1 in a fixed pseudo-random order (an LCG: repeatable across runs). */
export function shuffled(count: number): number[] {
  const order = Array.from({ length: count }, (_, i) => i);
  let seed = 12345;
  for (let i = count - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const j = seed % (i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

export interface WriteRun {
  totalBytes: number;
  blockSize: number;
  /** Requests in flight at once. */
  window: number;
  /** Source blocks are views of one SharedArrayBuffer (posted without a copy). */
  shared?: boolean;
}

/** Write every block once at random offsets from views into one big buffer; MB/s incl. flush. */
export async function randomWrites(manager: OpfsStorageManager, root: string, path: string, run: WriteRun): Promise<number> {
  const { totalBytes, blockSize, window } = run;
  const storage = await manager.open(root);
  const count = totalBytes / blockSize;
  const source = run.shared ? new Uint8Array(new SharedArrayBuffer(totalBytes)) : new Uint8Array(totalBytes);
  for (let i = 0; i < count; i++) fillBlock(i, blockSize, source.subarray(i * blockSize, (i + 1) * blockSize));
  const order = shuffled(count);
  const started = performance.now();
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < count) {
      const i = order[next++]!;
      await storage.write(path, i * blockSize, source.subarray(i * blockSize, (i + 1) * blockSize));
    }
  };
  await Promise.all(Array.from({ length: Math.min(window, count) }, lane));
  await storage.flush(path);
  return mbps(totalBytes, started);
}

/** Read the file front to back in `chunk` reads, spot-checking every block; MB/s and result. */
export async function sequentialReads(
  manager: OpfsStorageManager,
  root: string,
  path: string,
  run: { totalBytes: number; blockSize: number; chunk: number },
): Promise<{ mbps: number; ok: boolean }> {
  const { totalBytes, blockSize, chunk } = run;
  const storage = await manager.open(root);
  let ok = true;
  const expected = new Uint8Array(blockSize);
  const started = performance.now();
  for (let at = 0; at < totalBytes; at += chunk) {
    const bytes = await storage.read(path, at, chunk);
    for (let b = 0; b < chunk; b += blockSize) {
      fillBlock((at + b) / blockSize, blockSize, expected);
      const got = bytes.subarray(b, b + blockSize);
      // A few words per block: a full compare would dominate the timing.
      for (const k of [0, 1, blockSize / 2, blockSize - 4]) if (got[k] !== expected[k]) ok = false;
    }
  }
  return { mbps: mbps(totalBytes, started), ok };
}

function mbps(bytes: number, started: number): number {
  return bytes / 1e6 / ((performance.now() - started) / 1000);
}
