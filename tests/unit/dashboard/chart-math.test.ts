import { describe, expect, it } from 'vitest';
import { decodeBitfield, hasPiece, linePoints, niceMax, pieceCells } from '../../../extension-ui/dashboard/chart-math.js';

describe('piece map math', () => {
  it('decodes the bitfield, high bit first (BEP 3)', () => {
    const bits = decodeBitfield(btoa(String.fromCharCode(0b1010_0000, 0b0000_0001)));
    expect([0, 1, 2, 3, 15].map((i) => hasPiece(bits, i))).toEqual([true, false, true, false, true]);
    expect(hasPiece(bits, 99)).toBe(false);
    expect(decodeBitfield('')).toHaveLength(0);
  });

  it('one cell per piece when they fit', () => {
    const bits = new Uint8Array([0b1100_0000]);
    expect([...pieceCells(bits, 3, 100)]).toEqual([1, 1, 0]);
  });

  it('more pieces than cells: each cell is the share of its pieces present', () => {
    const bits = new Uint8Array([0xff, 0x0f]); // pieces 0-7 and 12-15 of 16
    expect([...pieceCells(bits, 16, 4)]).toEqual([1, 1, 0, 1]);
    expect([...pieceCells(bits, 16, 2)]).toEqual([1, 0.5]);
    // Uneven split: 10 pieces in 3 cells cover [0,3) [3,6) [6,10)
    expect([...pieceCells(new Uint8Array([0xff, 0xc0]), 10, 3)]).toEqual([1, 1, 1]);
  });
});

describe('speed graph math', () => {
  it('a nice axis top at or above the highest sample', () => {
    expect(niceMax([])).toBe(2000); // the 1 KiB/s floor, rounded up
    expect(niceMax([3_000_000])).toBe(5_000_000);
    expect(niceMax([1_000_000])).toBe(1_000_000);
    expect(niceMax([1_000_001])).toBe(2_000_000);
  });

  it('newest sample at the right edge, scaled to the box', () => {
    expect(linePoints([0, 50, 100], 5, 400, 100, 100)).toEqual([
      [200, 100],
      [300, 50],
      [400, 0],
    ]);
    expect(linePoints([], 5, 400, 100, 100)).toEqual([]);
    expect(linePoints([500], 5, 400, 100, 100)).toEqual([[400, 0]]); // clipped at the top
  });
});
