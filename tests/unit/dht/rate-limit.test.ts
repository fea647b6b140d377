import { describe, expect, it } from 'vitest';
import { QueryRateLimiter } from '../../../src/engine/dht/rate-limit.js';
import { ManualClock } from '../../../src/engine/util/clock.js';

describe('inbound query rate limit per address', () => {
  it('allows_a_burst_then_refuses', () => {
    const limiter = new QueryRateLimiter(new ManualClock(0), 10, 5, 100);
    const results = Array.from({ length: 7 }, () => limiter.allow('127.0.0.1:1'));
    expect(results).toEqual([true, true, true, true, true, false, false]);
  });

  it('refills_at_the_rate', () => {
    const clock = new ManualClock(0);
    const limiter = new QueryRateLimiter(clock, 10, 5, 100);
    for (let i = 0; i < 5; i++) limiter.allow('a');
    expect(limiter.allow('a')).toBe(false);
    clock.advance(100); // 10/s → one more
    expect(limiter.allow('a')).toBe(true);
    expect(limiter.allow('a')).toBe(false);
  });

  it('same_ip_different_ports_are_separate_addresses', () => {
    const limiter = new QueryRateLimiter(new ManualClock(0), 1, 1, 100);
    expect(limiter.allow('127.0.0.1:1')).toBe(true);
    expect(limiter.allow('127.0.0.1:1')).toBe(false);
    expect(limiter.allow('127.0.0.1:2')).toBe(true);
  });

  it('tracked_addresses_are_bounded', () => {
    const limiter = new QueryRateLimiter(new ManualClock(0), 1, 1, 3);
    for (let i = 0; i < 10; i++) limiter.allow(`10.0.0.${i}:1`);
    expect(limiter.trackedAddresses).toBe(3);
  });
});
