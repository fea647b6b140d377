/**
 * SHA hashing on a worker thread, so the event loop keeps moving packets while a 1 MiB piece is
 * hashed. Data reaches the worker without a copy: either in shared memory, or as a whole
 * ArrayBuffer moved there and back (transfer). Small or borrowed data is hashed inline.
 */
import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';

// CommonJS because eval workers are; kept as a string so it runs from sources and from build/.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
parentPort.on('message', (job) => {
  const view = new Uint8Array(job.buffer, job.offset, job.length);
  const d = createHash(job.algorithm).update(view).digest();
  const digest = new Uint8Array(d.buffer, d.byteOffset, d.length).slice();
  if (job.moved) parentPort.postMessage({ id: job.id, digest, buffer: job.buffer }, [job.buffer]);
  else parentPort.postMessage({ id: job.id, digest });
});
`;

/** Below this size a round trip to the worker costs more than hashing inline. */
const MIN_OFFLOAD_BYTES = 64 * 1024;

type Algorithm = 'sha1' | 'sha256';

interface Job {
  resolve(result: { digest: Uint8Array; buffer?: ArrayBuffer }): void;
  reject(error: Error): void;
}

export class HashWorkerPool {
  private worker: Worker | null = null;
  private readonly jobs = new Map<number, Job>();
  private nextId = 1;
  private broken = false;

  /** Hash data the caller keeps using: offloaded only when it lives in shared memory. */
  async digest(algorithm: Algorithm, data: Uint8Array): Promise<Uint8Array> {
    if (this.broken || data.length < MIN_OFFLOAD_BYTES || !(data.buffer instanceof SharedArrayBuffer)) {
      return inline(algorithm, data);
    }
    const result = await this.post({ algorithm, buffer: data.buffer, offset: data.byteOffset, length: data.length, moved: false }, []);
    return result.digest;
  }

  /** Hash a whole buffer the caller lends out: moved to the worker and back, never copied. */
  async digestMoved(algorithm: Algorithm, data: Uint8Array): Promise<{ digest: Uint8Array; data: Uint8Array }> {
    const whole = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength && data.buffer instanceof ArrayBuffer;
    if (this.broken || data.length < MIN_OFFLOAD_BYTES || !whole) return { digest: inline(algorithm, data), data };
    const buffer = data.buffer as ArrayBuffer;
    const result = await this.post({ algorithm, buffer, offset: 0, length: data.length, moved: true }, [buffer]);
    return { digest: result.digest, data: new Uint8Array(result.buffer!) };
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }

  private post(
    job: { algorithm: Algorithm; buffer: ArrayBufferLike; offset: number; length: number; moved: boolean },
    transfer: ArrayBuffer[],
  ): Promise<{ digest: Uint8Array; buffer?: ArrayBuffer }> {
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.jobs.set(id, { resolve, reject });
      if (this.jobs.size === 1) worker.ref();
      worker.postMessage({ id, ...job }, transfer);
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.unref(); // an idle hasher never keeps the process alive
    worker.on('message', (message: { id: number; digest: Uint8Array; buffer?: ArrayBuffer }) => {
      const job = this.jobs.get(message.id);
      if (!job) return;
      this.jobs.delete(message.id);
      if (this.jobs.size === 0) worker.unref();
      job.resolve(message);
    });
    worker.on('error', (error) => this.failAll(error));
    worker.on('exit', () => this.failAll(new Error('hash worker exited')));
    this.worker = worker;
    return worker;
  }

  /** A dead worker: fail what it held, and hash inline from now on. */
  private failAll(error: Error): void {
    this.broken = true;
    this.worker = null;
    for (const job of this.jobs.values()) job.reject(error);
    this.jobs.clear();
  }
}

function inline(algorithm: Algorithm, data: Uint8Array): Uint8Array {
  const buf = createHash(algorithm).update(data).digest();
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
}
