import type { Clock } from '../util/clock.js';
import type { Random } from '../util/random.js';

/** Defaults, visible in one place. */
export const CHOKER_DEFAULTS = {
  /** Peers we upload to at once: the best by rate plus one optimistic slot. */
  uploadSlots: 4,
  /** How long the optimistic unchoke stays on one peer (BEP 3: it "rotates every 30 seconds"). */
  optimisticIntervalMs: 30_000,
  /** BEP 3: newly connected peers are three times as likely to get the optimistic slot. */
  newPeerMs: 90_000,
  newPeerWeight: 3,
} as const;

export interface ChokerPeer {
  id: string;
  interested: boolean;
  /** Bytes/s we receive from them. */
  downloadRate: number;
  /** Bytes/s we send them. */
  uploadRate: number;
  unchoked: boolean;
  snubbed?: boolean;
  connectedAt: number;
}

export interface ChokerOptions {
  clock: Clock;
  random: Random;
  uploadSlots?: number;
  optimisticIntervalMs?: number;
  newPeerMs?: number;
}

/**
 * Tit-for-tat (BEP 3, "choking and optimistic unchoking"). Call `rechoke` every 10 s.
 *
 * Downloading: the interested, not snubbed peers that send us the most get `uploadSlots - 1`
 * slots. Seeding: those that take our data the fastest do. One more slot goes to an optimistic
 * unchoke, kept for 30 s, so newcomers can show what they give; new peers are favoured because
 * they have nothing to trade yet. Slots left over go to the remaining interested peers.
 */
export class Choker {
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly slots: number;
  private readonly optimisticIntervalMs: number;
  private readonly newPeerMs: number;
  private optimistic: string | undefined;
  private optimisticSince = 0;

  constructor(options: ChokerOptions) {
    this.clock = options.clock;
    this.random = options.random;
    // 0 slots: upload to no one (peers still get their BEP 6 allowed-fast pieces).
    this.slots = Math.max(0, Math.floor(options.uploadSlots ?? CHOKER_DEFAULTS.uploadSlots));
    this.optimisticIntervalMs = options.optimisticIntervalMs ?? CHOKER_DEFAULTS.optimisticIntervalMs;
    this.newPeerMs = options.newPeerMs ?? CHOKER_DEFAULTS.newPeerMs;
  }

  /** The peer holding the optimistic slot, if any. */
  get optimisticPeer(): string | undefined {
    return this.optimistic;
  }

  /** Ids of the peers that should be unchoked; every other peer should be choked. */
  rechoke(peers: readonly ChokerPeer[], seeding: boolean): Set<string> {
    if (this.slots === 0) return new Set();
    const rate = seeding ? (p: ChokerPeer) => p.uploadRate : (p: ChokerPeer) => p.downloadRate;
    const interested = peers.filter((p) => p.interested);
    // Ties (all zero at first) keep whoever is unchoked, so a rechoke does not churn for nothing.
    const tieBreak = new Map(interested.map((p) => [p.id, this.random.next()]));
    const ranked = interested
      .filter((p) => seeding || !p.snubbed)
      .sort(
        (a, b) =>
          rate(b) - rate(a) ||
          Number(b.unchoked) - Number(a.unchoked) ||
          tieBreak.get(a.id)! - tieBreak.get(b.id)!,
      );
    const unchoke = new Set<string>();
    for (const peer of ranked) {
      if (unchoke.size >= this.slots - 1) break;
      unchoke.add(peer.id);
    }

    const optimistic = this.pickOptimistic(interested, unchoke);
    if (optimistic !== undefined) unchoke.add(optimistic);

    // Fewer takers than slots: the rest go to anyone interested (snubbed ones included).
    const rest = interested
      .filter((p) => !unchoke.has(p.id))
      .sort((a, b) => rate(b) - rate(a) || tieBreak.get(a.id)! - tieBreak.get(b.id)!);
    for (const peer of rest) {
      if (unchoke.size >= this.slots) break;
      unchoke.add(peer.id);
    }
    return unchoke;
  }

  /** Keep the optimistic peer for its interval, unless it left, lost interest or earned a slot. */
  private pickOptimistic(interested: readonly ChokerPeer[], regular: ReadonlySet<string>): string | undefined {
    const now = this.clock.now();
    const candidates = interested.filter((p) => !regular.has(p.id));
    const current = this.optimistic;
    const stillThere = current !== undefined && candidates.some((p) => p.id === current);
    if (stillThere && now - this.optimisticSince < this.optimisticIntervalMs) return current;

    // Rotate: someone else if possible.
    const pool = candidates.length > 1 ? candidates.filter((p) => p.id !== current) : candidates;
    if (pool.length === 0) {
      this.optimistic = undefined;
      return undefined;
    }
    const weight = (p: ChokerPeer): number =>
      now - p.connectedAt < this.newPeerMs ? CHOKER_DEFAULTS.newPeerWeight : 1;
    let total = 0;
    for (const p of pool) total += weight(p);
    let r = this.random.next() * total;
    let chosen = pool[pool.length - 1]!;
    for (const p of pool) {
      r -= weight(p);
      if (r < 0) {
        chosen = p;
        break;
      }
    }
    this.optimistic = chosen.id;
    this.optimisticSince = now;
    return chosen.id;
  }
}
