// BEP 47 padding blocks: which blocks of which pieces are wholly padding (never requested), and
// the picker treating them as received zeros.
import { describe, expect, it } from 'vitest';
import { Bitfield } from '../../../src/engine/swarm/bitfield.js';
import { PadBlocks, type PadLayoutFile } from '../../../src/engine/swarm/pad-blocks.js';
import { PieceGeometry } from '../../../src/engine/swarm/piece-geometry.js';
import { PiecePicker } from '../../../src/engine/swarm/piece-picker.js';
import { SeededRandom } from '../../../src/engine/util/random.js';
import { PieceBuffers } from '../../../src/engine/session/piece-buffers.js';
import { contentLength } from '../../../src/engine/session/content-length.js';

const BLOCK = 16384;
const PIECE = 4 * BLOCK;

/** Files laid end to end: [length, padding?]. */
function layout(...files: [number, boolean][]): PadLayoutFile[] {
  let offset = 0;
  return files.map(([length, padding]) => {
    const file = { offset, length, padding };
    offset += length;
    return file;
  });
}

function total(files: PadLayoutFile[]): number {
  const last = files[files.length - 1]!;
  return last.offset + last.length;
}

function pads(files: PadLayoutFile[], pieceLength = PIECE): PadBlocks {
  const length = total(files);
  const count = Math.ceil(length / pieceLength);
  return new PadBlocks(new PieceGeometry(count, pieceLength, length - (count - 1) * pieceLength, BLOCK), files);
}

describe('PadBlocks: the pad-block map', () => {
  it('no padding: no runs anywhere', () => {
    const map = pads(layout([PIECE * 2 + 5, false]));
    expect(map.empty).toBe(true);
    expect(map.runs(0)).toEqual([]);
    expect(map.paddingLength).toBe(0);
  });

  it('a file padded to the piece boundary: the blocks wholly in padding, not the one it starts in', () => {
    // Piece 0: data 0..20000 (block 0 and part of block 1), padding 20000..65536.
    const map = pads(layout([20_000, false], [PIECE - 20_000, true], [PIECE, false]));
    expect(map.runs(0)).toEqual([{ first: 2, last: 4 }]);
    expect(map.isPad(0, 1)).toBe(false);
    expect(map.isPad(0, 2)).toBe(true);
    expect(map.byteRange(0, map.runs(0)[0]!)).toEqual([2 * BLOCK, PIECE]);
    expect(map.requestEnd(0)).toBe(2 * BLOCK);
    expect(map.runs(1)).toEqual([]);
    expect(map.requestEnd(1)).toBe(PIECE);
    expect(map.blockCount).toBe(2);
    expect(map.paddingLength).toBe(PIECE - 20_000);
  });

  it('padding on an exact block boundary covers its blocks; padding inside one block covers none', () => {
    const aligned = pads(layout([BLOCK, false], [3 * BLOCK, true], [10, false]));
    expect(aligned.runs(0)).toEqual([{ first: 1, last: 4 }]);
    const inside = pads(layout([100, false], [BLOCK - 200, true], [PIECE, false]));
    expect(inside.runs(0)).toEqual([]);
    expect(inside.empty).toBe(true);
    expect(inside.paddingLength).toBe(BLOCK - 200);
  });

  it('adjacent padding files (and empty files between) merge into one run', () => {
    const map = pads(layout([BLOCK, false], [BLOCK, true], [0, false], [BLOCK, true], [BLOCK, false]));
    expect(map.runs(0)).toEqual([{ first: 1, last: 3 }]);
  });

  it('padding spanning pieces: each piece gets its own run; a piece of nothing but padding keeps none', () => {
    // data 0..BLOCK, padding BLOCK..(2 pieces + BLOCK), data after.
    const map = pads(layout([BLOCK, false], [2 * PIECE, true], [BLOCK, false]));
    expect(map.runs(0)).toEqual([{ first: 1, last: 4 }]);
    expect(map.runs(1)).toEqual([]); // wholly padding: requested normally if ever wanted
    expect(map.runs(2)).toEqual([{ first: 0, last: 1 }]);
  });

  it("padding to the end of a short last piece covers its short last block", () => {
    // Last piece: 2 blocks + 100 bytes long; data BLOCK, then padding to the end.
    const map = pads(layout([PIECE, false], [BLOCK, false], [BLOCK + 100, true]));
    expect(map.runs(1)).toEqual([{ first: 1, last: 3 }]);
    expect(map.byteRange(1, map.runs(1)[0]!)).toEqual([BLOCK, 2 * BLOCK + 100]);
  });

  it('contentLength leaves padding out', () => {
    const files = layout([20_000, false], [PIECE - 20_000, true], [7, false]);
    expect(contentLength({ totalLength: total(files), files })).toBe(20_007);
  });
});

describe('the picker with padding files', () => {
  function pickerFor(files: PadLayoutFile[], pieceLength = PIECE): PiecePicker {
    const length = total(files);
    const count = Math.ceil(length / pieceLength);
    return new PiecePicker({
      pieceCount: count,
      pieceLength,
      lastPieceLength: length - (count - 1) * pieceLength,
      random: new SeededRandom(1),
      have: new Bitfield(count),
      randomFirstPieces: 0,
      files,
    });
  }

  it('never hands out a block wholly in padding, and the piece completes with its real blocks', () => {
    const picker = pickerFor(layout([20_000, false], [PIECE - 20_000, true]));
    const blocks = picker.pickBlocks('p', 'all', 100);
    expect(blocks.map((b) => b.begin)).toEqual([0, BLOCK]);
    expect(picker.onBlockReceived('p', 0, 0).pieceComplete).toBe(false);
    expect(picker.onBlockReceived('p', 0, BLOCK).pieceComplete).toBe(true);
    // A peer sending a pad block nobody asked for is refused.
    expect(picker.onBlockReceived('p', 0, 2 * BLOCK).accepted).toBe(false);
  });

  it('a piece whose real blocks are given back returns to the pool, and comes back with its pad blocks again', () => {
    const picker = pickerFor(layout([BLOCK, false], [3 * BLOCK, true], [PIECE, false]));
    picker.setSequential(true);
    const first = picker.pickBlocks('a', 'all', 1);
    expect(first).toEqual([{ index: 0, begin: 0, length: BLOCK }]);
    picker.onRequestFailed('a', 0, 0);
    picker.removePeer('a');
    const again = picker.pickBlocks('b', 'all', 100);
    expect(again).toEqual([{ index: 0, begin: 0, length: BLOCK }, ...[0, 1, 2, 3].map((b) => ({ index: 1, begin: b * BLOCK, length: BLOCK }))]);
  });

  it('a failed hash starts the piece over with its pad blocks still skipped', () => {
    const picker = pickerFor(layout([BLOCK, false], [3 * BLOCK, true]));
    picker.pickBlocks('p', 'all', 10);
    expect(picker.onBlockReceived('p', 0, 0).pieceComplete).toBe(true);
    picker.onPieceFailed(0);
    expect(picker.pickBlocks('p', 'all', 10)).toEqual([{ index: 0, begin: 0, length: BLOCK }]);
  });

  it('endgame duplicates only real blocks', () => {
    const picker = new PiecePicker({
      pieceCount: 1,
      pieceLength: PIECE,
      lastPieceLength: PIECE,
      random: new SeededRandom(1),
      have: new Bitfield(1),
      randomFirstPieces: 0,
      files: layout([2 * BLOCK, false], [2 * BLOCK, true]),
    });
    expect(picker.pickBlocks('a', 'all', 10).length).toBe(2);
    expect(picker.isEndgame).toBe(true);
    expect(picker.pickBlocks('b', 'all', 10).map((b) => b.begin)).toEqual([0, BLOCK]);
  });
});

describe('piece buffers with padding', () => {
  it('a reused buffer has its pad ranges zeroed before blocks land', () => {
    const buffers = new PieceBuffers(
      () => PIECE,
      (_index, zero) => zero(2 * BLOCK, PIECE),
    );
    buffers.add(0, 0, new Uint8Array(BLOCK).fill(7), 'p');
    const first = buffers.take(0)!;
    first.data.fill(0xff);
    buffers.recycle(first);
    buffers.add(1, 0, new Uint8Array(BLOCK).fill(9), 'p');
    const second = buffers.take(1)!;
    expect(second.data).toBe(first.data); // the pool gave the same memory back
    expect(second.data[0]).toBe(9);
    expect(second.data[BLOCK]).toBe(0xff); // a real block not yet received: untouched
    expect(second.data.subarray(2 * BLOCK).every((b) => b === 0)).toBe(true);
  });
});
