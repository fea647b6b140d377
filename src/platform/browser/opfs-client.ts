/**
 * The main thread's end of the storage worker: numbered requests, replies matched by id.
 * Requests made in one turn of the event loop are sent as one message (one structured clone
 * and one task in the worker instead of hundreds) unless batching is turned off.
 */
import { StorageError } from '../interfaces/storage.js';
import { toStorageError } from './opfs-errors.js';
import { BufferPool } from './opfs-buffer-pool.js';
import type { OpfsEnvelope, OpfsReply, OpfsRequest, OpfsValue } from './opfs-protocol.js';

interface Pending {
  resolve(value: OpfsValue): void;
  reject(error: StorageError): void;
  action: string;
  path: string;
  /** Receives a lent buffer the worker sends back (write-if-sha1), before the request settles. */
  onLent?: (buffer: ArrayBuffer) => void;
}

export class OpfsClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private outbox: OpfsEnvelope[] = [];
  private outboxTransfers: Transferable[] = [];
  private flushScheduled = false;
  private broken: StorageError | undefined;
  /** Staging buffers for writes, sent back by the worker with each write's reply. */
  readonly pool = new BufferPool();

  constructor(
    private readonly worker: Worker,
    private readonly batch: boolean,
  ) {
    worker.onmessage = (event: MessageEvent<OpfsReply[]>) => this.onReplies(event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      this.fail(`the storage worker failed: ${event.message || 'it could not be loaded'}`);
    };
    worker.onmessageerror = () => this.fail('the storage worker sent a message that could not be read');
  }

  /** Send one request; `action` and `path` make the error message if it fails. */
  call<T extends OpfsValue>(
    request: OpfsRequest,
    action: string,
    path: string,
    transfer: Transferable[] = [],
    onLent?: (buffer: ArrayBuffer) => void,
  ): Promise<T> {
    if (this.broken) return Promise.reject(this.broken);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: OpfsValue) => void, reject, action, path, onLent });
      const envelope = { ...request, id } as OpfsEnvelope;
      if (!this.batch) {
        this.worker.postMessage([envelope], transfer);
        return;
      }
      this.outbox.push(envelope);
      for (const t of transfer) this.outboxTransfers.push(t);
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        queueMicrotask(() => this.flushOutbox());
      }
    });
  }

  /** Stop the worker; anything still pending fails. */
  terminate(): void {
    this.worker.terminate();
    this.fail('the storage was closed');
  }

  private flushOutbox(): void {
    this.flushScheduled = false;
    const batch = this.outbox;
    const transfers = this.outboxTransfers;
    this.outbox = [];
    this.outboxTransfers = [];
    if (batch.length > 0 && !this.broken) this.worker.postMessage(batch, transfers);
  }

  private onReplies(replies: OpfsReply[]): void {
    for (const reply of replies) {
      if (reply.spare) this.pool.give(reply.spare);
      const pending = this.pending.get(reply.id);
      if (!pending) continue;
      this.pending.delete(reply.id);
      if (reply.lent) pending.onLent?.(reply.lent);
      if (reply.ok) pending.resolve(reply.value);
      else pending.reject(toStorageError(reply.failure, pending.action, pending.path));
    }
  }

  private fail(message: string): void {
    this.broken ??= new StorageError('io', message);
    for (const pending of this.pending.values()) pending.reject(this.broken);
    this.pending.clear();
  }
}
