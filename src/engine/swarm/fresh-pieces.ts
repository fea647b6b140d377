import type { Random } from '../util/random.js';

/** Priorities run 1 (normal) .. 7 (top); 0 (skip) pieces are never filed here. */
export const MAX_PRIORITY = 7;

/**
 * The wanted pieces that nobody has started yet, filed in buckets by (priority, availability)
 * so the picker finds the rarest one without scanning every piece.
 *
 * Each bucket is an unordered array with a position index, so filing, removing and moving a
 * piece between buckets are O(1). A piece is put at a random place in its bucket, which makes
 * the order inside a bucket the random tie-break among equally rare pieces.
 */
export class FreshPieces {
  private readonly random: Random;
  /** Position of a piece in its bucket, or -1 when it is not filed. */
  private readonly pos: Int32Array;
  private readonly filedPriority: Uint8Array;
  private readonly filedAvailability: Uint32Array;
  /** buckets[priority][availability] */
  private readonly buckets: number[][][] = [];
  private readonly countByPriority = new Int32Array(MAX_PRIORITY + 1);
  /** For sequential mode: per priority, no filed piece of that priority lies below it. */
  private readonly lowest = new Int32Array(MAX_PRIORITY + 1);
  size = 0;

  constructor(pieceCount: number, random: Random) {
    this.random = random;
    this.pos = new Int32Array(pieceCount).fill(-1);
    this.filedPriority = new Uint8Array(pieceCount);
    this.filedAvailability = new Uint32Array(pieceCount);
    for (let p = 0; p <= MAX_PRIORITY; p++) this.buckets.push([]);
  }

  has(index: number): boolean {
    return this.pos[index]! >= 0;
  }

  add(index: number, priority: number, availability: number): void {
    if (this.pos[index]! >= 0 || priority <= 0) return;
    const byAvailability = this.buckets[priority]!;
    while (byAvailability.length <= availability) byAvailability.push([]);
    const bucket = byAvailability[availability]!;
    // Insert at a random place: swap whatever is there to the end.
    const at = this.random.int(bucket.length + 1);
    if (at < bucket.length) {
      const moved = bucket[at]!;
      this.pos[moved] = bucket.length;
      bucket.push(moved);
      bucket[at] = index;
    } else {
      bucket.push(index);
    }
    this.pos[index] = at;
    this.filedPriority[index] = priority;
    this.filedAvailability[index] = availability;
    this.countByPriority[priority]!++;
    this.size++;
    if (index < this.lowest[priority]!) this.lowest[priority] = index;
  }

  remove(index: number): void {
    const at = this.pos[index]!;
    if (at < 0) return;
    const priority = this.filedPriority[index]!;
    const bucket = this.buckets[priority]![this.filedAvailability[index]!]!;
    const last = bucket.pop()!;
    if (last !== index) {
      bucket[at] = last;
      this.pos[last] = at;
    }
    this.pos[index] = -1;
    this.countByPriority[priority]!--;
    this.size--;
  }

  /** Re-file a piece whose priority or availability changed. */
  move(index: number, priority: number, availability: number): void {
    if (this.pos[index]! < 0) return;
    if (this.filedPriority[index] === priority && this.filedAvailability[index] === availability) return;
    this.remove(index);
    this.add(index, priority, availability);
  }

  /**
   * Rarest first: the first piece `accept`ed, by priority (high first), then availability (low
   * first) from `minAvailability`, then the random order inside a bucket. -1 if none.
   */
  findRarest(minAvailability: number, accept: (index: number) => boolean): number {
    for (let p = MAX_PRIORITY; p > 0; p--) {
      if (this.countByPriority[p] === 0) continue;
      const byAvailability = this.buckets[p]!;
      for (let a = minAvailability; a < byAvailability.length; a++) {
        const bucket = byAvailability[a]!;
        for (let k = 0; k < bucket.length; k++) {
          const index = bucket[k]!;
          if (accept(index)) return index;
        }
      }
    }
    return -1;
  }

  /**
   * Sequential: the lowest `accept`ed index, highest priority first. Each priority's cursor skips
   * the run of unfiled pieces below it for good, so the scan is amortized O(1) for a seed.
   */
  findLowest(accept: (index: number) => boolean): number {
    const pieceCount = this.pos.length;
    for (let p = MAX_PRIORITY; p > 0; p--) {
      if (this.countByPriority[p] === 0) continue;
      let advancing = true;
      for (let i = this.lowest[p]!; i < pieceCount; i++) {
        if (this.pos[i]! < 0 || this.filedPriority[i] !== p) {
          if (advancing) this.lowest[p] = i + 1;
          continue;
        }
        advancing = false;
        if (accept(i)) return i;
      }
    }
    return -1;
  }

  /** A uniformly random piece among those of the highest priority present, or -1. */
  randomTopPriority(): number {
    for (let p = MAX_PRIORITY; p > 0; p--) {
      const count = this.countByPriority[p]!;
      if (count === 0) continue;
      let k = this.random.int(count);
      for (const bucket of this.buckets[p]!) {
        if (k < bucket.length) return bucket[k]!;
        k -= bucket.length;
      }
    }
    return -1;
  }

  /** Rank two pieces the way findRarest would (negative: `a` first). */
  compare(a: number, b: number): number {
    const byPriority = this.filedPriority[b]! - this.filedPriority[a]!;
    if (byPriority !== 0) return byPriority;
    return this.filedAvailability[a]! - this.filedAvailability[b]!;
  }
}
