import { describe, expect, it } from 'vitest';
import { hasSeedGoals, reachedSeedGoal, seedRatio, type SeedSnapshot } from '../../../src/cli/seed-goals.js';

const base: SeedSnapshot = { uploaded: 0, downloaded: 1000, totalLength: 1000, hadDataAtStart: false, seedingSince: 0, now: 0 };

describe('seed goals', () => {
  it('has no goal when none is given', () => {
    expect(hasSeedGoals({})).toBe(false);
    expect(reachedSeedGoal({}, { ...base, uploaded: 1e9, now: 1e9 })).toBeNull();
  });

  it('counts ratio over what was downloaded', () => {
    expect(seedRatio({ uploaded: 500, downloaded: 250, totalLength: 1000, hadDataAtStart: false })).toBe(2);
  });

  it('counts ratio over the torrent size when the data was already there', () => {
    expect(seedRatio({ uploaded: 500, downloaded: 250, totalLength: 1000, hadDataAtStart: true })).toBe(0.5);
  });

  it('counts ratio over the size when nothing was downloaded', () => {
    expect(seedRatio({ uploaded: 2000, downloaded: 0, totalLength: 1000, hadDataAtStart: false })).toBe(2);
  });

  it('does not divide by zero for an empty torrent', () => {
    expect(seedRatio({ uploaded: 0, downloaded: 0, totalLength: 0, hadDataAtStart: true })).toBe(0);
  });

  it('reaches the ratio goal exactly at the ratio, naming it', () => {
    expect(reachedSeedGoal({ ratio: 2 }, { ...base, uploaded: 1999 })).toBeNull();
    expect(reachedSeedGoal({ ratio: 2 }, { ...base, uploaded: 2000 })).toEqual({ goal: 'ratio', message: 'seed ratio 2.0 reached' });
  });

  it('reaches ratio 0 at once', () => {
    expect(reachedSeedGoal({ ratio: 0 }, base)?.goal).toBe('ratio');
  });

  it('counts seed time from when seeding started, not from start', () => {
    const since = 50_000;
    expect(reachedSeedGoal({ timeMs: 30_000 }, { ...base, seedingSince: since, now: since + 29_999 })).toBeNull();
    expect(reachedSeedGoal({ timeMs: 30_000 }, { ...base, seedingSince: since, now: since + 30_000 })).toEqual({
      goal: 'time',
      message: 'seed time 30s reached',
    });
  });

  it('reaches no goal before seeding starts', () => {
    expect(reachedSeedGoal({ ratio: 0, timeMs: 0 }, { ...base, seedingSince: undefined, uploaded: 1e9 })).toBeNull();
  });

  it('lets the first goal reached win', () => {
    expect(reachedSeedGoal({ ratio: 5, timeMs: 1000 }, { ...base, uploaded: 100, now: 1000 })?.goal).toBe('time');
    expect(reachedSeedGoal({ ratio: 0.1, timeMs: 60_000 }, { ...base, uploaded: 100, now: 1000 })?.goal).toBe('ratio');
  });
});
