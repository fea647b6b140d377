import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { NodeHasher } from '../../../src/platform/node/node-hasher.js';

function sha1(data: Uint8Array): string {
  return createHash('sha1').update(data).digest('hex');
}

function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

describe('NodeHasher on its worker thread', () => {
  it('sha1Transfer moves a whole piece to the worker and gives the same bytes back', async () => {
    const hasher = new NodeHasher();
    const piece = new Uint8Array(1 << 20);
    for (let i = 0; i < piece.length; i++) piece[i] = (i * 31) & 0xff;
    const expected = sha1(piece);
    const copy = piece.slice();
    const result = await hasher.sha1Transfer(piece);
    expect(toHex(result.digest)).toBe(expected);
    expect(piece.byteLength).toBe(0); // moved away: the caller must use result.data
    expect(Buffer.from(result.data).equals(Buffer.from(copy))).toBe(true);
  });

  it('a view into a larger buffer is hashed inline and left usable', async () => {
    const hasher = new NodeHasher();
    const big = new Uint8Array(300_000).fill(9);
    const view = big.subarray(1000, 200_000);
    const result = await hasher.sha1Transfer(view);
    expect(toHex(result.digest)).toBe(sha1(view));
    expect(result.data).toBe(view);
    expect(big.byteLength).toBe(300_000);
  });

  it('many pieces in flight at once all come back with their own digests', async () => {
    const hasher = new NodeHasher();
    const pieces = Array.from({ length: 16 }, (_, n) => new Uint8Array(128 * 1024).fill(n));
    const expected = pieces.map(sha1);
    const results = await Promise.all(pieces.map((p) => hasher.sha1Transfer(p)));
    expect(results.map((r) => toHex(r.digest))).toEqual(expected);
    results.forEach((r, n) => expect(r.data[5]).toBe(n));
  });
});
