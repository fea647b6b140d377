import { describe, expect, it } from 'vitest';
import { Choker, type ChokerPeer } from '../../../src/engine/swarm/choker.js';
import { ManualClock } from '../../../src/engine/util/clock.js';
import { SeededRandom } from '../../../src/engine/util/random.js';

function peer(id: string, fields: Partial<ChokerPeer> = {}): ChokerPeer {
  return { id, interested: true, downloadRate: 0, uploadRate: 0, unchoked: false, connectedAt: -1_000_000, ...fields };
}

/** Ten peers: p0 sends us the most, p9 the least; the reverse for what they take from us. */
function swarm(): ChokerPeer[] {
  return Array.from({ length: 10 }, (_, k) =>
    peer(`p${k}`, { downloadRate: (10 - k) * 1000, uploadRate: (k + 1) * 1000 }),
  );
}

function setup(seed = 1) {
  const clock = new ManualClock(1_000_000);
  const choker = new Choker({ clock, random: new SeededRandom(seed) });
  return { clock, choker };
}

describe('Choker', () => {
  it('downloading: the three peers that send us the most, plus one optimistic', () => {
    const { choker } = setup();
    const unchoked = choker.rechoke(swarm(), false);
    expect(unchoked.size).toBe(4);
    for (const id of ['p0', 'p1', 'p2']) expect(unchoked.has(id)).toBe(true);
    const optimistic = choker.optimisticPeer!;
    expect(unchoked.has(optimistic)).toBe(true);
    expect(['p0', 'p1', 'p2']).not.toContain(optimistic);
  });

  it('seeding: the three peers that take our data fastest, plus one optimistic', () => {
    const { choker } = setup();
    const unchoked = choker.rechoke(swarm(), true);
    for (const id of ['p9', 'p8', 'p7']) expect(unchoked.has(id)).toBe(true);
    expect(unchoked.size).toBe(4);
  });

  it('uninterested peers get no slot', () => {
    const { choker } = setup();
    const peers = swarm().map((p) => (p.id === 'p0' ? { ...p, interested: false } : p));
    const unchoked = choker.rechoke(peers, false);
    expect(unchoked.has('p0')).toBe(false);
    for (const id of ['p1', 'p2', 'p3']) expect(unchoked.has(id)).toBe(true);
  });

  it('a snubbed peer loses its regular slot while downloading', () => {
    const { choker } = setup();
    const peers = swarm().map((p) => (p.id === 'p0' ? { ...p, snubbed: true } : p));
    const unchoked = choker.rechoke(peers, false);
    for (const id of ['p1', 'p2', 'p3']) expect(unchoked.has(id)).toBe(true);
    expect(choker.optimisticPeer === 'p0' || !unchoked.has('p0')).toBe(true);
  });

  it('the optimistic unchoke stays for 30 s, then rotates', () => {
    const { clock, choker } = setup();
    const peers = swarm();
    choker.rechoke(peers, false);
    const first = choker.optimisticPeer;
    clock.advance(10_000);
    choker.rechoke(peers, false);
    clock.advance(10_000);
    choker.rechoke(peers, false);
    expect(choker.optimisticPeer).toBe(first);
    clock.advance(10_000);
    const unchoked = choker.rechoke(peers, false);
    expect(choker.optimisticPeer).not.toBe(first);
    expect(unchoked.has(first!)).toBe(false);
  });

  it('an optimistic peer that leaves is replaced at once', () => {
    const { choker } = setup();
    const peers = swarm();
    choker.rechoke(peers, false);
    const first = choker.optimisticPeer;
    const unchoked = choker.rechoke(
      peers.filter((p) => p.id !== first),
      false,
    );
    expect(unchoked.size).toBe(4);
    expect(choker.optimisticPeer).not.toBe(first);
  });

  it('with 0 slots unchokes no one, not even optimistically (allowed-fast pieces only)', () => {
    const clock = new ManualClock(1_000_000);
    const choker = new Choker({ clock, random: new SeededRandom(5), uploadSlots: 0 });
    const peers = Array.from({ length: 5 }, (_, k) => peer(`p${k}`, { interested: true, downloadRate: 1000 * k }));
    for (let r = 0; r < 5; r++) {
      expect(choker.rechoke(peers, r % 2 === 0).size).toBe(0);
      clock.advance(30_000);
    }
  });

  it('newly connected peers are about three times as likely to be the optimistic unchoke', () => {
    const clock = new ManualClock(1_000_000);
    const choker = new Choker({ clock, random: new SeededRandom(5), uploadSlots: 1 });
    // Slots = 1: no regular slot, only the optimistic one. Half the peers are new.
    const peers = Array.from({ length: 10 }, (_, k) =>
      peer(`p${k}`, { connectedAt: k < 5 ? clock.now() : -1_000_000 }),
    );
    let newcomers = 0;
    const rounds = 3000;
    for (let r = 0; r < rounds; r++) {
      choker.rechoke(peers, false);
      if (Number(choker.optimisticPeer!.slice(1)) < 5) newcomers++;
      clock.advance(30_000);
      for (const p of peers) if (Number(p.id.slice(1)) < 5) p.connectedAt = clock.now();
    }
    // Expected share 3/4 (ignoring the no-repeat rule, which pulls it slightly toward 1/2).
    expect(newcomers / rounds).toBeGreaterThan(0.65);
    expect(newcomers / rounds).toBeLessThan(0.8);
  });

  it('fewer interested peers than slots: all of them are unchoked', () => {
    const { choker } = setup();
    const unchoked = choker.rechoke([peer('a'), peer('b', { snubbed: true }), peer('c', { interested: false })], false);
    expect([...unchoked].sort()).toEqual(['a', 'b']);
  });

  it('equal rates keep the peers already unchoked, so rechoking does not churn', () => {
    const { choker } = setup();
    const peers = Array.from({ length: 8 }, (_, k) => peer(`p${k}`, { unchoked: k >= 5 }));
    const unchoked = choker.rechoke(peers, false);
    for (const id of ['p5', 'p6', 'p7']) expect(unchoked.has(id)).toBe(true);
  });

  it('no peers: nothing to unchoke', () => {
    const { choker } = setup();
    expect(choker.rechoke([], false).size).toBe(0);
    expect(choker.optimisticPeer).toBeUndefined();
  });
});
