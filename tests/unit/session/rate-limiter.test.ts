import { describe, expect, it } from 'vitest';
import { BandwidthScheduler, RateLimiterGroup, TokenBucket } from '../../../src/engine/session/rate-limiter.js';
import { ManualClock } from '../../../src/engine/util/clock.js';
import { TorrentError } from '../../../src/engine/util/errors.js';

const BLOCK = 16384;

/** Keep `requests` outstanding at all times; count the bytes granted. */
function saturate(limiter: { request(n: number, grant: () => void): unknown }, requests = 4): { bytes: number } {
  const total = { bytes: 0 };
  const ask = (): void => {
    limiter.request(BLOCK, () => {
      total.bytes += BLOCK;
      ask();
    });
  };
  for (let k = 0; k < requests; k++) ask();
  return total;
}

describe('TokenBucket', () => {
  it('holds the rate within 2% over 10 simulated seconds, from the first byte', () => {
    for (const rate of [100_000, 1_000_000, 4 * 1024 * 1024, 50_000_000]) {
      const clock = new ManualClock();
      const bucket = new TokenBucket({ rate, clock });
      const total = saturate(bucket);
      clock.advance(10_000);
      expect(Math.abs(total.bytes - rate * 10) / (rate * 10)).toBeLessThan(0.02);
    }
  });

  it('starts empty: nothing is granted before tokens flow in', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ rate: 1_000_000, clock });
    expect(bucket.tryConsume(BLOCK)).toBe(false);
    clock.advance(17);
    expect(bucket.tryConsume(BLOCK)).toBe(true);
  });

  it('idle time saves up at most one second of tokens (the burst cap)', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ rate: 100_000, clock });
    clock.advance(60_000);
    expect(bucket.available()).toBe(100_000);
    let granted = 0;
    while (bucket.tryConsume(1000)) granted += 1000;
    expect(granted).toBe(100_000);
  });

  it('an explicit burst caps the savings', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ rate: 100_000, burst: 50_000, clock });
    clock.advance(10_000);
    expect(bucket.available()).toBe(50_000);
  });

  it('the burst is never below one block, or a block could never be granted', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ rate: 1000, clock });
    expect(bucket.capacity).toBe(BLOCK);
    clock.advance(20_000);
    expect(bucket.tryConsume(BLOCK)).toBe(true);
  });

  it('a request larger than the bucket waits for a full bucket, then leaves debt', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ rate: 20_000, clock });
    clock.advance(1000);
    expect(bucket.tryConsume(50_000)).toBe(true);
    expect(bucket.available()).toBe(-30_000);
  });

  it('consume goes into debt, and waitTime says how long to repay it', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ rate: 100_000, clock });
    bucket.consume(50_000);
    expect(bucket.waitTime(0)).toBe(500);
    expect(bucket.waitTime(10_000)).toBe(600);
    clock.advance(500);
    expect(bucket.waitTime(0)).toBe(0);
  });

  it('waiters are granted first come, first served', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ rate: 100_000, clock });
    const order: string[] = [];
    bucket.request(60_000, () => order.push('big'));
    bucket.request(1_000, () => order.push('small'));
    expect(bucket.tryConsume(1)).toBe(false);
    clock.advance(599);
    expect(order).toEqual([]);
    clock.advance(1);
    expect(order).toEqual(['big']);
    clock.advance(10);
    expect(order).toEqual(['big', 'small']);
  });

  it('a withdrawn request is never granted and does not hold up the others', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ rate: 100_000, clock });
    const order: string[] = [];
    const withdraw = bucket.request(50_000, () => order.push('first'));
    bucket.request(10_000, () => order.push('second'));
    withdraw();
    clock.advance(100);
    expect(order).toEqual(['second']);
  });

  it('cancelAll drops every waiter', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ rate: 100_000, clock });
    let granted = 0;
    bucket.request(BLOCK, () => granted++);
    bucket.request(BLOCK, () => granted++);
    bucket.cancelAll();
    clock.advance(10_000);
    expect(granted).toBe(0);
    expect(bucket.tryConsume(BLOCK)).toBe(true);
  });

  it('unlimited (rate 0) grants everything at once', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ rate: 0, clock });
    let granted = 0;
    for (let k = 0; k < 1000; k++) bucket.request(1_000_000, () => granted++);
    expect(granted).toBe(1000);
    expect(bucket.tryConsume(1e12)).toBe(true);
    expect(bucket.waitTime(1e12)).toBe(0);
  });

  it('a chain of immediate grants does not grow the stack', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ rate: 0, clock });
    let granted = 0;
    const ask = (): void => {
      bucket.request(BLOCK, () => {
        if (++granted < 100_000) ask();
      });
    };
    ask();
    expect(granted).toBe(100_000);
  });

  it('lifting the limit grants the waiters at once', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ rate: 1000, clock });
    let granted = 0;
    bucket.request(BLOCK, () => granted++);
    bucket.setRate(0);
    expect(granted).toBe(1);
  });

  it('a new rate applies from now on', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ rate: 100_000, clock });
    const total = saturate(bucket);
    clock.advance(5_000);
    bucket.setRate(400_000);
    clock.advance(5_000);
    const expected = 100_000 * 5 + 400_000 * 5;
    expect(Math.abs(total.bytes - expected) / expected).toBeLessThan(0.02);
  });

  it('a negative rate is refused with a usage error', () => {
    expect(() => new TokenBucket({ rate: -1, clock: new ManualClock() })).toThrow(TorrentError);
  });
});

describe('RateLimiterGroup', () => {
  it('a grant needs tokens in every bucket and takes them from all', () => {
    const clock = new ManualClock();
    const global = new TokenBucket({ rate: 100_000, clock });
    const torrent = new TokenBucket({ rate: 50_000, clock });
    const group = new RateLimiterGroup([torrent, global], new BandwidthScheduler(clock));
    clock.advance(1000);
    expect(group.tryConsume(50_000)).toBe(true);
    expect(group.tryConsume(BLOCK)).toBe(false);
    expect(global.available()).toBe(50_000);
    expect(group.waitTime(BLOCK)).toBe(Math.ceil((BLOCK * 1000) / 50_000));
  });

  it('the tighter limit wins: a torrent limit under the global one', () => {
    const clock = new ManualClock();
    const global = new TokenBucket({ rate: 1_000_000, clock });
    const torrent = new TokenBucket({ rate: 200_000, clock });
    const total = saturate(new RateLimiterGroup([torrent, global], new BandwidthScheduler(clock)));
    clock.advance(10_000);
    expect(Math.abs(total.bytes - 2_000_000) / 2_000_000).toBeLessThan(0.02);
  });

  it('two torrents share the global limit and together stay within it', () => {
    const clock = new ManualClock();
    const global = new TokenBucket({ rate: 500_000, clock });
    const scheduler = new BandwidthScheduler(clock);
    const a = saturate(new RateLimiterGroup([new TokenBucket({ rate: 0, clock }), global], scheduler));
    const b = saturate(new RateLimiterGroup([new TokenBucket({ rate: 0, clock }), global], scheduler));
    clock.advance(10_000);
    const total = a.bytes + b.bytes;
    expect(Math.abs(total - 5_000_000) / 5_000_000).toBeLessThan(0.02);
    // First come, first served: an even split, give or take a block.
    expect(Math.abs(a.bytes - b.bytes)).toBeLessThanOrEqual(2 * BLOCK);
  });

  it('a slow torrent limit does not hold back another torrent on the same global bucket', () => {
    const clock = new ManualClock();
    const scheduler = new BandwidthScheduler(clock);
    const global = new TokenBucket({ rate: 1_000_000, clock });
    const slow = saturate(new RateLimiterGroup([new TokenBucket({ rate: 20_000, clock }), global], scheduler));
    const fast = saturate(new RateLimiterGroup([new TokenBucket({ rate: 0, clock }), global], scheduler));
    clock.advance(10_000);
    expect(Math.abs(slow.bytes - 200_000) / 200_000).toBeLessThan(0.1);
    expect(Math.abs(slow.bytes + fast.bytes - 10_000_000) / 10_000_000).toBeLessThan(0.02);
  });

  it('a group waits behind earlier requests of another group for the shared bucket', () => {
    const clock = new ManualClock();
    const scheduler = new BandwidthScheduler(clock);
    const global = new TokenBucket({ rate: 100_000, clock });
    const a = new RateLimiterGroup([global], scheduler);
    const b = new RateLimiterGroup([new TokenBucket({ rate: 0, clock }), global], scheduler);
    const order: string[] = [];
    a.request(50_000, () => order.push('a'));
    b.request(1_000, () => order.push('b'));
    clock.advance(20);
    expect(global.available()).toBe(2_000);
    expect(b.tryConsume(1_000)).toBe(false);
    clock.advance(580);
    expect(order).toEqual(['a', 'b']);
  });

  it('a group of unlimited buckets grants at once', () => {
    const clock = new ManualClock();
    const group = new RateLimiterGroup(
      [new TokenBucket({ rate: 0, clock }), new TokenBucket({ rate: 0, clock })],
      new BandwidthScheduler(clock),
    );
    let granted = false;
    group.request(1e9, () => (granted = true));
    expect(granted).toBe(true);
  });

  it('consume puts every bucket in debt', () => {
    const clock = new ManualClock();
    const global = new TokenBucket({ rate: 100_000, clock });
    const torrent = new TokenBucket({ rate: 0, clock });
    new RateLimiterGroup([torrent, global], new BandwidthScheduler(clock)).consume(30_000);
    expect(global.available()).toBe(-30_000);
  });
});
