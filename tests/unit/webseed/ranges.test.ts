import { describe, expect, it } from 'vitest';
import type { TorrentFile } from '../../../src/engine/metainfo/index.js';
import { blockRuns, fileSpans, splitRuns } from '../../../src/engine/webseed/index.js';

function files(...specs: [number, boolean?][]): TorrentFile[] {
  let offset = 0;
  return specs.map(([length, padding], index) => {
    const file = { index, path: `n/f${index}`, length, offset, padding: padding ?? false };
    offset += length;
    return file;
  });
}

describe('fileSpans: torrent bytes to file ranges', () => {
  it('a range inside one file is one span at the right file offset', () => {
    expect(fileSpans(files([100], [100]), 120, 30)).toEqual([
      { fileIndex: 1, fileOffset: 20, length: 30, rangeOffset: 0, padding: false },
    ]);
  });

  it('a range across three files is three spans', () => {
    expect(fileSpans(files([10], [5], [50]), 8, 20)).toEqual([
      { fileIndex: 0, fileOffset: 8, length: 2, rangeOffset: 0, padding: false },
      { fileIndex: 1, fileOffset: 0, length: 5, rangeOffset: 2, padding: false },
      { fileIndex: 2, fileOffset: 0, length: 13, rangeOffset: 7, padding: false },
    ]);
  });

  it('empty files are skipped, even where a range starts', () => {
    const spans = fileSpans(files([10], [0], [0], [10]), 10, 5);
    expect(spans).toEqual([{ fileIndex: 3, fileOffset: 0, length: 5, rangeOffset: 0, padding: false }]);
  });

  it('padding files (BEP 47) are marked so they are not fetched', () => {
    const spans = fileSpans(files([6], [10, true], [6]), 0, 22);
    expect(spans.map((s) => [s.fileIndex, s.padding, s.length])).toEqual([[0, false, 6], [1, true, 10], [2, false, 6]]);
  });

  it('a range ending exactly at a file boundary does not touch the next file', () => {
    expect(fileSpans(files([10], [10]), 0, 10).map((s) => s.fileIndex)).toEqual([0]);
  });

  it('finds the first file by binary search among many', () => {
    const many = files(...Array.from({ length: 1000 }, (): [number] => [3]));
    expect(fileSpans(many, 2995, 4).map((s) => [s.fileIndex, s.fileOffset, s.length])).toEqual([[998, 1, 2], [999, 0, 2]]);
  });
});

describe('blockRuns: picked blocks to contiguous fetches', () => {
  it('adjacent blocks of a piece are one run', () => {
    const runs = blockRuns([{ index: 2, begin: 0, length: 16 }, { index: 2, begin: 16, length: 16 }], 64);
    expect(runs.map((r) => [r.start, r.length, r.blocks.length])).toEqual([[128, 32, 2]]);
  });

  it('a gap splits runs', () => {
    const runs = blockRuns([{ index: 0, begin: 0, length: 16 }, { index: 0, begin: 32, length: 16 }], 64);
    expect(runs.map((r) => [r.start, r.length])).toEqual([[0, 16], [32, 16]]);
  });

  it('the last block of one piece and the first of the next are one run', () => {
    const runs = blockRuns([{ index: 1, begin: 0, length: 16 }, { index: 0, begin: 48, length: 16 }], 64);
    expect(runs.map((r) => [r.start, r.length])).toEqual([[48, 32]]);
  });

  it('blocks in any order come out sorted', () => {
    const runs = blockRuns([{ index: 3, begin: 16, length: 16 }, { index: 3, begin: 0, length: 16 }], 64);
    expect(runs[0]!.blocks.map((b) => b.begin)).toEqual([0, 16]);
  });
});

describe('splitRuns: no request over maxRequestBytes', () => {
  it('a run longer than the cap becomes consecutive runs', () => {
    const blocks = [0, 16, 32, 48, 64].map((begin) => ({ index: 0, begin, length: 16 }));
    const runs = splitRuns(blockRuns(blocks, 80), 2);
    expect(runs.map((r) => [r.start, r.length, r.blocks.length])).toEqual([[0, 32, 2], [32, 32, 2], [64, 16, 1]]);
  });

  it('a run within the cap is kept as it is', () => {
    const runs = blockRuns([{ index: 1, begin: 0, length: 16 }], 64);
    expect(splitRuns(runs, 4)).toEqual(runs);
  });
});
