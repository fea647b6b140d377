// The relay's TCP connect token bucket (native-host/connect-rate.ts), on an injected clock.
import { describe, expect, it } from 'vitest';
import { ConnectRate } from '../../../native-host/connect-rate.js';

function bucket(perSecond: number, burst: number) {
  let now = 1_000;
  const rate = new ConnectRate(perSecond, burst, () => now);
  return { rate, advance: (ms: number) => (now += ms), takeAll: () => { let n = 0; while (rate.take()) n++; return n; } };
}

describe('ConnectRate', () => {
  it('burst: exactly `burst` connects at once, then refused', () => {
    const { rate, takeAll } = bucket(10, 5);
    expect(takeAll()).toBe(5);
    expect(rate.take()).toBe(false);
  });

  it('refills at perSecond: one token per 1/perSecond, not before', () => {
    const { rate, advance, takeAll } = bucket(4, 2);
    takeAll();
    advance(249);
    expect(rate.take()).toBe(false);
    advance(2);
    expect(rate.take()).toBe(true);
    expect(rate.take()).toBe(false);
  });

  it('sustained: over 10 s at most burst + 10 × perSecond connects', () => {
    const { advance, takeAll } = bucket(20, 50);
    let total = takeAll();
    for (let i = 0; i < 100; i++) {
      advance(100);
      total += takeAll();
    }
    expect(total).toBe(50 + 10 * 20);
  });

  it('an idle hour refills to the burst, never beyond', () => {
    const { advance, takeAll } = bucket(100, 7);
    takeAll();
    advance(3_600_000);
    expect(takeAll()).toBe(7);
  });

  it('refused attempts cost nothing: hammering while empty does not delay the next token', () => {
    const { rate, advance, takeAll } = bucket(2, 1);
    takeAll();
    for (let i = 0; i < 1000; i++) rate.take();
    advance(500);
    expect(rate.take()).toBe(true);
  });

  it('a clock that steps back does not mint tokens', () => {
    let now = 10_000;
    const rate = new ConnectRate(1, 1, () => now);
    expect(rate.take()).toBe(true);
    now = 5_000;
    expect(rate.take()).toBe(false);
  });
});
