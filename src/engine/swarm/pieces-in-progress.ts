import type { PadBlocks } from './pad-blocks.js';
import { PieceDownload } from './piece-download.js';
import type { BlockRef, PieceGeometry } from './piece-geometry.js';

/**
 * The picker's pieces in progress: each one's block states (PieceDownload), and which of them
 * still have a free block (`open`, oldest first). Handing out blocks marks the peer as holder and
 * records the block key in the peer's own set of outstanding requests.
 */
export class PiecesInProgress {
  private readonly downloads = new Map<number, PieceDownload>();
  /** In-progress pieces with a free block, oldest first. */
  readonly open = new Set<PieceDownload>();

  constructor(
    private readonly geometry: PieceGeometry,
    private readonly pads?: PadBlocks,
  ) {}

  get(index: number): PieceDownload | undefined {
    return this.downloads.get(index);
  }

  has(index: number): boolean {
    return this.downloads.has(index);
  }

  values(): IterableIterator<PieceDownload> {
    return this.downloads.values();
  }

  start(index: number): PieceDownload {
    const download = new PieceDownload(index, this.geometry.blockCount(index));
    // BEP 47: blocks wholly in padding are zeros, never requested (PadBlocks keeps at least one real block).
    if (this.pads) for (const run of this.pads.runs(index)) for (let b = run.first; b < run.last; b++) download.markPadding(b);
    this.downloads.set(index, download);
    if (download.free > 0) this.open.add(download);
    return download;
  }

  /** Free blocks of the piece, lowest first, until `out` holds `max`. */
  take(download: PieceDownload, peerId: string, outstanding: Set<number>, out: BlockRef[], max: number): void {
    while (out.length < max) {
      const block = download.nextFree();
      if (block < 0) break;
      this.hand(download, block, peerId, outstanding, out);
    }
    if (download.free === 0) this.open.delete(download);
  }

  /** Blocks others were asked for, asked of this peer too while fewer than `maxHolders` hold each. */
  askAgain(download: PieceDownload, peerId: string, outstanding: Set<number>, out: BlockRef[], max: number, maxHolders: number): void {
    for (let block = 0; block < download.blockCount && out.length < max; block++) {
      if (!download.isRequested(block) || download.isHolder(block, peerId)) continue;
      if (download.holderCount(block) < maxHolders) this.hand(download, block, peerId, outstanding, out);
    }
  }

  /** Drop one peer's request for a block. True when the piece became idle and was dropped. */
  release(download: PieceDownload, block: number, peerId: string): boolean {
    if (!download.removeHolder(block, peerId)) return false;
    this.open.add(download);
    if (!download.idle) return false;
    this.downloads.delete(download.index);
    this.open.delete(download);
    return true;
  }

  /** Drop a piece's progress; `dropKey` is told each holder's block key. */
  forget(index: number, dropKey: (peerId: string, key: number) => void): void {
    const download = this.downloads.get(index);
    if (!download) return;
    download.forEachHolder((block, peerId) => dropKey(peerId, this.geometry.key(index, block)));
    this.downloads.delete(index);
    this.open.delete(download);
  }

  private hand(download: PieceDownload, block: number, peerId: string, outstanding: Set<number>, out: BlockRef[]): void {
    download.addHolder(block, peerId);
    outstanding.add(this.geometry.key(download.index, block));
    out.push(this.geometry.blockRef(download.index, block));
  }
}
