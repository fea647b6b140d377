import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/engine/util/clock.js';
import { RateMeter } from '../../../src/engine/util/rate-meter.js';

describe('RateMeter', () => {
  it('a steady flow reads as its rate', () => {
    const clock = new ManualClock();
    const meter = new RateMeter(clock);
    for (let i = 0; i < 100; i++) {
      meter.add(10_000);
      clock.advance(100);
    }
    expect(meter.rate()).toBeGreaterThan(90_000);
    expect(meter.rate()).toBeLessThan(110_000);
  });

  it('falls to zero once nothing has moved for the whole window', () => {
    const clock = new ManualClock();
    const meter = new RateMeter(clock);
    for (let i = 0; i < 20; i++) {
      meter.add(50_000);
      clock.advance(100);
    }
    clock.advance(6_000);
    expect(meter.rate()).toBe(0);
    expect(meter.total).toBe(1_000_000);
  });

  it('decays second by second after the flow stops', () => {
    const clock = new ManualClock();
    const meter = new RateMeter(clock);
    for (let i = 0; i < 50; i++) {
      meter.add(10_000);
      clock.advance(100);
    }
    const before = meter.rate();
    clock.advance(2_000);
    expect(meter.rate()).toBeLessThan(before);
  });

  it('a young meter reads its true rate, not one diluted by the empty window', () => {
    const clock = new ManualClock(10_000);
    const meter = new RateMeter(clock);
    for (let i = 0; i < 10; i++) {
      clock.advance(100);
      meter.add(100_000);
    }
    expect(meter.rate()).toBeGreaterThan(900_000);
    expect(meter.rate()).toBeLessThan(1_100_000);
  });
});
