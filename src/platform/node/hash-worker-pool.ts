/**
 * SHA hashing on a worker thread, for data in shared memory (the engine keeps pieces in
 * SharedArrayBuffers when the platform has them): the worker reads the bytes in place, so the
 * event loop keeps moving packets while a 1 MiB piece is hashed. Anything else is hashed inline.
 */
import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';

// CommonJS because eval workers are; kept as a string so it runs from sources and from build/.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
parentPort.on('message', (job) => {
  const digest = createHash(job.algorithm).update(new Uint8Array(job.buffer, job.offset, job.length)).digest();
  parentPort.postMessage({ id: job.id, digest: new Uint8Array(digest.buffer, digest.byteOffset, digest.length) });
});
`;

/** Below this size a round trip to the worker costs more than hashing inline. */
const MIN_OFFLOAD_BYTES = 64 * 1024;

interface Job {
  resolve(digest: Uint8Array): void;
  reject(error: Error): void;
}

export class HashWorkerPool {
  private worker: Worker | null = null;
  private readonly jobs = new Map<number, Job>();
  private nextId = 1;
  private broken = false;

  digest(algorithm: 'sha1' | 'sha256', data: Uint8Array): Promise<Uint8Array> {
    if (this.broken || data.length < MIN_OFFLOAD_BYTES || !(data.buffer instanceof SharedArrayBuffer)) {
      return Promise.resolve(inline(algorithm, data));
    }
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.jobs.set(id, { resolve, reject });
      if (this.jobs.size === 1) worker.ref();
      worker.postMessage({ id, algorithm, buffer: data.buffer, offset: data.byteOffset, length: data.length });
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.unref(); // an idle hasher never keeps the process alive
    worker.on('message', (message: { id: number; digest: Uint8Array }) => {
      const job = this.jobs.get(message.id);
      if (!job) return;
      this.jobs.delete(message.id);
      if (this.jobs.size === 0) worker.unref();
      job.resolve(message.digest);
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

function inline(algorithm: 'sha1' | 'sha256', data: Uint8Array): Uint8Array {
  const buf = createHash(algorithm).update(data).digest();
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
}
