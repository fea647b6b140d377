import type { PieceDownload } from './piece-download.js';
import type { BlockRef, PieceGeometry } from './piece-geometry.js';

/**
 * Endgame: once every wanted block is requested, a peer with room may also be asked for blocks
 * others are fetching, least-asked blocks first, at most `maxHolders` peers per block. The first
 * copy in wins; the picker tells the others to CANCEL (PieceDownload.receive).
 */
export class Endgame {
  readonly maxHolders: number;

  constructor(maxHolders: number) {
    this.maxHolders = Math.max(1, maxHolders);
  }

  /** Every wanted block is requested: duplicates are allowed now. */
  active(wanted: number, freshPieces: number, openPieces: number): boolean {
    return wanted > 0 && freshPieces === 0 && openPieces === 0;
  }

  /** Add duplicate requests for this peer to `out` (up to `max`), marking it holder of each. */
  pick(
    downloads: Iterable<PieceDownload>,
    geometry: PieceGeometry,
    peerId: string,
    outstanding: Set<number>,
    allowed: (i: number) => boolean,
    out: BlockRef[],
    max: number,
  ): void {
    for (let limit = 2; limit <= this.maxHolders; limit++) {
      for (const download of downloads) {
        if (download.complete || !allowed(download.index)) continue;
        for (let block = 0; block < download.blockCount; block++) {
          if (out.length >= max) return;
          if (!download.isRequested(block) || download.holderCount(block) >= limit) continue;
          if (download.isHolder(block, peerId)) continue;
          download.addHolder(block, peerId);
          outstanding.add(geometry.key(download.index, block));
          out.push(geometry.blockRef(download.index, block));
        }
      }
    }
  }
}
