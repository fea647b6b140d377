/**
 * Torrent byte ranges to HTTP byte ranges. A torrent's data is its files concatenated (BEP 3),
 * so a piece may span several files, each fetched with its own ranged GET; BEP 47 padding
 * files are zeros that no server holds.
 */
import type { TorrentFile } from '../metainfo/index.js';
import type { BlockRef } from '../swarm/piece-geometry.js';

/** The part of one file inside a torrent byte range. */
export interface FileSpan {
  fileIndex: number;
  /** Offset inside the file. */
  fileOffset: number;
  length: number;
  /** Offset inside the range being assembled. */
  rangeOffset: number;
  /** BEP 47: zeros, never fetched. */
  padding: boolean;
}

/** Consecutive blocks, in torrent byte order: one fetch. */
export interface BlockRun {
  /** Torrent byte offset of the first block. */
  start: number;
  length: number;
  blocks: BlockRef[];
}

/** The last file starting at or before `offset` that holds a byte at `offset`: O(log files). */
function fileAt(files: readonly TorrentFile[], offset: number): number {
  let lo = 0;
  let hi = files.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (files[mid]!.offset <= offset) lo = mid;
    else hi = mid - 1;
  }
  // Empty files share their offset with the next file: step past them.
  while (lo < files.length - 1 && files[lo]!.offset + files[lo]!.length <= offset) lo++;
  return lo;
}

/** The file pieces of torrent bytes [start, start + length), in order; empty files skipped. */
export function fileSpans(files: readonly TorrentFile[], start: number, length: number): FileSpan[] {
  const spans: FileSpan[] = [];
  if (length <= 0 || files.length === 0) return spans;
  const end = start + length;
  for (let i = fileAt(files, start); i < files.length; i++) {
    const file = files[i]!;
    if (file.offset >= end) break;
    if (file.length === 0) continue;
    const from = Math.max(start, file.offset);
    const to = Math.min(end, file.offset + file.length);
    if (to <= from) continue;
    spans.push({ fileIndex: i, fileOffset: from - file.offset, length: to - from, rangeOffset: from - start, padding: file.padding });
  }
  return spans;
}

/** Groups picked blocks into runs of adjacent bytes (within a piece, or across a piece boundary). */
export function blockRuns(blocks: readonly BlockRef[], pieceLength: number): BlockRun[] {
  const sorted = [...blocks].sort((a, b) => a.index * pieceLength + a.begin - (b.index * pieceLength + b.begin));
  const runs: BlockRun[] = [];
  let current: BlockRun | undefined;
  for (const block of sorted) {
    const at = block.index * pieceLength + block.begin;
    if (current && current.start + current.length === at) {
      current.length += block.length;
      current.blocks.push(block);
      continue;
    }
    current = { start: at, length: block.length, blocks: [block] };
    runs.push(current);
  }
  return runs;
}

/** Runs of at most `maxBlocks` blocks each (so no request exceeds maxRequestBytes). */
export function splitRuns(runs: readonly BlockRun[], maxBlocks: number): BlockRun[] {
  const out: BlockRun[] = [];
  for (const run of runs) {
    if (run.blocks.length <= maxBlocks) {
      out.push(run);
      continue;
    }
    let start = run.start;
    for (let i = 0; i < run.blocks.length; i += maxBlocks) {
      const blocks = run.blocks.slice(i, i + maxBlocks);
      let length = 0;
      for (const block of blocks) length += block.length;
      out.push({ start, length, blocks });
      start += length;
    }
  }
  return out;
}
