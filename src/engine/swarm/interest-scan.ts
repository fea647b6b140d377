import type { Bitfield } from './bitfield.js';

/**
 * "Does this bitfield have a piece we need?" for peers the picker does not track. The byte of
 * the last hit is remembered per bitfield and checked first, so asking again is O(1) while that
 * piece is still needed; otherwise one O(pieces / 8) scan.
 */
export class InterestScan {
  private readonly lastHit = new WeakMap<Bitfield, number>();

  hasNeeded(theirs: Bitfield, needed: Bitfield): boolean {
    const their = theirs.view();
    const need = needed.view();
    if (their.length !== need.length) return false;
    const start = this.lastHit.get(theirs) ?? 0;
    for (let step = 0; step < need.length; step++) {
      const k = (start + step) % need.length;
      if ((their[k]! & need[k]!) === 0) continue;
      this.lastHit.set(theirs, k);
      return true;
    }
    return false;
  }
}
