import type { Clock, TimerHandle } from '../util/clock.js';
import { TorrentError } from '../util/errors.js';

/** Defaults, visible in one place. */
export const RATE_LIMITER_DEFAULTS = {
  /** The bucket always holds at least one block, or a 16 KiB request could never be granted. */
  minBurst: 16384,
  /** Shortest timer between grants (timers are not finer than a millisecond anyway). */
  minWaitMs: 1,
  /**
   * A shared scheduler re-checks at least this often while requests wait: a bucket's rate may
   * have changed since it computed its wait (buckets do not know which schedulers use them).
   */
  groupRecheckMs: 250,
} as const;

export type Grant = () => void;

interface Waiter {
  buckets: readonly TokenBucket[];
  n: number;
  grant: Grant;
  owner: unknown;
  live: boolean;
}

/**
 * One queue of waiters for any number of buckets, granted first come, first served per bucket:
 * once a waiter is stuck on a bucket, later waiters that need that bucket wait behind it, while
 * waiters on other buckets go ahead. Torrents that share the global bucket therefore share it
 * fairly, and a slow torrent limit never holds back another torrent. Every group that shares a
 * bucket must use the same scheduler (the client makes one).
 *
 * A grant runs at once when nothing waits on its buckets and tokens are there; a callback that
 * requests again is queued and run after it returns, so chains of grants never grow the stack.
 */
export class BandwidthScheduler {
  private queue: Waiter[] = [];
  /** Buckets a queued waiter is stuck on: newcomers needing them wait behind it. */
  private claimed = new Set<TokenBucket>();
  private timer: TimerHandle | undefined;
  private timerAt = 0;
  private live = 0;
  private readonly liveByOwner = new Map<unknown, number>();
  private delivering = false;
  private readonly ready: Grant[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly maxWaitMs: number = RATE_LIMITER_DEFAULTS.groupRecheckMs,
  ) {}

  /** Queued requests (of one owner, or all). */
  pending(owner?: unknown): number {
    return owner === undefined ? this.live : (this.liveByOwner.get(owner) ?? 0);
  }

  /** Call `grant` once `n` tokens are taken from every bucket. Returns a withdraw function. */
  request(buckets: readonly TokenBucket[], n: number, grant: Grant, owner?: unknown): () => void {
    if (!buckets.some((b) => this.claimed.has(b))) {
      let blocked = false;
      for (const b of buckets) {
        if (b.canGrant(n)) continue;
        this.claimed.add(b);
        blocked = true;
      }
      if (!blocked) {
        for (const b of buckets) b.take(n);
        this.deliver([grant]);
        return () => {};
      }
    }
    const waiter: Waiter = { buckets, n, grant, owner, live: true };
    this.queue.push(waiter);
    this.live++;
    this.liveByOwner.set(owner, (this.liveByOwner.get(owner) ?? 0) + 1);
    this.schedule(waitFor(buckets, n));
    return () => {
      if (!waiter.live) return;
      this.retire(waiter);
      this.pump();
    };
  }

  /** Take now, if nothing of `owner`'s is queued, no waiter is stuck on these buckets, and all have `n`. */
  tryTake(buckets: readonly TokenBucket[], n: number, owner?: unknown): boolean {
    if (this.pending(owner) > 0) return false;
    for (const b of buckets) if (this.claimed.has(b) || !b.canGrant(n)) return false;
    for (const b of buckets) b.take(n);
    return true;
  }

  /** Drop queued requests (of one owner, or all) without calling them. */
  cancelAll(owner?: unknown): void {
    for (const w of this.queue) if (w.live && (owner === undefined || w.owner === owner)) this.retire(w);
    this.pump();
  }

  /** Grant what the tokens allow, in order, then sleep until the first stuck waiter can go. */
  pump(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    const claimed = new Set<TokenBucket>();
    const granted: Grant[] = [];
    let wake = Infinity;
    let kept = 0;
    for (const w of this.queue) {
      if (!w.live) continue;
      if (w.buckets.some((b) => claimed.has(b))) {
        this.queue[kept++] = w;
        continue;
      }
      let blocked = false;
      for (const b of w.buckets) {
        if (b.canGrant(w.n)) continue;
        claimed.add(b);
        blocked = true;
      }
      if (blocked) {
        wake = Math.min(wake, waitFor(w.buckets, w.n));
        this.queue[kept++] = w;
        continue;
      }
      for (const b of w.buckets) b.take(w.n);
      this.retire(w);
      granted.push(w.grant);
    }
    this.queue.length = kept;
    this.claimed = claimed;
    if (kept > 0) this.schedule(wake);
    this.deliver(granted);
  }

  private retire(w: Waiter): void {
    w.live = false;
    this.live--;
    const left = this.liveByOwner.get(w.owner)! - 1;
    if (left === 0) this.liveByOwner.delete(w.owner);
    else this.liveByOwner.set(w.owner, left);
  }

  /** Wake in `wait` ms, unless a timer already wakes sooner. */
  private schedule(wait: number): void {
    const ms = Math.max(RATE_LIMITER_DEFAULTS.minWaitMs, Math.min(this.maxWaitMs, wait));
    const at = this.clock.now() + ms;
    if (this.timer !== undefined) {
      if (this.timerAt <= at) return;
      this.clock.clearTimeout(this.timer);
    }
    this.timerAt = at;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, ms);
  }

  /** Run grants in order; one that throws does not cost the others theirs. */
  private deliver(grants: readonly Grant[]): void {
    if (grants.length === 0) return;
    this.ready.push(...grants);
    if (this.delivering) return;
    this.delivering = true;
    let failure: unknown;
    for (let k = 0; k < this.ready.length; k++) {
      try {
        this.ready[k]!();
      } catch (error) {
        failure ??= error;
      }
    }
    this.ready.length = 0;
    this.delivering = false;
    if (failure !== undefined) throw failure;
  }
}

function waitFor(buckets: readonly TokenBucket[], n: number): number {
  let wait = 0;
  for (const b of buckets) wait = Math.max(wait, b.waitTime(n));
  return wait;
}

export interface TokenBucketOptions {
  /** Bytes per second; 0 = unlimited. */
  rate: number;
  /** Most tokens saved up; default one second's worth, never below one block. */
  burst?: number;
  clock: Clock;
}

/**
 * A token bucket: tokens flow in at `rate` per second up to `capacity`. It starts empty, so a
 * limit holds from the first byte; idle time saves up at most `capacity` (about one second).
 * Tokens may go negative (`consume`: data that already arrived), which later grants repay.
 */
export class TokenBucket {
  private readonly clock: Clock;
  private readonly burst: number | undefined;
  private currentRate = 0;
  private cap = 0;
  private tokens = 0;
  private last: number;
  /** Its own queue, for request(); groups queue in the client's shared scheduler instead. */
  private readonly waiters: BandwidthScheduler;
  private readonly self: readonly TokenBucket[] = [this];

  constructor(options: TokenBucketOptions) {
    this.clock = options.clock;
    this.burst = options.burst;
    this.last = this.clock.now();
    this.waiters = new BandwidthScheduler(this.clock, Infinity);
    this.setRate(options.rate);
  }

  get rate(): number {
    return this.currentRate;
  }

  get unlimited(): boolean {
    return this.currentRate === 0;
  }

  get capacity(): number {
    return this.cap;
  }

  /** Tokens now (negative while in debt); Infinity when unlimited. */
  available(): number {
    if (this.unlimited) return Infinity;
    this.refill();
    return this.tokens;
  }

  setRate(rate: number): void {
    if (!Number.isFinite(rate) || rate < 0) {
      throw new TorrentError('usage', `a rate limit must be a number of bytes per second (0 = unlimited), got ${rate}`);
    }
    const wasUnlimited = this.unlimited;
    this.refill();
    this.currentRate = rate;
    this.cap = rate === 0 ? 0 : Math.max(RATE_LIMITER_DEFAULTS.minBurst, this.burst ?? rate);
    // Coming from unlimited, start empty as a new bucket does: the limit holds from now on.
    this.tokens = wasUnlimited ? 0 : Math.min(this.tokens, this.cap);
    this.last = this.clock.now();
    this.waiters.pump();
  }

  /** Take `n` tokens if they are there and nobody is waiting ahead. */
  tryConsume(n: number): boolean {
    return this.waiters.tryTake(this.self, n);
  }

  /** Take `n` tokens unconditionally (bytes already moved); the bucket may go into debt. */
  consume(n: number): void {
    this.take(n);
  }

  /** Milliseconds until `n` tokens are there (0 = now), ignoring queued waiters. */
  waitTime(n: number): number {
    return this.msUntil(n);
  }

  /**
   * Call `grant` once `n` tokens are taken for it, after every earlier request (FIFO). Runs it
   * at once when possible. Returns a function that withdraws this request.
   */
  request(n: number, grant: Grant): () => void {
    return this.waiters.request(this.self, n, grant);
  }

  /** Drop every queued request without calling it. */
  cancelAll(): void {
    this.waiters.cancelAll();
  }

  /** For groups: may `n` tokens be taken now? (A request above capacity waits for a full bucket.) */
  canGrant(n: number): boolean {
    if (this.unlimited) return true;
    this.refill();
    return this.tokens >= Math.min(n, this.cap);
  }

  /** For groups: take `n` tokens (may leave debt). */
  take(n: number): void {
    if (this.unlimited) return;
    this.refill();
    this.tokens -= n;
  }

  private msUntil(n: number): number {
    if (this.unlimited) return 0;
    this.refill();
    const missing = Math.min(n, this.cap) - this.tokens;
    return missing <= 0 ? 0 : Math.ceil((missing * 1000) / this.currentRate);
  }

  private refill(): void {
    const now = this.clock.now();
    if (now <= this.last) return;
    if (!this.unlimited) this.tokens = Math.min(this.cap, this.tokens + ((now - this.last) * this.currentRate) / 1000);
    this.last = now;
  }
}

/**
 * Several buckets that must all grant: a torrent's own bucket and the client's global one.
 * A request takes its tokens from every bucket at once. Groups that share a bucket must share
 * one BandwidthScheduler, which serves them first come, first served. Use a bucket through
 * groups or through its own request(), not both.
 */
export class RateLimiterGroup {
  constructor(
    private readonly buckets: readonly TokenBucket[],
    private readonly scheduler: BandwidthScheduler,
  ) {}

  /** Take `n` from every bucket, unless a queued request is ahead or a bucket lacks tokens. */
  tryConsume(n: number): boolean {
    return this.scheduler.tryTake(this.buckets, n, this);
  }

  /** Bytes already moved: every bucket may go into debt. */
  consume(n: number): void {
    for (const b of this.buckets) b.take(n);
  }

  /** The longest wait among the buckets. */
  waitTime(n: number): number {
    return waitFor(this.buckets, n);
  }

  request(n: number, grant: Grant): () => void {
    return this.scheduler.request(this.buckets, n, grant, this);
  }

  /** Drop this group's queued requests. */
  cancelAll(): void {
    this.scheduler.cancelAll(this);
  }
}
