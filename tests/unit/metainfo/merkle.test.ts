import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MerkleHasher, nextPowerOfTwo, rootFromLeaves, rootFromPieceLayer } from '../../../src/engine/metainfo/v2/merkle.js';
import { sha256 } from '../../../src/engine/util/sha256.js';

const h = (...parts: Uint8Array[]): Buffer => createHash('sha256').update(Buffer.concat(parts)).digest();
const leaf = (n: number): Buffer => h(Buffer.from([n]));
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const ZERO = Buffer.alloc(32);

describe('BEP 52 merkle trees', () => {
  const merkle = new MerkleHasher(sha256);

  it('pad hashes: level 0 is 32 zero bytes, each level up hashes two of the level below', () => {
    expect(hex(merkle.padHash(0))).toBe(hex(ZERO));
    const one = h(ZERO, ZERO);
    expect(hex(merkle.padHash(1))).toBe(hex(one));
    expect(hex(merkle.padHash(2))).toBe(hex(h(one, one)));
  });

  it('one leaf is its own root', () => {
    expect(hex(rootFromLeaves(merkle, [leaf(1)]))).toBe(hex(leaf(1)));
  });

  it('three leaves: the fourth is a zero hash', () => {
    const want = h(h(leaf(1), leaf(2)), h(leaf(3), ZERO));
    expect(hex(rootFromLeaves(merkle, [leaf(1), leaf(2), leaf(3)]))).toBe(hex(want));
  });

  it('five leaves in a tree of eight: whole missing subtrees are pad hashes', () => {
    const want = h(h(h(leaf(1), leaf(2)), h(leaf(3), leaf(4))), h(h(leaf(5), ZERO), h(ZERO, ZERO)));
    expect(hex(rootFromLeaves(merkle, [1, 2, 3, 4, 5].map(leaf)))).toBe(hex(want));
  });

  it('root from a piece layer (2 leaves per piece) equals the root over all leaves', () => {
    const leaves = [1, 2, 3, 4, 5].map(leaf); // 3 pieces of 32 KiB: the last one half empty
    const layer = [merkle.root(leaves.slice(0, 2), 2), merkle.root(leaves.slice(2, 4), 2), merkle.root(leaves.slice(4), 2)];
    expect(hex(layer[2]!)).toBe(hex(h(leaf(5), ZERO)));
    expect(hex(rootFromPieceLayer(merkle, layer, 32768))).toBe(hex(rootFromLeaves(merkle, leaves)));
  });

  it('split reads a piece layer back into 32-byte nodes', () => {
    const nodes = MerkleHasher.split(Buffer.concat([leaf(1), leaf(2)]));
    expect(nodes.map(hex)).toEqual([hex(leaf(1)), hex(leaf(2))]);
  });

  it('refuses no nodes, more nodes than the width, and a width that is not a power of two', () => {
    expect(() => merkle.root([], 1)).toThrow(/0 nodes/);
    expect(() => merkle.root([leaf(1), leaf(2), leaf(3)], 2)).toThrow(/3 nodes for a width of 2/);
    expect(() => merkle.root([leaf(1)], 3)).toThrow(/not a power of two/);
  });

  it('nextPowerOfTwo', () => {
    expect([0, 1, 2, 3, 5, 1024, 1025].map(nextPowerOfTwo)).toEqual([1, 1, 2, 4, 8, 1024, 2048]);
  });
});
