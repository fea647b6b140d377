import type { TorrentMeta } from '../metainfo/index.js';
import type { PieceMap } from '../storage/piece-map.js';

/**
 * Piece priorities from file priorities: a piece takes the highest priority of the files it
 * touches (so a wanted file's boundary pieces are fetched even when its neighbour is skipped).
 * Padding files never count. O(pieces + files).
 */
export function filePrioritiesToPieces(meta: TorrentMeta, map: PieceMap, filePriorities: readonly number[]): Uint8Array {
  const pieces = new Uint8Array(meta.pieceCount);
  for (const file of meta.files) {
    const priority = filePriorities[file.index] ?? 0;
    if (file.padding || priority === 0) continue;
    const range = map.piecesOfFile(file);
    if (!range) continue;
    for (let i = range[0]; i <= range[1]; i++) if (pieces[i]! < priority) pieces[i] = priority;
  }
  return pieces;
}
