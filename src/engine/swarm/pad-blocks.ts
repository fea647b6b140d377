import type { PieceGeometry } from './piece-geometry.js';

/** A run of blocks of one piece that lie wholly inside padding: blocks first..last-1. */
export interface PadRun {
  readonly first: number;
  readonly last: number;
}

/** What the pad-block map needs of a file: where it lies and whether it is padding. */
export interface PadLayoutFile {
  readonly offset: number;
  readonly length: number;
  readonly padding: boolean;
}

const NONE: readonly PadRun[] = Object.freeze([]);

/**
 * BEP 47 padding files hold zeros and no peer needs to send them: blocks wholly inside padding
 * are never requested but filled with zeros when a piece starts (libtorrent treats them as had).
 * A block only partly in padding is requested as usual. The v1 piece hash covers the zeros, so
 * the piece is verified as any other.
 *
 * Built once from the file layout (O(files + pieces touched by padding)); `runs(index)` is one
 * map lookup, so starting a piece costs O(its pad runs). A piece whose every block would be
 * padding keeps no runs: it is requested normally (it is never wanted anyway, as padding has
 * no priority), so a started piece always has a block to wait for.
 */
export class PadBlocks {
  private readonly byPiece = new Map<number, PadRun[]>();
  /** Bytes of padding files in the torrent (content = total - padding). */
  readonly paddingLength: number;
  /** Blocks skipped over the whole torrent (for tests and stats). */
  readonly blockCount: number;

  constructor(
    private readonly geometry: PieceGeometry,
    files: readonly PadLayoutFile[],
  ) {
    let paddingLength = 0;
    for (const [start, end] of mergedPadding(files)) {
      paddingLength += end - start;
      this.addInterval(start, end);
    }
    let blocks = 0;
    for (const [index, runs] of this.byPiece) {
      let covered = 0;
      for (const run of runs) covered += run.last - run.first;
      if (covered >= geometry.blockCount(index)) this.byPiece.delete(index);
      else blocks += covered;
    }
    this.paddingLength = paddingLength;
    this.blockCount = blocks;
  }

  /** No block of any piece is padding. */
  get empty(): boolean {
    return this.byPiece.size === 0;
  }

  /** The piece's runs of wholly-padding blocks, lowest first (empty for most pieces). */
  runs(index: number): readonly PadRun[] {
    return this.byPiece.get(index) ?? NONE;
  }

  /** Byte range [begin, end) of a run inside its piece. */
  byteRange(index: number, run: PadRun): [number, number] {
    const g = this.geometry;
    return [run.first * g.blockLength, Math.min(run.last * g.blockLength, g.pieceSize(index))];
  }

  /** Where the piece's last block that is not wholly padding ends (the piece size for most pieces). */
  requestEnd(index: number): number {
    const runs = this.runs(index);
    const last = runs[runs.length - 1];
    const g = this.geometry;
    if (last && last.last === g.blockCount(index)) return last.first * g.blockLength;
    return g.pieceSize(index);
  }

  /** Is block `block` of piece `index` wholly padding? O(runs of the piece). */
  isPad(index: number, block: number): boolean {
    for (const run of this.runs(index)) if (block >= run.first && block < run.last) return true;
    return false;
  }

  /** Add the whole blocks of padding interval [start, end). */
  private addInterval(start: number, end: number): void {
    const g = this.geometry;
    const firstPiece = Math.floor(start / g.pieceLength);
    const lastPiece = Math.min(g.pieceCount - 1, Math.floor((end - 1) / g.pieceLength));
    for (let index = firstPiece; index <= lastPiece; index++) {
      const pieceStart = index * g.pieceLength;
      const size = g.pieceSize(index);
      const lo = Math.max(start, pieceStart) - pieceStart;
      const hi = Math.min(end, pieceStart + size) - pieceStart;
      const first = Math.ceil(lo / g.blockLength);
      // The piece's last block may be short: it is whole padding when the padding reaches the piece's end.
      const last = hi === size ? g.blockCount(index) : Math.floor(hi / g.blockLength);
      if (first >= last) continue;
      const runs = this.byPiece.get(index) ?? [];
      runs.push({ first, last });
      this.byPiece.set(index, runs);
    }
  }
}

/** Padding intervals [start, end) in torrent order, adjacent ones merged (empty files between them ignored). */
function mergedPadding(files: readonly PadLayoutFile[]): [number, number][] {
  const out: [number, number][] = [];
  for (const file of files) {
    if (file.length === 0) continue;
    const end = file.offset + file.length;
    if (!file.padding) continue;
    const last = out[out.length - 1];
    if (last && last[1] === file.offset) last[1] = end;
    else out.push([file.offset, end]);
  }
  return out;
}
