/**
 * Smart ban (after libtorrent's smart_ban plugin): when a piece with several contributors fails
 * its hash check, nobody can tell yet who lied, and striking everyone lets one liar who slips a
 * bad block into each piece get the honest peers banned with it. So the failed piece's blocks are
 * remembered (a SHA-1 per block and who sent it); when the piece later passes, every peer whose
 * remembered block differs from the verified bytes is the liar.
 */
import { sha1 } from '../util/sha1.js';
import { equalBytes } from '../util/bytes.js';
import { BLOCK_LENGTH } from '../wire/limits.js';

/** Failed pieces remembered at once; the oldest is forgotten first. */
export const SMART_BAN_MAX_PIECES = 64;

interface FailedBlock {
  from: string;
  hash: Uint8Array;
}

export class SmartBan {
  private readonly failed = new Map<number, Map<number, FailedBlock>>();

  constructor(private readonly maxPieces = SMART_BAN_MAX_PIECES) {}

  /** A piece failed: remember each block's hash and sender (`blockFrom`: begin → peer). */
  onFailed(index: number, data: Uint8Array, blockFrom: ReadonlyMap<number, string>): void {
    const blocks = new Map<number, FailedBlock>();
    for (const [begin, from] of blockFrom) {
      blocks.set(begin, { from, hash: sha1(data.subarray(begin, Math.min(data.length, begin + BLOCK_LENGTH))) });
    }
    this.failed.delete(index);
    this.failed.set(index, blocks);
    if (this.failed.size > this.maxPieces) this.failed.delete(this.failed.keys().next().value!);
  }

  /** A piece passed: the peers whose remembered blocks of it differ from `data`. */
  onVerified(index: number, data: Uint8Array): string[] {
    const blocks = this.failed.get(index);
    if (!blocks) return [];
    this.failed.delete(index);
    const liars = new Set<string>();
    for (const [begin, block] of blocks) {
      if (!equalBytes(block.hash, sha1(data.subarray(begin, Math.min(data.length, begin + BLOCK_LENGTH))))) liars.add(block.from);
    }
    return [...liars];
  }

  get size(): number {
    return this.failed.size;
  }
}
