import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/engine/util/clock.js';
import { SeededRandom } from '../../../src/engine/util/random.js';
import { SuperSeeder, type SuperSeedPeer } from '../../../src/engine/policy/super-seed.js';

class Peer implements SuperSeedPeer {
  readonly pieces = new Set<number>();
  constructor(readonly id: string) {}
  has(index: number): boolean {
    return this.pieces.has(index);
  }
}

function setup(pieceCount = 4, stuckAfterMs = 30_000) {
  const clock = new ManualClock();
  return { clock, seeder: new SuperSeeder(pieceCount, clock, new SeededRandom(7), { stuckAfterMs }) };
}

describe('SuperSeeder (BEP 16)', () => {
  it('offers each new peer one piece, a different one each while pieces remain', () => {
    const { seeder } = setup(4);
    const peers = [new Peer('a'), new Peer('b'), new Peer('c')];
    const offers = seeder.update(peers);
    expect(offers).toHaveLength(3);
    expect(new Set(offers.map((o) => o.piece)).size).toBe(3);
    // Nothing changed: no new offers.
    expect(seeder.update(peers)).toEqual([]);
  });

  it('does not advance a peer that holds its piece while others are there and nobody took it', () => {
    const { seeder } = setup(4);
    const [a, b] = [new Peer('a'), new Peer('b')];
    seeder.update([a, b]);
    a.pieces.add(seeder.offeredTo('a')!);
    expect(seeder.update([a, b])).toEqual([]);
  });

  it('advances a peer once its piece shows up at another peer', () => {
    const { seeder } = setup(4);
    const [a, b] = [new Peer('a'), new Peer('b')];
    seeder.update([a, b]);
    const pa = seeder.offeredTo('a')!;
    a.pieces.add(pa);
    b.pieces.add(pa); // b got it from a
    const offers = seeder.update([a, b]);
    expect(offers.map((o) => o.peerId)).toEqual(['a']);
    expect(offers[0]!.piece).not.toBe(pa);
    expect(a.has(offers[0]!.piece)).toBe(false);
  });

  it('a lone peer gets its next piece as soon as it has the last one', () => {
    const { seeder } = setup(3);
    const a = new Peer('a');
    seeder.update([a]);
    a.pieces.add(seeder.offeredTo('a')!);
    expect(seeder.update([a])).toHaveLength(1);
  });

  it('a peer stuck holding its piece gets another after stuckAfterMs', () => {
    const { clock, seeder } = setup(4, 10_000);
    const [a, b] = [new Peer('a'), new Peer('b')];
    seeder.update([a, b]);
    a.pieces.add(seeder.offeredTo('a')!);
    seeder.update([a, b]);
    clock.advance(9_999);
    expect(seeder.update([a, b])).toEqual([]);
    clock.advance(1);
    expect(seeder.update([a, b]).map((o) => o.peerId)).toEqual(['a']);
  });

  it('never offers a piece the peer has, prefers pieces offered least, and ends when all were seen', () => {
    const { seeder } = setup(3);
    const a = new Peer('a');
    a.pieces.add(0);
    const first = seeder.update([a]);
    expect(first[0]!.piece).not.toBe(0);
    for (let round = 0; round < 5 && !seeder.done; round++) {
      const offered = seeder.offeredTo('a');
      if (offered !== undefined) a.pieces.add(offered);
      seeder.update([a]);
    }
    expect(a.pieces.size).toBe(3);
    expect(seeder.done).toBe(true);
    expect(seeder.update([a])).toEqual([]);
  });

  it('forgets peers that left', () => {
    const { seeder } = setup(4);
    const [a, b] = [new Peer('a'), new Peer('b')];
    seeder.update([a, b]);
    seeder.update([b]);
    expect(seeder.offeredTo('a')).toBeUndefined();
  });
});

describe('SuperSeeder end', () => {
  it('ends as soon as a peer has every piece', () => {
    const { seeder } = setup(4);
    const a = new Peer('a');
    const done = Object.assign(new Peer('b'), { complete: true });
    seeder.update([a]);
    expect(seeder.update([a, done])).toEqual([]);
    expect(seeder.done).toBe(true);
  });
});
