import { describe, expect, it } from 'vitest';
import { BufferPool, OPFS_BUFFER_POOL_LIMITS } from '../../../src/platform/browser/opfs-buffer-pool.js';

describe('BufferPool', () => {
  it('copies exactly the view, not the buffer around it', () => {
    const big = new Uint8Array([1, 2, 3, 4, 5, 6]);
    const copy = new BufferPool().copy(big.subarray(2, 4));
    expect([...copy]).toEqual([3, 4]);
    expect(copy.buffer).not.toBe(big.buffer);
  });

  it('reuses a buffer given back, for a write of the same size class', () => {
    const pool = new BufferPool();
    const first = pool.copy(new Uint8Array(16384));
    pool.give(first.buffer);
    expect(pool.copy(new Uint8Array(10000)).buffer).toBe(first.buffer);
  });

  it('rounds capacities up to a power of two', () => {
    expect(new BufferPool().copy(new Uint8Array(16385)).buffer.byteLength).toBe(32768);
  });

  it('gives writes above the largest class their own exact buffer, never pooled', () => {
    const pool = new BufferPool();
    const big = pool.copy(new Uint8Array(OPFS_BUFFER_POOL_LIMITS.maxBuffer + 1));
    expect(big.buffer.byteLength).toBe(OPFS_BUFFER_POOL_LIMITS.maxBuffer + 1);
    pool.give(big.buffer);
    expect(pool.copy(new Uint8Array(OPFS_BUFFER_POOL_LIMITS.maxBuffer + 1)).buffer).not.toBe(big.buffer);
  });

  it('keeps at most maxPooledBytes idle', () => {
    const pool = new BufferPool({ ...OPFS_BUFFER_POOL_LIMITS, maxPooledBytes: 32768 });
    const buffers = [0, 1, 2].map(() => pool.copy(new Uint8Array(16384)).buffer);
    for (const b of buffers) pool.give(b);
    const again = [0, 1, 2].map(() => pool.copy(new Uint8Array(16384)).buffer);
    expect(again.filter((b) => buffers.includes(b))).toHaveLength(2);
  });
});
