// LEDBAT (BEP 29) and the retransmission timer (RFC 6298): the arithmetic, one rule per test.
import { describe, expect, it } from 'vitest';
import { Ledbat, RttEstimator } from '../../../src/engine/utp/congestion.js';
import { utpLimits } from '../../../src/engine/utp/limits.js';

const limits = utpLimits();

describe('retransmission timeout', () => {
  it('starts at initialRtoMs', () => {
    expect(new RttEstimator(limits).rtoMs).toBe(1000);
  });
  it('first sample: rto = srtt + 4 * rtt/2, clamped to minRtoMs', () => {
    const r = new RttEstimator(utpLimits({ minRtoMs: 10 }));
    r.sample(100);
    expect(r.rtoMs).toBe(300);
    const clamped = new RttEstimator(limits);
    clamped.sample(10);
    expect(clamped.rtoMs).toBe(limits.minRtoMs);
  });
  it('steady samples shrink the variance', () => {
    const r = new RttEstimator(utpLimits({ minRtoMs: 1 }));
    for (let i = 0; i < 50; i++) r.sample(100);
    expect(r.rtoMs).toBeLessThan(110);
    expect(r.smoothedRttMs).toBeCloseTo(100);
  });
  it('backs off by doubling, up to maxRtoMs', () => {
    const r = new RttEstimator(limits);
    r.backoff();
    expect(r.rtoMs).toBe(2000);
    for (let i = 0; i < 20; i++) r.backoff();
    expect(r.rtoMs).toBe(limits.maxRtoMs);
  });
});

describe('LEDBAT', () => {
  const full = (l: Ledbat) => l.cwnd; // the window was fully used

  it('takes the smallest delay seen as the base and steers by the rest', () => {
    const l = new Ledbat(limits);
    expect(l.delaySample(5_000_000, 0)).toBe(0);
    l.delaySample(5_050_000, 10);
    l.delaySample(5_050_000, 20);
    expect(l.delaySample(5_050_000, 30)).toBe(50_000);
  });

  it('survives timestamps that wrap around 2^32', () => {
    const l = new Ledbat(limits);
    l.delaySample(0xffff_fff0, 0);
    l.delaySample(0x10, 10);
    l.delaySample(0x10, 20);
    expect(l.delaySample(0x10, 30)).toBe(0x20);
  });

  it('forgets a base delay older than baseDelayMinutes', () => {
    const l = new Ledbat(limits);
    l.delaySample(1000, 0);
    for (let minute = 1; minute <= 3; minute++) l.delaySample(50_000, minute * 60_000);
    for (let i = 0; i < 3; i++) l.delaySample(50_000, 3 * 60_000 + i);
    expect(l.currentDelayUs).toBe(0);
  });

  it('grows while the delay is under target', () => {
    const l = new Ledbat(limits);
    for (let i = 0; i < 3; i++) l.delaySample(1000, i);
    const before = l.cwnd;
    l.onAck(1400, full(l));
    expect(l.cwnd).toBeGreaterThan(before);
  });

  it('shrinks while the delay is over target (after slow start)', () => {
    const l = new Ledbat(limits);
    l.delaySample(0, 0);
    for (let i = 1; i <= 3; i++) l.delaySample(300_000, i);
    l.onAck(1400, full(l)); // leaves slow start: delay above target / 2
    const before = l.cwnd;
    l.onAck(1400, full(l));
    expect(l.inSlowStart).toBe(false);
    expect(l.cwnd).toBeLessThan(before);
  });

  it('grows by at most maxCwndIncreasePerRtt per window outside slow start', () => {
    const l = new Ledbat(limits);
    l.onLoss(1, 2); // out of slow start
    const start = l.cwnd;
    let acked = 0;
    while (acked < start) {
      l.onAck(1400, full(l));
      acked += 1400;
    }
    expect(l.cwnd - start).toBeLessThanOrEqual(limits.maxCwndIncreasePerRtt + 1);
    expect(l.cwnd).toBeGreaterThan(start);
  });

  it('does not grow when the window was not used (application-limited)', () => {
    const l = new Ledbat(limits);
    const before = l.cwnd;
    l.onAck(1400, 0);
    expect(l.cwnd).toBe(before);
  });

  it('halves on loss, once per window of data', () => {
    const l = new Ledbat(limits);
    for (let i = 0; i < 50; i++) l.onAck(1400, full(l));
    const before = l.cwnd;
    l.onLoss(100, 200);
    expect(l.cwnd).toBe(before / 2);
    l.onLoss(150, 210); // same congestion event
    expect(l.cwnd).toBe(before / 2);
    l.onLoss(205, 300); // a later one
    expect(l.cwnd).toBe(before / 4);
  });

  it('falls to the minimum window on a timeout', () => {
    const l = new Ledbat(limits);
    for (let i = 0; i < 50; i++) l.onAck(1400, full(l));
    l.onTimeout(10);
    expect(l.cwnd).toBe(limits.minCwndBytes);
  });

  it('never exceeds maxCwndBytes', () => {
    const l = new Ledbat(utpLimits({ maxCwndBytes: 20_000 }));
    for (let i = 0; i < 100; i++) l.onAck(14_000, full(l));
    expect(l.cwnd).toBe(20_000);
  });
});
