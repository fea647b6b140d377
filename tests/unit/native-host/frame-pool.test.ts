import { describe, expect, it } from 'vitest';
import { FramePool } from '../../../native-host/frame-pool.js';

describe('FramePool (host DATA frame buffers)', () => {
  it('hands out frame-sized buffers and reuses one only after it is given back', () => {
    const pool = new FramePool(1000);
    const a = pool.take();
    const b = pool.take();
    expect(a.length).toBe(1000);
    expect(a.buffer).not.toBe(b.buffer);
    a.fill(1);
    // The sent message is a view from the start of the frame (the frame was not full).
    pool.give(a.subarray(0, 300));
    expect(pool.idle).toBe(1);
    const c = pool.take();
    expect(c.buffer).toBe(a.buffer);
    expect(c.length).toBe(1000);
    expect(pool.idle).toBe(0);
  });

  it('ignores memory it did not issue, even of the same size, and a buffer given twice', () => {
    const pool = new FramePool(1000);
    pool.give(new Uint8Array(1000));
    pool.give(Buffer.allocUnsafeSlow(1000));
    expect(pool.idle).toBe(0);
    const a = pool.take();
    pool.give(a);
    pool.give(a);
    expect(pool.idle).toBe(1);
    pool.take();
    expect(pool.take().buffer).not.toBe(a.buffer);
  });

  it('keeps at most `keep` idle buffers', () => {
    const pool = new FramePool(64, 2);
    const frames = [pool.take(), pool.take(), pool.take()];
    for (const frame of frames) pool.give(frame);
    expect(pool.idle).toBe(2);
  });
});
