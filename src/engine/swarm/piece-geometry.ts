import { TorrentError } from '../util/errors.js';

/** One request's worth of a piece (BEP 3: REQUEST / PIECE / CANCEL carry index, begin, length). */
export interface BlockRef {
  index: number;
  begin: number;
  length: number;
}

/**
 * How a torrent splits into pieces and blocks: every piece is `pieceLength` except a shorter
 * last one, and every block is `blockLength` except a shorter last block of a piece.
 */
export class PieceGeometry {
  readonly blocksPerPiece: number;

  constructor(
    readonly pieceCount: number,
    readonly pieceLength: number,
    readonly lastPieceLength: number,
    readonly blockLength: number,
  ) {
    if (!Number.isInteger(pieceCount) || pieceCount < 0) {
      throw new TorrentError('internal', `piece count must be a non-negative integer, got ${pieceCount}`);
    }
    if (!(pieceLength > 0) || !(lastPieceLength > 0) || lastPieceLength > pieceLength || !(blockLength > 0)) {
      throw new TorrentError(
        'internal',
        `bad piece geometry: piece ${pieceLength}, last piece ${lastPieceLength}, block ${blockLength}`,
      );
    }
    this.blocksPerPiece = Math.ceil(pieceLength / blockLength);
  }

  pieceSize(index: number): number {
    return index === this.pieceCount - 1 ? this.lastPieceLength : this.pieceLength;
  }

  blockCount(index: number): number {
    return Math.ceil(this.pieceSize(index) / this.blockLength);
  }

  /** The block number at `begin` in piece `index`, or -1 when that is not a block boundary. */
  blockOf(index: number, begin: number): number {
    if (!Number.isInteger(index) || index < 0 || index >= this.pieceCount) return -1;
    if (!Number.isInteger(begin) || begin < 0 || begin % this.blockLength !== 0) return -1;
    const block = begin / this.blockLength;
    return block < this.blockCount(index) ? block : -1;
  }

  /** Bytes of the block at `begin` in piece `index`, or 0 when that is not a block boundary. */
  blockLengthAt(index: number, begin: number): number {
    if (this.blockOf(index, begin) < 0) return 0;
    return Math.min(this.blockLength, this.pieceSize(index) - begin);
  }

  blockRef(index: number, block: number): BlockRef {
    const begin = block * this.blockLength;
    return { index, begin, length: Math.min(this.blockLength, this.pieceSize(index) - begin) };
  }

  /** One number per block in the torrent, for sets and maps. */
  key(index: number, block: number): number {
    return index * this.blocksPerPiece + block;
  }

  indexOfKey(key: number): number {
    return Math.floor(key / this.blocksPerPiece);
  }

  blockOfKey(key: number): number {
    return key % this.blocksPerPiece;
  }
}
