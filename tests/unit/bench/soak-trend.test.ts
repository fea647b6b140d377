// The soak's verdict (bench/soak/trend.mjs): flat or growing, from a least-squares slope after the warm-up.
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain .mjs next to the benchmarks, no types
import { linearFit, median, trend } from '../../../bench/soak/trend.mjs';

const series = (n: number, f: (t: number) => number) => Array.from({ length: n }, (_, i) => ({ t: i * 10, v: f(i * 10) }));

describe('soak trend', () => {
  it('fits a line exactly', () => {
    expect(linearFit([{ x: 0, y: 1 }, { x: 1, y: 3 }, { x: 2, y: 5 }])).toEqual({ slope: 2, intercept: 1 });
    expect(median([5, 1, 3, 2])).toBe(2.5);
  });

  it('a flat series with noise is flat', () => {
    const s = series(180, (t) => 100 + ((t * 7919) % 13) - 6);
    const r = trend(s, 'v', { relative: 0.1, floor: 16 });
    expect(r.verdict).toBe('flat');
    expect(Math.abs(r.change)).toBeLessThan(5);
  });

  it('a steady leak past the tolerance is growing, with its slope per hour', () => {
    const s = series(180, (t) => 100 + t * 0.02); // 72 per hour
    const r = trend(s, 'v', { relative: 0.1, floor: 16 });
    expect(r.verdict).toBe('growing');
    expect(r.slopePerHour).toBeCloseTo(72, 5);
  });

  it('the warm-up is left out: a fill-up in the first minutes then flat is flat', () => {
    const s = series(180, (t) => (t < 300 ? 50 + t / 6 : 100));
    expect(trend(s, 'v', { relative: 0.05, floor: 2 }).verdict).toBe('flat');
    expect(trend(s, 'v', { relative: 0.05, floor: 2, warmupShare: 0, minWarmupSeconds: 0 }).verdict).toBe('growing');
  });

  it('a shrinking series is not growing', () => {
    expect(trend(series(50, (t) => 500 - t), 'v').verdict).toBe('flat');
  });
});
