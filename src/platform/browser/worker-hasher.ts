/**
 * The browser's `Hasher`: small inputs are digested with WebCrypto where they are (metadata,
 * v2 blocks), whole piece buffers lent by the engine (sha1Transfer) are moved to a dedicated
 * hash worker and back. Chromium runs subtle.digest on the calling thread, so on the offscreen
 * document's main thread every piece cost ~2 ms per MiB that the wire parser and the relay
 * socket were waiting for.
 */
import type { Hasher } from '../interfaces/hash.js';
import { WebCryptoHasher } from '../webcrypto-hasher.js';
import type { HashReply, HashRequest } from './hash-protocol.js';

export interface WorkerHasherOptions {
  /** A worker running hash-worker.ts; by default one is started from the bundled script. */
  worker?: Worker;
  /** sha1Transfer of fewer bytes stays on this thread: a round trip costs more than hashing them. */
  minTransferBytes?: number;
}

export const WORKER_HASHER_DEFAULTS = {
  minTransferBytes: 64 * 1024,
} as const;

interface Pending {
  byteOffset: number;
  byteLength: number;
  resolve(result: { digest: Uint8Array; data: Uint8Array }): void;
  reject(error: Error): void;
}

export class WorkerHasher implements Hasher {
  private readonly local = new WebCryptoHasher();
  private readonly worker: Worker;
  private readonly minTransferBytes: number;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /**
   * Buffers are transferred only once the worker has answered the readiness probe: a buffer
   * posted to a worker whose script failed to load would be lost with the piece in it.
   */
  private ready = false;
  private broken: Error | undefined;

  constructor(options: WorkerHasherOptions = {}) {
    // This exact form lets vite (and the extension build) bundle the worker as its own module.
    this.worker = options.worker ?? new Worker(new URL('./hash-worker.ts', import.meta.url), { type: 'module' });
    this.minTransferBytes = options.minTransferBytes ?? WORKER_HASHER_DEFAULTS.minTransferBytes;
    this.worker.onmessage = (event: MessageEvent<HashReply>) => this.onReply(event.data);
    this.worker.onerror = (event) => {
      event.preventDefault();
      this.fail(`the hash worker failed: ${event.message || 'it could not be loaded'}`);
    };
    this.worker.onmessageerror = () => this.fail('the hash worker sent a message that could not be read');
    const probe: HashRequest = { id: 0, buffer: new ArrayBuffer(0), byteOffset: 0, byteLength: 0 };
    this.worker.postMessage(probe);
  }

  /** True once pieces go to the worker (tests; diagnostics). */
  get offThread(): boolean {
    return this.ready && !this.broken;
  }

  sha1(data: Uint8Array): Promise<Uint8Array> {
    return this.local.sha1(data);
  }

  sha256(data: Uint8Array): Promise<Uint8Array> {
    return this.local.sha256(data);
  }

  /** Moves `data`'s whole ArrayBuffer to the worker (detaching `data`) and back. */
  async sha1Transfer(data: Uint8Array): Promise<{ digest: Uint8Array; data: Uint8Array }> {
    const buffer = data.buffer;
    // Shared memory cannot be transferred (nor needs to be); small data is not worth a trip.
    if (!this.offThread || !(buffer instanceof ArrayBuffer) || data.length < this.minTransferBytes) {
      return { digest: await this.local.sha1(data), data };
    }
    const id = this.nextId++;
    const request: HashRequest = { id, buffer, byteOffset: data.byteOffset, byteLength: data.byteLength };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { byteOffset: data.byteOffset, byteLength: data.byteLength, resolve, reject });
      this.worker.postMessage(request, [buffer]);
    });
  }

  /** Stops the worker; hashes in flight fail (their buffers are gone with it). */
  close(): void {
    this.worker.terminate();
    this.fail('the hasher was closed');
  }

  private onReply(reply: HashReply): void {
    if (reply.id === 0) {
      this.ready = true;
      return;
    }
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    // The same memory, back: a new view with the lent view's offset and length.
    const data = new Uint8Array(reply.buffer, pending.byteOffset, pending.byteLength);
    if (reply.ok) pending.resolve({ digest: new Uint8Array(reply.digest), data });
    // The bytes came back with the failure: hash them here rather than lose the piece.
    else this.local.sha1(data).then((digest) => pending.resolve({ digest, data }), pending.reject);
  }

  private fail(message: string): void {
    this.broken ??= new Error(message);
    for (const pending of this.pending.values()) pending.reject(this.broken);
    this.pending.clear();
  }
}
