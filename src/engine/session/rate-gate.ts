import type { RateGate } from '../swarm/torrent-context.js';
import type { Clock } from '../util/clock.js';
import { RateMeter } from '../util/rate-meter.js';
import { TokenBucket } from './rate-limiter.js';

/** The part of a token bucket a gate needs (session/rate-limiter.ts provides it). */
export interface Bucket {
  /** Take bytes already moved; the bucket may go into debt. */
  consume(bytes: number): void;
  /** Milliseconds until `bytes` tokens are available (0 when they are now). */
  waitTime(bytes: number): number;
  /** Its rate in bytes/s (0 = unlimited), when it has one. */
  readonly rate?: number;
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

  limit(): number {
    let tightest = 0;
    for (const bucket of this.buckets()) {
      const rate = bucket.rate ?? 0;
      if (rate > 0 && (tightest === 0 || rate < tightest)) tightest = rate;
    }
    return tightest;
  }
}

/**
 * A torrent's bandwidth: its own token buckets (0 = no limit of its own) in front of the
 * client's global ones, and a gate per direction that counts payload against both.
 */
export class TorrentBandwidth {
  readonly download: TorrentRateGate;
  readonly upload: TorrentRateGate;
  readonly downloadBucket: TokenBucket;
  readonly uploadBucket: TokenBucket;

  constructor(clock: Clock, own: { download?: number; upload?: number }, global: { download: readonly Bucket[]; upload: readonly Bucket[] }) {
    this.downloadBucket = new TokenBucket({ rate: own.download ?? 0, clock });
    this.uploadBucket = new TokenBucket({ rate: own.upload ?? 0, clock });
    const down = [this.downloadBucket, ...global.download];
    const up = [this.uploadBucket, ...global.upload];
    this.download = new TorrentRateGate(clock, () => down);
    this.upload = new TorrentRateGate(clock, () => up);
  }

  /** This torrent's own limits in bytes/s (0 = none); the client's still apply. */
  setLimits(limits: { download?: number; upload?: number }): void {
    if (limits.download !== undefined) this.downloadBucket.setRate(limits.download);
    if (limits.upload !== undefined) this.uploadBucket.setRate(limits.upload);
  }
}
