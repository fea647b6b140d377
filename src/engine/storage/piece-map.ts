import type { TorrentMeta, TorrentFile } from '../metainfo/index.js';

/** One contiguous run of a piece inside one file. */
export interface FileSegment {
  file: TorrentFile;
  /** Offset inside the file. */
  fileOffset: number;
  /** Offset inside the piece. */
  pieceOffset: number;
  length: number;
}

/**
 * Maps pieces (and byte ranges of pieces) to the files they span. Lookups binary-search the
 * file offsets: O(log files + segments), never a scan over all files.
 */
export class PieceMap {
  private readonly fileStarts: number[];

  constructor(private readonly meta: TorrentMeta) {
    this.fileStarts = meta.files.map((f) => f.offset);
  }

  pieceLength(index: number): number {
    return index === this.meta.pieceCount - 1 ? this.meta.lastPieceLength : this.meta.pieceLength;
  }

  /** Segments covering [begin, begin+length) of a piece, padding and empty files included. */
  segments(index: number, begin = 0, length = this.pieceLength(index)): FileSegment[] {
    const out: FileSegment[] = [];
    let absolute = index * this.meta.pieceLength + begin;
    let remaining = length;
    let pieceOffset = begin;
    let fi = this.fileAt(absolute);
    const files = this.meta.files;
    while (remaining > 0 && fi < files.length) {
      const file = files[fi]!;
      const fileOffset = absolute - file.offset;
      const take = Math.min(remaining, file.length - fileOffset);
      if (take > 0) {
        out.push({ file, fileOffset, pieceOffset, length: take });
        absolute += take;
        pieceOffset += take;
        remaining -= take;
      }
      fi++;
    }
    return out;
  }

  /** Index of the file containing byte `absolute` (the last of several zero-length files' peers). */
  private fileAt(absolute: number): number {
    let lo = 0;
    let hi = this.fileStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.fileStarts[mid]! <= absolute) lo = mid;
      else hi = mid - 1;
    }
    // Skip zero-length files that share this offset: they hold no bytes.
    while (lo < this.meta.files.length - 1 && this.meta.files[lo]!.length === 0) lo++;
    return lo;
  }

  /** First and last piece index that contain bytes of a file; null for an empty file. */
  piecesOfFile(file: TorrentFile): [number, number] | null {
    if (file.length === 0) return null;
    const first = Math.floor(file.offset / this.meta.pieceLength);
    const last = Math.floor((file.offset + file.length - 1) / this.meta.pieceLength);
    return [first, last];
  }
}
