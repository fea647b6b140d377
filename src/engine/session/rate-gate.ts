import type { RateGate } from '../swarm/torrent-context.js';
import type { Clock } from '../util/clock.js';
import { RateMeter } from '../util/rate-meter.js';

/** The part of a token bucket a gate needs (session/rate-limiter.ts provides it). */
export interface Bucket {
  /** Take bytes already moved; the bucket may go into debt. */
  consume(bytes: number): void;
  /** Milliseconds until `bytes` tokens are available (0 when they are now). */
  waitTime(bytes: number): number;
}

/**
 * One direction of one torrent: counts payload bytes (for stats and ratio) and checks them
 * against the torrent's own bucket and the client's global one.
 */
export class TorrentRateGate implements RateGate {
  readonly meter: RateMeter;

  constructor(
    clock: Clock,
    private readonly buckets: () => readonly Bucket[],
  ) {
    this.meter = new RateMeter(clock);
  }

  spend(bytes: number): number {
    this.meter.add(bytes);
    let wait = 0;
    for (const bucket of this.buckets()) {
      bucket.consume(bytes);
      wait = Math.max(wait, bucket.waitTime(0));
    }
    return wait;
  }
}
