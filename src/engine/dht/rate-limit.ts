/**
 * Inbound query rate limit per source address (host AND port: a whole loopback DHT shares one
 * IP, INTEROP.md). A token bucket per address; the table of addresses is bounded, the least
 * recently seen forgotten first, so a flood of spoofed sources costs bounded memory.
 */
import type { Clock } from '../util/clock.js';

interface Allowance {
  tokens: number;
  at: number;
}

export class QueryRateLimiter {
  private readonly buckets = new Map<string, Allowance>();

  constructor(
    private readonly clock: Clock,
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly maxAddresses: number,
  ) {}

  /** Takes one query's allowance for `address`; false when it is over its rate. O(1). */
  allow(address: string): boolean {
    const now = this.clock.now();
    let entry = this.buckets.get(address);
    if (entry) {
      this.buckets.delete(address); // re-inserted below: Map order is recency order
      entry.tokens = Math.min(this.burst, entry.tokens + ((now - entry.at) / 1000) * this.perSecond);
      entry.at = now;
    } else {
      entry = { tokens: this.burst, at: now };
      if (this.buckets.size >= this.maxAddresses) {
        const oldest = this.buckets.keys().next();
        if (!oldest.done) this.buckets.delete(oldest.value);
      }
    }
    this.buckets.set(address, entry);
    if (entry.tokens < 1) return false;
    entry.tokens -= 1;
    return true;
  }

  get trackedAddresses(): number {
    return this.buckets.size;
  }
}
