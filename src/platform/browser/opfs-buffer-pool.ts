/**
 * Staging buffers for writes. The engine's bytes must be copied before they are transferred
 * to the storage worker (it reuses its piece buffers), and allocating a fresh ArrayBuffer per
 * 16 KiB block measured ~34 µs in Chromium (more than the copy itself; see
 * bench/browser-storage). So the worker transfers each staging buffer back with its reply and
 * it is reused: in steady state a write costs one memcpy and two transfers.
 */
export const OPFS_BUFFER_POOL_LIMITS = {
  /** Capacities are powers of two from this... */
  minBuffer: 16 * 1024,
  /** ...up to this; larger writes get a buffer of their own that is not kept. */
  maxBuffer: 4 * 1024 * 1024,
  /** Bytes kept idle in the pool, all sizes together. */
  maxPooledBytes: 32 * 1024 * 1024,
} as const;

export class BufferPool {
  private readonly free = new Map<number, ArrayBuffer[]>();
  private pooledBytes = 0;

  constructor(private readonly limits: typeof OPFS_BUFFER_POOL_LIMITS = OPFS_BUFFER_POOL_LIMITS) {}

  /** A copy of `data` in a buffer the caller may transfer (and should give back). */
  copy(data: Uint8Array): Uint8Array<ArrayBuffer> {
    const capacity = this.capacityFor(data.length);
    const spare = capacity === undefined ? undefined : this.free.get(capacity)?.pop();
    if (spare) this.pooledBytes -= spare.byteLength;
    const out = new Uint8Array(spare ?? new ArrayBuffer(capacity ?? data.length), 0, data.length);
    out.set(data);
    return out;
  }

  /** Take back a buffer from a finished write; kept when it fits a size class and the budget. */
  give(buffer: ArrayBuffer): void {
    const size = buffer.byteLength;
    if (this.capacityFor(size) !== size || this.pooledBytes + size > this.limits.maxPooledBytes) return;
    let list = this.free.get(size);
    if (!list) this.free.set(size, (list = []));
    list.push(buffer);
    this.pooledBytes += size;
  }

  private capacityFor(length: number): number | undefined {
    if (length > this.limits.maxBuffer) return undefined;
    let capacity = this.limits.minBuffer;
    while (capacity < length) capacity *= 2;
    return capacity;
  }
}
