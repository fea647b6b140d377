import { describe, expect, it } from 'vitest';
import { Bitfield } from '../../../src/engine/swarm/bitfield.js';
import { PiecePicker, type BlockRef, type PickerOptions } from '../../../src/engine/swarm/piece-picker.js';
import { SeededRandom } from '../../../src/engine/util/random.js';

const BLOCK = 16384;

function picker(
  pieceCount: number,
  blocksPerPiece = 1,
  extra: Partial<PickerOptions> = {},
): PiecePicker {
  return new PiecePicker({
    pieceCount,
    pieceLength: blocksPerPiece * BLOCK,
    lastPieceLength: blocksPerPiece * BLOCK,
    random: new SeededRandom(1),
    have: new Bitfield(pieceCount),
    randomFirstPieces: 0,
    ...extra,
  });
}

function bits(size: number, indexes: Iterable<number>): Bitfield {
  const b = new Bitfield(size);
  for (const i of indexes) b.set(i);
  return b;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, k) => from + k);
}

function allBut(size: number, ...missing: number[]): Bitfield {
  return bits(
    size,
    range(0, size).filter((i) => !missing.includes(i)),
  );
}

/** Pick one whole piece for `peer`, receive it, verify it; returns its index. */
function downloadOne(p: PiecePicker, peer: string, has: Bitfield | 'all', blocksPerPiece = 1): number {
  const blocks = p.pickBlocks(peer, has, blocksPerPiece);
  expect(blocks.length).toBe(blocksPerPiece);
  const index = blocks[0]!.index;
  for (const b of blocks) p.onBlockReceived(peer, b.index, b.begin);
  p.onPieceVerified(index);
  return index;
}

const key = (b: BlockRef): string => `${b.index}:${b.begin}`;

describe('PiecePicker: order', () => {
  it('rarest first: the piece fewest peers have comes first', () => {
    const p = picker(100);
    p.addPeer('a', allBut(100, 42));
    p.addPeer('b', allBut(100, 42));
    p.addPeer('seed', 'all');
    expect(p.pickBlocks('seed', 'all', 1)[0]!.index).toBe(42);
  });

  it('rarest first: a peer is asked for its rarest pieces before common ones', () => {
    const p = picker(20);
    for (const id of ['a', 'b', 'c']) p.addPeer(id, allBut(20, 19));
    p.addPeer('x', bits(20, [5, 12, 19]));
    const picked = range(0, 17).map(() => downloadOne(p, 'a', allBut(20, 19)));
    expect(picked).not.toContain(5);
    expect(picked).not.toContain(12);
    expect(new Set(picked).size).toBe(17);
    expect(downloadOne(p, 'x', bits(20, [5, 12, 19]))).toBe(19);
  });

  it('rarest first: ties are broken at random, not by index', () => {
    const p = picker(1000);
    p.addPeer('seed', 'all');
    const picked = range(0, 10).map(() => downloadOne(p, 'seed', 'all'));
    expect(picked).not.toEqual(range(0, 10));
  });

  it('random first pieces: the first ones are random, then rarest first', () => {
    const p = picker(100, 1, { randomFirstPieces: 4 });
    p.addPeer('a', allBut(100, 42));
    p.addPeer('b', allBut(100, 42));
    p.addPeer('seed', 'all');
    const first = range(0, 4).map(() => downloadOne(p, 'seed', 'all'));
    expect(first).not.toContain(42);
    expect(downloadOne(p, 'seed', 'all')).toBe(42);
  });

  it('random first pieces are skipped when resuming with enough pieces', () => {
    const p = picker(100, 1, { randomFirstPieces: 4, have: bits(100, [0, 1, 2, 3]) });
    p.addPeer('a', allBut(100, 42));
    p.addPeer('b', allBut(100, 42));
    expect(p.pickBlocks('seed', 'all', 1)[0]!.index).toBe(42);
  });

  it('higher priority pieces come before rarer normal ones', () => {
    const p = picker(100, 1, { randomFirstPieces: 4 });
    p.addPeer('a', allBut(100, 42));
    const priorities = new Uint8Array(100).fill(1);
    priorities[70] = 7;
    priorities[71] = 3;
    p.setPiecePriorities(priorities);
    expect(downloadOne(p, 'seed', 'all')).toBe(70);
    expect(downloadOne(p, 'seed', 'all')).toBe(71);
  });

  it('skipped pieces (priority 0) are never picked and do not count as wanted', () => {
    const p = picker(50);
    const priorities = new Uint8Array(50).map((_, i) => (i % 2 === 0 ? 0 : 1));
    p.setPiecePriorities(priorities);
    expect(p.wantedRemaining()).toBe(25);
    const picked = p.pickBlocks('seed', 'all', 1000);
    expect(picked.length).toBe(25);
    expect(picked.every((b) => b.index % 2 === 1)).toBe(true);
  });

  it('un-skipping a piece makes it wanted again', () => {
    const p = picker(4);
    p.setPiecePriorities(Uint8Array.of(0, 0, 0, 0));
    expect(p.pickBlocks('seed', 'all', 10)).toEqual([]);
    p.setPiecePriorities(Uint8Array.of(0, 0, 1, 0));
    expect(p.pickBlocks('seed', 'all', 10).map((b) => b.index)).toEqual([2]);
    expect(p.wantedRemaining()).toBe(1);
  });

  it('sequential: lowest wanted index first', () => {
    const p = picker(10, 2, { randomFirstPieces: 4 });
    p.setSequential(true);
    const picked = p.pickBlocks('seed', 'all', 8).map(key);
    expect(picked).toEqual(['0:0', '0:16384', '1:0', '1:16384', '2:0', '2:16384', '3:0', '3:16384']);
  });

  it('sequential: starts at the lowest piece the peer has', () => {
    const p = picker(10);
    p.setSequential(true);
    p.addPeer('a', bits(10, [4, 7]));
    expect(p.pickBlocks('a', bits(10, [4, 7]), 5).map((b) => b.index)).toEqual([4, 7]);
  });

  it('sequential: a piece that failed its hash is first again', () => {
    const p = picker(10);
    p.setSequential(true);
    const [b0] = p.pickBlocks('seed', 'all', 1);
    expect(p.onBlockReceived('seed', 0, 0).pieceComplete).toBe(true);
    expect(b0!.index).toBe(0);
    p.pickBlocks('seed', 'all', 3);
    p.onPieceFailed(0);
    expect(p.pickBlocks('seed', 'all', 1)[0]!.index).toBe(0);
  });
});

describe('PiecePicker: blocks', () => {
  it('a fast peer gets every block of one piece before another piece is started', () => {
    const p = picker(10, 4);
    const picked = p.pickBlocks('seed', 'all', 8);
    expect(new Set(picked.map((b) => b.index)).size).toBe(2);
    expect(picked.slice(0, 4).every((b) => b.index === picked[0]!.index)).toBe(true);
  });

  it('partially downloaded pieces are continued before new ones', () => {
    const p = picker(10, 4);
    const a = p.pickBlocks('a', 'all', 2);
    const b = p.pickBlocks('b', 'all', 2);
    expect(b.map((x) => x.index)).toEqual([a[0]!.index, a[0]!.index]);
    expect(b.map((x) => x.begin)).toEqual([2 * BLOCK, 3 * BLOCK]);
  });

  it('the last piece is shorter, and so is its last block', () => {
    const p = picker(3, 2, { lastPieceLength: BLOCK + 3616 });
    p.setSequential(true);
    const picked = p.pickBlocks('seed', 'all', 10);
    expect(picked.slice(4)).toEqual([
      { index: 2, begin: 0, length: BLOCK },
      { index: 2, begin: BLOCK, length: 3616 },
    ]);
    expect(p.geometry.blockLengthAt(2, BLOCK)).toBe(3616);
    expect(p.geometry.blockLengthAt(2, 2 * BLOCK)).toBe(0);
  });

  it('a last piece smaller than one block is one short block', () => {
    const p = picker(2, 1, { lastPieceLength: 100 });
    p.setSequential(true);
    expect(p.pickBlocks('seed', 'all', 10)[1]).toEqual({ index: 1, begin: 0, length: 100 });
  });

  it('a block size other than 16 KiB is honoured', () => {
    const p = picker(1, 1, { blockLength: 4096 });
    expect(p.pickBlocks('seed', 'all', 10).map((b) => b.length)).toEqual([4096, 4096, 4096, 4096]);
  });

  it('no block is requested twice outside endgame', () => {
    const p = picker(10, 4);
    const a = p.pickBlocks('a', 'all', 20);
    expect(p.isEndgame).toBe(false);
    const b = p.pickBlocks('b', 'all', 20);
    expect(new Set([...a, ...b].map(key)).size).toBe(40);
    expect(p.outstandingFor('a')).toBe(20);
    expect(p.outstandingFor('b')).toBe(20);
  });

  it('only pieces the peer has are picked', () => {
    const p = picker(10, 2);
    const has = bits(10, [3]);
    p.addPeer('a', has);
    expect(p.pickBlocks('a', has, 10).map((b) => b.index)).toEqual([3, 3]);
  });

  it('choked with allowed-fast pieces (BEP 6): only those are picked', () => {
    const p = picker(100);
    p.addPeer('seed', 'all');
    const picked = p.pickBlocks('seed', 'all', 10, new Set([17, 63]));
    expect(picked.map((b) => b.index).sort((x, y) => x - y)).toEqual([17, 63]);
  });

  it('suggested pieces (BEP 6 SUGGEST) come before rarer ones, if the peer has them and we lack them', () => {
    const p = picker(10);
    p.addPeer('a', allBut(10));
    p.addPeer('b', bits(10, [0, 1, 2, 3, 4, 5, 6, 7, 8])); // piece 9 is the rarest
    p.onPieceVerified(4);
    const picked = p.pickBlocks('a', allBut(10), 3, undefined, new Set([4, 9, 6, 2]));
    // 4 is ours already; the rest in suggestion order, ahead of rarest first.
    expect(picked.map((b) => b.index)).toEqual([9, 6, 2]);
    expect(p.pickBlocks('c', bits(10, [1]), 5, undefined, new Set([7])).map((b) => b.index)).toEqual([1]);
  });

  it('a failed request puts the block back in the pool', () => {
    const p = picker(10, 4);
    const [first] = p.pickBlocks('a', 'all', 2);
    p.onRequestFailed('a', first!.index, first!.begin);
    expect(p.outstandingFor('a')).toBe(1);
    expect(p.pickBlocks('b', 'all', 1)).toEqual([first]);
  });

  it('a piece left with no request and no data goes back among the new pieces', () => {
    const p = picker(10, 4);
    const [only] = p.pickBlocks('a', 'all', 1);
    p.onRequestFailed('a', only!.index, only!.begin);
    p.addPeer('others', allBut(10, only!.index));
    p.addPeer('more', allBut(10, only!.index));
    // Now the rarest, and whole again: all four blocks go out together.
    expect(p.pickBlocks('b', 'all', 4).map(key)).toEqual([0, 1, 2, 3].map((k) => `${only!.index}:${k * BLOCK}`));
  });

  it('a peer that has no piece left to start is asked again once a piece returns', () => {
    const p = picker(10);
    const has = bits(10, [5]);
    p.addPeer('x', has);
    expect(p.pickBlocks('x', has, 5).map((b) => b.index)).toEqual([5]);
    expect(p.pickBlocks('x', has, 5)).toEqual([]);
    p.onRequestFailed('x', 5, 0);
    expect(p.pickBlocks('x', has, 5).map((b) => b.index)).toEqual([5]);
  });

  it('a HAVE gives a peer with nothing left a new piece to start', () => {
    const p = picker(10);
    const has = bits(10, [5]);
    p.addPeer('x', has);
    p.pickBlocks('x', has, 5);
    expect(p.pickBlocks('x', has, 5)).toEqual([]);
    has.set(6);
    p.peerHas('x', 6);
    expect(p.pickBlocks('x', has, 5).map((b) => b.index)).toEqual([6]);
  });

  it('a peer never announced with addPeer still gets pieces only it has', () => {
    const p = picker(10);
    expect(p.pickBlocks('stranger', bits(10, [8]), 5).map((b) => b.index)).toEqual([8]);
  });
});

describe('PiecePicker: results', () => {
  it('an unrequested block is not accepted', () => {
    const p = picker(10, 2);
    p.pickBlocks('a', 'all', 1);
    expect(p.onBlockReceived('b', 0, 0).accepted).toBe(false);
    expect(p.onBlockReceived('a', 9, 0).accepted).toBe(false);
  });

  it('a block at a begin that is not a block boundary is not accepted', () => {
    const p = picker(1, 2);
    p.pickBlocks('a', 'all', 2);
    expect(p.onBlockReceived('a', 0, 100).accepted).toBe(false);
    expect(p.onBlockReceived('a', 0, 2 * BLOCK).accepted).toBe(false);
  });

  it('a duplicate block is not accepted', () => {
    const p = picker(1, 2);
    p.pickBlocks('a', 'all', 2);
    expect(p.onBlockReceived('a', 0, 0)).toEqual({ accepted: true, pieceComplete: false, cancelFrom: [] });
    expect(p.onBlockReceived('a', 0, 0).accepted).toBe(false);
    expect(p.outstandingFor('a')).toBe(1);
  });

  it('the last block reports the piece complete', () => {
    const p = picker(1, 2);
    p.pickBlocks('a', 'all', 2);
    p.onBlockReceived('a', 0, 0);
    expect(p.onBlockReceived('a', 0, BLOCK).pieceComplete).toBe(true);
  });

  it('a hash failure puts the whole piece back in the pool', () => {
    const p = picker(1, 2);
    p.pickBlocks('a', 'all', 2);
    p.onBlockReceived('a', 0, 0);
    p.onBlockReceived('a', 0, BLOCK);
    expect(p.pickBlocks('b', 'all', 5)).toEqual([]);
    p.onPieceFailed(0);
    expect(p.wantedRemaining()).toBe(1);
    expect(p.pickBlocks('b', 'all', 5).map(key)).toEqual(['0:0', '0:16384']);
  });

  it('a verified piece is done: nothing more is wanted', () => {
    const p = picker(1, 2);
    p.pickBlocks('a', 'all', 2);
    p.onBlockReceived('a', 0, 0);
    p.onBlockReceived('a', 0, BLOCK);
    p.onPieceVerified(0);
    expect(p.wantedRemaining()).toBe(0);
    expect(p.pickBlocks('a', 'all', 5)).toEqual([]);
    expect(p.isEndgame).toBe(false);
  });

  it('removePeer releases its requests; received blocks are kept', () => {
    const p = picker(10, 4);
    const a = p.pickBlocks('a', 'all', 3);
    p.onBlockReceived('a', a[0]!.index, a[0]!.begin);
    p.removePeer('a');
    expect(p.outstandingFor('a')).toBe(0);
    const b = p.pickBlocks('b', 'all', 3);
    expect(b.map(key)).toEqual([1, 2, 3].map((k) => `${a[0]!.index}:${k * BLOCK}`));
  });

  it('a peer announced again keeps its requests', () => {
    const p = picker(10, 4);
    p.addPeer('a', 'all');
    p.pickBlocks('a', 'all', 3);
    p.addPeer('a', allBut(10, 9));
    expect(p.outstandingFor('a')).toBe(3);
  });

  it('removePeer lowers availability', () => {
    const p = picker(10);
    p.addPeer('a', allBut(10, 3));
    p.addPeer('b', allBut(10, 3));
    p.addPeer('c', bits(10, [3]));
    p.addPeer('d', bits(10, [3]));
    p.addPeer('e', bits(10, [3]));
    p.removePeer('c');
    p.removePeer('d');
    p.removePeer('e');
    // Piece 3 is now the only piece no peer has: the rarest for a seed.
    expect(p.pickBlocks('seed', 'all', 1)[0]!.index).toBe(3);
  });
});

describe('PiecePicker: endgame', () => {
  let bBlocks: BlockRef[] = [];
  function allRequested(): PiecePicker {
    const p = picker(10, 4);
    p.pickBlocks('a', 'all', 20);
    bBlocks = p.pickBlocks('b', 'all', 20);
    return p;
  }

  it('endgame starts when every wanted block is requested', () => {
    expect(allRequested().isEndgame).toBe(true);
  });

  it('endgame: a peer is asked for blocks others hold, never its own', () => {
    const p = allRequested();
    const extra = p.pickBlocks('a', 'all', 100);
    const ofB = new Set(bBlocks.map(key));
    expect(extra.length).toBe(20);
    expect(extra.every((b) => ofB.has(key(b)))).toBe(true);
    expect(p.outstandingFor('a')).toBe(40);
  });

  it('endgame: at most two peers hold a block', () => {
    const p = allRequested();
    p.pickBlocks('a', 'all', 100);
    p.pickBlocks('b', 'all', 100);
    expect(p.pickBlocks('c', 'all', 100)).toEqual([]);
  });

  it('endgame: the block arriving from one peer cancels it at the others', () => {
    const p = allRequested();
    const [dup] = p.pickBlocks('a', 'all', 1);
    const result = p.onBlockReceived('b', dup!.index, dup!.begin);
    expect(result).toEqual({ accepted: true, pieceComplete: false, cancelFrom: ['a'] });
    expect(p.outstandingFor('a')).toBe(20);
    expect(p.outstandingFor('b')).toBe(19);
    expect(p.onBlockReceived('a', dup!.index, dup!.begin).accepted).toBe(false);
  });

  it('endgame ends when a request fails: the free block is picked normally', () => {
    const p = allRequested();
    p.onRequestFailed('b', bBlocks[0]!.index, bBlocks[0]!.begin);
    expect(p.isEndgame).toBe(false);
    expect(p.pickBlocks('c', 'all', 1)).toEqual([bBlocks[0]]);
  });
});

describe('PiecePicker: interest', () => {
  it('a peer with no wanted piece is not interesting until a HAVE', () => {
    const p = picker(10);
    const has = new Bitfield(10);
    p.addPeer('a', has);
    expect(p.isInteresting(has)).toBe(false);
    expect(p.isPeerInteresting('a')).toBe(false);
    has.set(3);
    p.peerHas('a', 3);
    expect(p.isInteresting(has)).toBe(true);
    expect(p.isPeerInteresting('a')).toBe(true);
  });

  it('a peer stops being interesting once we verify what it had', () => {
    const p = picker(10);
    const has = bits(10, [3]);
    p.addPeer('a', has);
    expect(p.isInteresting(has)).toBe(true);
    p.onPieceVerified(3);
    expect(p.isInteresting(has)).toBe(false);
    expect(p.isPeerInteresting('a')).toBe(false);
  });

  it('a peer with only skipped pieces is not interesting', () => {
    const p = picker(4);
    const has = bits(4, [1]);
    p.addPeer('a', has);
    p.setPiecePriorities(Uint8Array.of(1, 0, 1, 1));
    expect(p.isInteresting(has)).toBe(false);
    expect(p.isPeerInteresting('a')).toBe(false);
  });

  it('a seed is interesting until every wanted piece is verified', () => {
    const p = picker(2);
    p.addPeer('s', 'all');
    expect(p.isInteresting('all')).toBe(true);
    p.onPieceVerified(0);
    p.onPieceVerified(1);
    expect(p.isInteresting('all')).toBe(false);
    expect(p.isPeerInteresting('s')).toBe(false);
  });

  it('isInteresting looks past a remembered piece we have since verified', () => {
    const p = picker(100);
    const has = bits(100, [10, 90]);
    expect(p.isInteresting(has)).toBe(true);
    p.onPieceVerified(10);
    expect(p.isInteresting(has)).toBe(true);
    p.onPieceVerified(90);
    expect(p.isInteresting(has)).toBe(false);
  });

  it('a HAVE for a piece we already have does not make a peer interesting', () => {
    const p = picker(4, 1, { have: bits(4, [2]) });
    p.addPeer('a', new Bitfield(4));
    p.peerHas('a', 2);
    expect(p.isPeerInteresting('a')).toBe(false);
  });
});

describe('PiecePicker: performance', () => {
  function run(p: PiecePicker, peers: [string, Bitfield | 'all'][], pieces: number, blocksPerPiece: number): number {
    const start = performance.now();
    let verified = 0;
    let blocks = 0;
    while (verified < pieces) {
      for (const [id, has] of peers) {
        for (const b of p.pickBlocks(id, has, 64)) {
          blocks++;
          if (p.onBlockReceived(id, b.index, b.begin).pieceComplete) {
            p.onPieceVerified(b.index);
            verified++;
          }
        }
      }
    }
    expect(blocks).toBeGreaterThanOrEqual(pieces * blocksPerPiece);
    return performance.now() - start;
  }

  // Per-block work must not grow with the torrent: 2,000 pieces picked and received cost about the
  // same in a torrent of 25,000 or 100,000 pieces (O(pieces) per block would take ~4x). Best of
  // three, compared as a ratio, so a loaded machine slows both sides alike.
  function bestOf3(make: () => number): number {
    return Math.min(make(), make(), make());
  }

  it('one seed: 2,000 pieces cost the same in 25,000 or 100,000 pieces', () => {
    const once = (pieces: number) => {
      const p = picker(pieces, 16, { randomFirstPieces: 4 });
      p.addPeer('seed', 'all');
      return run(p, [['seed', 'all']], 2000, 16);
    };
    once(25_000); // warm-up
    expect(bestOf3(() => once(100_000)) / bestOf3(() => once(25_000))).toBeLessThan(2.5);
  });

  it('20 peers with 90% each: 2,000 pieces cost the same in 25,000 or 100,000 pieces', () => {
    const setup = (pieces: number) => {
      const random = new SeededRandom(7);
      const haves: [string, Bitfield][] = [];
      for (let k = 0; k < 20; k++) haves.push([`p${k}`, bits(pieces, range(0, pieces).filter(() => random.next() < 0.9))]);
      return haves;
    };
    const once = (pieces: number, haves: [string, Bitfield][]) => {
      const p = picker(pieces, 16);
      for (const [id, has] of haves) p.addPeer(id, has);
      return run(p, haves, 2000, 16);
    };
    const small = setup(25_000);
    const large = setup(100_000);
    once(25_000, small); // warm-up
    expect(bestOf3(() => once(100_000, large)) / bestOf3(() => once(25_000, small))).toBeLessThan(2.5);
  });
});
