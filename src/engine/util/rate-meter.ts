import type { Clock } from './clock.js';

/**
 * Bytes per second over a sliding window of one-second slots. add() is O(1) amortized:
 * it only rolls the slots that time has passed.
 */
export class RateMeter {
  private readonly slots: Float64Array;
  private slotStart: number;
  private head = 0;
  private readonly createdAt: number;
  private sum = 0;
  total = 0;

  constructor(
    private readonly clock: Clock,
    windowSeconds = 5,
  ) {
    this.slots = new Float64Array(windowSeconds);
    this.createdAt = clock.now();
    this.slotStart = Math.floor(this.createdAt / 1000);
  }

  add(bytes: number): void {
    this.roll();
    this.slots[this.head]! += bytes;
    this.sum += bytes;
    this.total += bytes;
  }

  /** Average bytes/s over the completed part of the window plus the current slot. */
  rate(): number {
    this.roll();
    const nowMs = this.clock.now();
    const intoSlot = nowMs / 1000 - this.slotStart;
    const span = this.slots.length - 1 + Math.min(1, Math.max(intoSlot, 0.001));
    // A meter younger than its window has seen less time than the window: divide by that,
    // or a new connection reads several times slower than it is (and its pipeline stays short).
    const age = Math.max((nowMs - this.createdAt) / 1000, 0.25);
    return this.sum / Math.min(span, age);
  }

  private roll(): void {
    const second = Math.floor(this.clock.now() / 1000);
    let steps = second - this.slotStart;
    if (steps <= 0) return;
    if (steps >= this.slots.length) {
      this.slots.fill(0);
      this.sum = 0;
      this.head = 0;
      this.slotStart = second;
      return;
    }
    while (steps-- > 0) {
      this.head = (this.head + 1) % this.slots.length;
      this.sum -= this.slots[this.head]!;
      this.slots[this.head] = 0;
    }
    this.slotStart = second;
  }
}
