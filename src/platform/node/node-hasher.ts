/**
 * The engine's `Hasher` over node:crypto. Pieces in shared memory are hashed on a worker thread
 * (hash-worker-pool.ts) so the event loop keeps receiving; small or unshared data inline.
 */
import type { Hasher } from '../interfaces/hash.js';
import { HashWorkerPool } from './hash-worker-pool.js';

export class NodeHasher implements Hasher {
  private readonly pool = new HashWorkerPool();

  sha1(data: Uint8Array): Promise<Uint8Array> {
    return this.pool.digest('sha1', data);
  }

  sha256(data: Uint8Array): Promise<Uint8Array> {
    return this.pool.digest('sha256', data);
  }

  sha1Transfer(data: Uint8Array): Promise<{ digest: Uint8Array; data: Uint8Array }> {
    return this.pool.digestMoved('sha1', data);
  }
}
