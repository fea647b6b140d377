// Streaming in the picker: a time-critical window with deadlines (libtorrent's set_piece_deadline),
// then the streamed file's read-ahead in order, then rarest first.
import { describe, expect, it } from 'vitest';
import { Bitfield } from '../../../src/engine/swarm/bitfield.js';
import { PieceDeadlines } from '../../../src/engine/swarm/piece-deadlines.js';
import { PiecePicker, type BlockRef, type PickerOptions } from '../../../src/engine/swarm/piece-picker.js';
import { ManualClock } from '../../../src/engine/util/clock.js';
import { SeededRandom } from '../../../src/engine/util/random.js';

const BLOCK = 16384;

function picker(pieceCount: number, blocksPerPiece: number, clock: ManualClock, extra: Partial<PickerOptions> = {}): PiecePicker {
  return new PiecePicker({
    pieceCount,
    pieceLength: blocksPerPiece * BLOCK,
    lastPieceLength: blocksPerPiece * BLOCK,
    random: new SeededRandom(7),
    have: new Bitfield(pieceCount),
    randomFirstPieces: 0,
    clock,
    ...extra,
  });
}

function bits(size: number, indexes: Iterable<number>): Bitfield {
  const b = new Bitfield(size);
  for (const i of indexes) b.set(i);
  return b;
}

const pieces = (blocks: readonly BlockRef[]): number[] => [...new Set(blocks.map((b) => b.index))];

function receiveAll(p: PiecePicker, peer: string, blocks: readonly BlockRef[]): void {
  for (const b of blocks) {
    const r = p.onBlockReceived(peer, b.index, b.begin);
    if (r.pieceComplete) p.onPieceVerified(b.index);
  }
}

describe('picker deadlines: the time-critical window', () => {
  it('deadline pieces come first, in deadline order, before rarest first', () => {
    const clock = new ManualClock(1000);
    const p = picker(100, 1, clock);
    p.addPeer('a', bits(100, [10]));
    p.addPeer('seed', 'all');
    p.setPieceDeadlines([
      { index: 60, withinMs: 300 },
      { index: 50, withinMs: 100 },
      { index: 70, withinMs: 200 },
    ]);
    // Piece 10 is rarer (two holders less common than the rest) but the window comes first.
    expect(pieces(p.pickBlocks('seed', 'all', 3))).toEqual([50, 70, 60]);
    expect(p.timeCriticalCount).toBe(3);
    expect(p.isTimeCritical(70)).toBe(true);
    expect(p.isTimeCritical(10)).toBe(false);
  });

  it('deadline pieces come before pieces already in progress', () => {
    const clock = new ManualClock();
    const p = picker(20, 4, clock);
    p.addPeer('seed', 'all');
    const first = p.pickBlocks('seed', 'all', 2); // half of one piece in progress
    const started = first[0]!.index;
    const target = started === 19 ? 18 : 19;
    p.setPieceDeadlines([{ index: target, withinMs: 500 }]);
    const next = p.pickBlocks('seed', 'all', 6);
    expect(next.slice(0, 4).map((b) => b.index)).toEqual([target, target, target, target]);
    expect(next.slice(4).every((b) => b.index === started)).toBe(true);
  });

  it('a verified piece leaves the window; skipped (priority 0) pieces are never picked for it', () => {
    const clock = new ManualClock();
    const p = picker(10, 1, clock);
    p.addPeer('seed', 'all');
    const prio = new Uint8Array(10).fill(1);
    prio[3] = 0;
    p.setPiecePriorities(prio);
    p.setPieceDeadlines([{ index: 3, withinMs: 0 }, { index: 4, withinMs: 10 }]);
    const blocks = p.pickBlocks('seed', 'all', 1);
    expect(pieces(blocks)).toEqual([4]);
    receiveAll(p, 'seed', blocks);
    expect(p.timeCriticalCount).toBe(1); // only the skipped piece 3 is left, and it is not wanted
    expect(pieces(p.pickBlocks('seed', 'all', 1))).not.toContain(3);
  });

  it('indexes out of range, negative or fractional are ignored, not thrown', () => {
    const clock = new ManualClock();
    const p = picker(10, 1, clock);
    p.setPieceDeadlines([{ index: -1, withinMs: 0 }, { index: 10, withinMs: 0 }, { index: 2.5, withinMs: 0 }, { index: 5, withinMs: Number.NaN }, { index: 6, withinMs: 0 }]);
    expect(p.timeCriticalCount).toBe(1);
  });

  it('the window is spread: one peer gets at most criticalBlocksPerPick blocks of it per pick, the next peer the rest', () => {
    const clock = new ManualClock();
    const p = picker(40, 4, clock, { deadlines: { criticalBlocksPerPick: 4 } });
    p.addPeer('fast', 'all');
    p.addPeer('other', 'all');
    p.setPieceDeadlines([0, 1, 2].map((index) => ({ index, withinMs: 1000 + index })));
    const a = p.pickBlocks('fast', 'all', 100);
    expect(a.slice(0, 4).every((b) => b.index === 0)).toBe(true);
    expect(a.slice(4).some((b) => b.index === 1 || b.index === 2)).toBe(false);
    const b = p.pickBlocks('other', 'all', 100);
    expect(b.slice(0, 4).every((x) => x.index === 1)).toBe(true);
  });

  it('before its deadline a requested block is not asked again; once late it is asked of a second peer, and the loser gets CANCEL', () => {
    const clock = new ManualClock();
    const p = picker(10, 2, clock);
    p.addPeer('slow', 'all');
    p.addPeer('fast', 'all');
    p.setPieceDeadlines([{ index: 5, withinMs: 1000 }]);
    const slow = p.pickBlocks('slow', 'all', 2);
    expect(pieces(slow)).toEqual([5]);
    clock.advance(999);
    expect(p.pickBlocks('fast', 'all', 2).some((b) => b.index === 5)).toBe(false);
    for (const b of p.pickBlocks('fast', 'all', 0)) void b;
    clock.advance(2);
    // Release what 'fast' holds so the test looks only at the late piece.
    p.removePeer('fast');
    p.addPeer('fast', 'all');
    const again = p.pickBlocks('fast', 'all', 2);
    expect(again.map((b) => `${b.index}:${b.begin}`)).toEqual(['5:0', `5:${BLOCK}`]);
    const first = p.onBlockReceived('fast', 5, 0);
    expect(first.accepted).toBe(true);
    expect(first.cancelFrom).toEqual(['slow']);
    // The slow copy arriving afterwards is dropped.
    expect(p.onBlockReceived('slow', 5, 0).accepted).toBe(false);
    // No third holder: lateHolders is 2.
    p.addPeer('third', 'all');
    expect(p.pickBlocks('third', 'all', 2).some((b) => b.index === 5 && b.begin === BLOCK)).toBe(false);
  });

  it('a peer that lacks a window piece is given the next one it has', () => {
    const clock = new ManualClock();
    const p = picker(10, 1, clock);
    p.addPeer('a', bits(10, [2, 3]));
    p.setPieceDeadlines([{ index: 1, withinMs: 0 }, { index: 3, withinMs: 5 }]);
    expect(pieces(p.pickBlocks('a', bits(10, [2, 3]), 1))).toEqual([3]);
  });
});

describe('picker deadlines: read-ahead of the streamed file', () => {
  it('after the window, the read-ahead range goes in index order, then rarest first beyond it', () => {
    const clock = new ManualClock();
    const p = picker(100, 1, clock);
    p.addPeer('seed', 'all');
    p.setReadAhead({ first: 40, last: 44 });
    p.setPieceDeadlines([{ index: 42, withinMs: 10 }]);
    const picked = pieces(p.pickBlocks('seed', 'all', 7));
    expect(picked.slice(0, 6)).toEqual([42, 40, 41, 43, 44, picked[5]]);
    expect(picked[5]! < 40 || picked[5]! > 44).toBe(true);
  });

  it('the random first pieces do not apply while a file is streamed', () => {
    const clock = new ManualClock();
    const p = picker(1000, 1, clock, { randomFirstPieces: 4 });
    p.addPeer('seed', 'all');
    p.setReadAhead({ first: 500, last: 999 });
    expect(pieces(p.pickBlocks('seed', 'all', 4))).toEqual([500, 501, 502, 503]);
  });

  it('a read-ahead piece that fails its hash check is fetched again before later ones', () => {
    const clock = new ManualClock();
    const p = picker(20, 1, clock);
    p.addPeer('seed', 'all');
    p.setReadAhead({ first: 0, last: 19 });
    const blocks = p.pickBlocks('seed', 'all', 3);
    expect(pieces(blocks)).toEqual([0, 1, 2]);
    for (const b of blocks) p.onBlockReceived('seed', b.index, b.begin);
    p.onPieceVerified(0);
    p.onPieceVerified(2);
    p.onPieceFailed(1);
    expect(pieces(p.pickBlocks('seed', 'all', 2))).toEqual([1, 3]);
  });

  it('a peer without the next read-ahead pieces gets rarest first instead, after a bounded look', () => {
    const clock = new ManualClock();
    const p = picker(1000, 1, clock, { deadlines: { readAheadScan: 8 } });
    const has = bits(1000, [900, 950]);
    p.addPeer('a', has);
    p.addPeer('b', bits(1000, [950]));
    p.setReadAhead({ first: 0, last: 999 });
    // 900 is rarer than 950 and the peer has none of 0..7.
    expect(pieces(p.pickBlocks('a', has, 1))).toEqual([900]);
  });

  it('turning read-ahead off returns to rarest first', () => {
    const clock = new ManualClock();
    const p = picker(100, 1, clock);
    p.addPeer('seed', 'all');
    p.addPeer('x', bits(100, range(0, 99)));
    p.setReadAhead({ first: 0, last: 98 });
    expect(pieces(p.pickBlocks('seed', 'all', 1))).toEqual([0]);
    p.setReadAhead(null);
    expect(pieces(p.pickBlocks('seed', 'all', 1))).toEqual([99]);
  });
});

describe('PieceDeadlines bookkeeping', () => {
  it('keeps the earliest deadline of a piece named twice and cuts the window at maxCriticalPieces', () => {
    const d = new PieceDeadlines(100, { maxCriticalPieces: 2 });
    d.setCritical([{ index: 5, deadline: 50 }, { index: 5, deadline: 10 }, { index: 7, deadline: 20 }, { index: 9, deadline: 30 }]);
    expect(d.ordered()).toEqual([{ index: 5, deadline: 10 }, { index: 7, deadline: 20 }]);
    d.done(5);
    expect(d.ordered()).toEqual([{ index: 7, deadline: 20 }]);
  });

  it('read-ahead ranges are clamped to the torrent and an empty one is off', () => {
    const d = new PieceDeadlines(10);
    d.setReadAhead({ first: -5, last: 50 });
    expect(d.readAhead).toEqual({ first: 0, last: 9 });
    d.setReadAhead({ first: 6, last: 5 });
    expect(d.readAhead).toBeNull();
  });
});

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, k) => from + k);
}
