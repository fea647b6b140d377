import type { Clock, TimerHandle } from '../util/clock.js';
import { TorrentError } from '../util/errors.js';

/** Defaults, visible in one place. */
export const RATE_LIMITER_DEFAULTS = {
  /** The bucket always holds at least one block, or a 16 KiB request could never be granted. */
  minBurst: 16384,
  /** Shortest timer between grants (timers are not finer than a millisecond anyway). */
  minWaitMs: 1,
  /**
   * A group re-checks at least this often: another group may have taken the shared tokens, or
   * a bucket's rate may have changed, since it computed its wait.
   */
  groupRecheckMs: 250,
} as const;

export type Grant = () => void;

/** What a FIFO of waiters needs from one bucket or from several at once. */
interface Limit {
  canGrant(n: number): boolean;
  take(n: number): void;
  msUntil(n: number): number;
}

/**
 * Waiters granted strictly in order. A grant runs its callback at once when nothing waits and
 * tokens are there; callbacks that request again from inside a callback are queued and run
 * after it returns, so a chain of grants never grows the stack.
 */
class Waiters {
  private queue: { n: number; grant: Grant; live: boolean }[] = [];
  private head = 0;
  private timer: TimerHandle | undefined;
  private delivering = false;
  private readonly ready: Grant[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly limit: Limit,
    private readonly maxWaitMs = Infinity,
  ) {}

  get pending(): number {
    return this.queue.length - this.head;
  }

  request(n: number, grant: Grant): () => void {
    if (this.pending === 0 && this.limit.canGrant(n)) {
      this.limit.take(n);
      this.deliver(grant);
      return () => {};
    }
    const waiter = { n, grant, live: true };
    this.queue.push(waiter);
    if (this.pending === 1) this.schedule();
    return () => {
      waiter.live = false;
    };
  }

  /** Grant every waiter the tokens allow, in order, then sleep until the next one can be. */
  pump(): void {
    if (this.timer !== undefined) {
      this.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
    while (this.pending > 0) {
      const waiter = this.queue[this.head]!;
      if (waiter.live) {
        if (!this.limit.canGrant(waiter.n)) break;
        this.limit.take(waiter.n);
      }
      this.head++;
      if (waiter.live) this.deliver(waiter.grant);
    }
    if (this.head > 64 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    this.schedule();
  }

  cancelAll(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.queue = [];
    this.head = 0;
  }

  private schedule(): void {
    if (this.pending === 0 || this.timer !== undefined) return;
    const wait = Math.min(this.maxWaitMs, this.limit.msUntil(this.queue[this.head]!.n));
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, Math.max(RATE_LIMITER_DEFAULTS.minWaitMs, wait));
  }

  private deliver(grant: Grant): void {
    if (this.delivering) {
      this.ready.push(grant);
      return;
    }
    this.delivering = true;
    try {
      grant();
      while (this.ready.length > 0) this.ready.shift()!();
    } finally {
      this.delivering = false;
    }
  }
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
  private readonly waiters: Waiters;

  constructor(options: TokenBucketOptions) {
    this.clock = options.clock;
    this.burst = options.burst;
    this.last = this.clock.now();
    this.waiters = new Waiters(this.clock, {
      canGrant: (n) => this.canGrant(n),
      take: (n) => this.take(n),
      msUntil: (n) => this.msUntil(n),
    });
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
    if (this.waiters.pending > 0 || !this.canGrant(n)) return false;
    this.take(n);
    return true;
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
    return this.waiters.request(n, grant);
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
 * A request takes its tokens from every bucket at once. Use a bucket either through groups or
 * through its own request(), not both: a group does not queue behind the bucket's own waiters.
 */
export class RateLimiterGroup {
  private readonly buckets: readonly TokenBucket[];
  private readonly waiters: Waiters;

  constructor(buckets: readonly TokenBucket[], clock: Clock) {
    this.buckets = buckets;
    this.waiters = new Waiters(
      clock,
      {
        canGrant: (n) => this.buckets.every((b) => b.canGrant(n)),
        take: (n) => {
          for (const b of this.buckets) b.take(n);
        },
        msUntil: (n) => this.waitTime(n),
      },
      RATE_LIMITER_DEFAULTS.groupRecheckMs,
    );
  }

  tryConsume(n: number): boolean {
    if (this.waiters.pending > 0 || !this.buckets.every((b) => b.canGrant(n))) return false;
    for (const b of this.buckets) b.take(n);
    return true;
  }

  consume(n: number): void {
    for (const b of this.buckets) b.take(n);
  }

  /** The longest wait among the buckets. */
  waitTime(n: number): number {
    let wait = 0;
    for (const b of this.buckets) wait = Math.max(wait, b.waitTime(n));
    return wait;
  }

  request(n: number, grant: Grant): () => void {
    return this.waiters.request(n, grant);
  }

  cancelAll(): void {
    this.waiters.cancelAll();
  }
}
