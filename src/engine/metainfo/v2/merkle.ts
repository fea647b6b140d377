/**
 * BEP 52 merkle trees: SHA-256 over 16 KiB blocks of one file, a branching factor of 2, and
 * the leaves beyond the end of the file set to zero hashes (so an inner node over nothing but
 * padding is the hash of its zero children: a "pad hash" of its level).
 *
 * Inner nodes hash 64 bytes each; they go through a synchronous SHA-256 (injected), since a
 * round trip through the async platform Hasher costs more than the hash. Leaves, which are
 * the file's data, go through the platform Hasher (see create-hybrid.ts).
 */
import { TorrentError } from '../../util/errors.js';

/** BEP 52: leaves cover 16 KiB blocks of a file (the last one may be shorter). */
export const MERKLE_BLOCK_SIZE = 16384;
export const MERKLE_HASH_SIZE = 32;

export type Sha256Sync = (data: Uint8Array) => Uint8Array;

/** Smallest power of two >= n (1 for n <= 1). */
export function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** log2 of a power of two. */
export function log2Exact(n: number): number {
  let level = 0;
  while (2 ** level < n) level++;
  if (2 ** level !== n) throw new TorrentError('internal', `merkle: ${n} is not a power of two`);
  return level;
}

export class MerkleHasher {
  /** pads[k]: the root of a subtree of 2^k zero leaves. */
  private readonly pads: Uint8Array[] = [new Uint8Array(MERKLE_HASH_SIZE)];
  private readonly pair = new Uint8Array(MERKLE_HASH_SIZE * 2);

  constructor(private readonly sha256: Sha256Sync) {}

  padHash(level: number): Uint8Array {
    while (this.pads.length <= level) {
      const below = this.pads[this.pads.length - 1]!;
      this.pads.push(this.hashPair(below, below));
    }
    return this.pads[level]!;
  }

  hashPair(left: Uint8Array, right: Uint8Array): Uint8Array {
    this.pair.set(left, 0);
    this.pair.set(right, MERKLE_HASH_SIZE);
    return this.sha256(this.pair);
  }

  /**
   * The root over `nodes` (32 bytes each) at tree level `level` (0 = leaves), padded with that
   * level's pad hash up to `width` nodes, a power of two >= nodes.length.
   */
  root(nodes: readonly Uint8Array[], width: number, level = 0): Uint8Array {
    if (nodes.length === 0 || nodes.length > width) throw new TorrentError('internal', `merkle: ${nodes.length} nodes for a width of ${width}`);
    log2Exact(width);
    let current = nodes;
    for (let w = width, l = level; w > 1; w /= 2, l++) {
      const next: Uint8Array[] = [];
      for (let i = 0; i < current.length; i += 2) next.push(this.hashPair(current[i]!, current[i + 1] ?? this.padHash(l)));
      current = next;
    }
    return current[0]!;
  }

  /** Splits a concatenation of 32-byte hashes (a `piece layers` value) into nodes. */
  static split(layer: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (let i = 0; i + MERKLE_HASH_SIZE <= layer.length; i += MERKLE_HASH_SIZE) out.push(layer.subarray(i, i + MERKLE_HASH_SIZE));
    return out;
  }
}

/** What a file of `length` bytes contributes to a v2 torrent with pieces of `pieceLength`. */
export interface FileTreeShape {
  blockCount: number;
  /** Pieces of the file; a `piece layers` entry has this many hashes when hasLayer. */
  pieceCount: number;
  /** BEP 52: only files larger than one piece have a `piece layers` entry. */
  hasLayer: boolean;
}

export function fileTreeShape(length: number, pieceLength: number): FileTreeShape {
  return {
    blockCount: Math.ceil(length / MERKLE_BLOCK_SIZE),
    pieceCount: Math.ceil(length / pieceLength),
    hasLayer: length > pieceLength,
  };
}

/**
 * A file's `pieces root` from its piece layer: the layer sits at level log2(blocks per piece)
 * and is padded up to a power of two with that level's pad hash.
 */
export function rootFromPieceLayer(merkle: MerkleHasher, layer: readonly Uint8Array[], pieceLength: number): Uint8Array {
  return merkle.root(layer, nextPowerOfTwo(layer.length), log2Exact(pieceLength / MERKLE_BLOCK_SIZE));
}

/** A file's `pieces root` from its leaf hashes, when it fits in one piece (padded to a power of two of its own blocks). */
export function rootFromLeaves(merkle: MerkleHasher, leaves: readonly Uint8Array[]): Uint8Array {
  return merkle.root(leaves, nextPowerOfTwo(leaves.length), 0);
}
