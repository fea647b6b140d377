/**
 * The v1 file list of a hybrid torrent (BEP 52 "upgrade path", BEP 47 padding files): the same
 * files in the same order as the v2 file tree, with a padding file after each non-empty file
 * whose length is not a multiple of the piece length, so every file starts on a piece boundary
 * and a v1 piece never spans two files.
 *
 * As libtorrent 2.0 writes them: the last file is padded too (when not aligned), empty files
 * get no padding, and a padding file is `.pad/<length>` with `attr` "p". A single-file torrent
 * has no padding (its v1 part has `length`, not `files`).
 */

export interface HybridFileSlot {
  /** Index into the caller's file list, or -1 for a padding file. */
  source: number;
  length: number;
  /** Offset in the v1 concatenation (a multiple of the piece length for every real file). */
  offset: number;
}

export const PADDING_DIR = '.pad';

/** `lengths` in file-tree order; `sources[i]` is the caller's index of the i-th file. */
export function hybridLayout(lengths: readonly number[], sources: readonly number[], pieceLength: number, singleFile: boolean): HybridFileSlot[] {
  const slots: HybridFileSlot[] = [];
  let offset = 0;
  lengths.forEach((length, i) => {
    slots.push({ source: sources[i]!, length, offset });
    offset += length;
    const tail = length % pieceLength;
    if (!singleFile && tail !== 0) {
      slots.push({ source: -1, length: pieceLength - tail, offset });
      offset += pieceLength - tail;
    }
  });
  return slots;
}

/** The v1 `files` entry of a padding file (BEP 47). */
export function paddingEntry(length: number): { attr: string; length: number; path: string[] } {
  return { attr: 'p', length, path: [PADDING_DIR, String(length)] };
}
