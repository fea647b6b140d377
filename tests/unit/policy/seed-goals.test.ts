import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/engine/util/clock.js';
import { checkSeedGoals, reachedSeedGoal, SeedingTimer } from '../../../src/engine/policy/seed-goals.js';
import { GoalKeeper, type GoalSubject } from '../../../src/engine/session/goal-keeper.js';

function subject(clock: ManualClock, id = 'a'): GoalSubject & { up: number; down: number; timer: SeedingTimer; setState(s: string): void } {
  const timer = new SeedingTimer(clock);
  let state = 'seeding';
  const s = {
    infoHashHex: id,
    get state() {
      return state;
    },
    setState(next: string) {
      state = next;
    },
    isRunning: true,
    meta: { totalLength: 1000 },
    hadDataAtStart: false,
    seedingTimer: timer,
    timer,
    up: 0,
    down: 1000,
    totalUploaded: () => s.up,
    totalDownloaded: () => s.down,
  };
  return s;
}

describe('seeding time', () => {
  it('runs only while seeding and adds up across pauses', () => {
    const clock = new ManualClock();
    const timer = new SeedingTimer(clock, 5_000);
    clock.advance(10_000);
    expect(timer.elapsedMs()).toBe(5_000);
    timer.start();
    clock.advance(3_000);
    timer.stop();
    clock.advance(60_000);
    expect(timer.elapsedMs()).toBe(8_000);
    timer.start();
    timer.start(); // idempotent
    clock.advance(2_000);
    expect(timer.elapsedMs()).toBe(10_000);
  });
});

describe('seed goals', () => {
  it('ratio first, then time; none without goals', () => {
    const totals = { uploaded: 2000, downloaded: 1000, totalLength: 1000, hadDataAtStart: false };
    expect(reachedSeedGoal({}, totals, 1e9)).toBeNull();
    expect(reachedSeedGoal({ ratio: 2, timeMs: 1 }, totals, 5)).toBe('ratio');
    expect(reachedSeedGoal({ ratio: 3, timeMs: 5 }, totals, 5)).toBe('time');
    expect(reachedSeedGoal({ ratio: 3, timeMs: 6 }, totals, 5)).toBeNull();
  });

  it('refuses nonsense goals', () => {
    expect(() => checkSeedGoals({ ratio: -1 })).toThrow(/ratio/);
    expect(() => checkSeedGoals({ timeMs: Number.NaN })).toThrow(/time/);
  });

  it('the client goal applies to every seeding torrent, with a fake clock', () => {
    const clock = new ManualClock();
    const keeper = new GoalKeeper({ timeMs: 60_000 });
    const t = subject(clock);
    t.timer.start();
    clock.advance(59_999);
    expect(keeper.check(t)).toBeNull();
    clock.advance(1);
    expect(keeper.check(t)).toEqual({ goal: 'time', action: 'pause' });
  });

  it('a torrent\'s own goal and action win over the client\'s', () => {
    const clock = new ManualClock();
    const keeper = new GoalKeeper({ timeMs: 1_000 }, 'pause');
    const own = subject(clock, 'own');
    const other = subject(clock, 'other');
    keeper.setOwn('own', { ratio: 0.5 }, 'remove');
    own.timer.start();
    other.timer.start();
    clock.advance(1_000);
    expect(keeper.check(own)).toBeNull(); // the client's time goal does not apply to it
    expect(keeper.check(other)).toEqual({ goal: 'time', action: 'pause' });
    own.up = 500;
    expect(keeper.check(own)).toEqual({ goal: 'ratio', action: 'remove' });
    keeper.setOwn('own', undefined);
    own.up = 0;
    expect(keeper.check(own)).toEqual({ goal: 'time', action: 'pause' });
  });

  it('an empty own goal means none, even when the client has one', () => {
    const clock = new ManualClock();
    const keeper = new GoalKeeper({ timeMs: 1 });
    const t = subject(clock);
    keeper.setOwn('a', {});
    t.timer.start();
    clock.advance(10);
    expect(keeper.check(t)).toBeNull();
  });

  it('counts only seeding, running torrents; ratio over the size when the data was there', () => {
    const clock = new ManualClock();
    const keeper = new GoalKeeper({ ratio: 1 });
    const t = subject(clock);
    t.up = 1000;
    t.setState('downloading');
    expect(keeper.check(t)).toBeNull();
    t.setState('seeding');
    expect(keeper.check(t)).toEqual({ goal: 'ratio', action: 'pause' });
    t.down = 10;
    t.up = 999;
    (t as { hadDataAtStart: boolean }).hadDataAtStart = true;
    expect(keeper.check(t)).toBeNull();
  });

  it('the size a ratio is measured against leaves out BEP 47 padding files', () => {
    const clock = new ManualClock();
    const keeper = new GoalKeeper({ ratio: 1 });
    const t = subject(clock);
    (t as { hadDataAtStart: boolean }).hadDataAtStart = true;
    (t as { meta: GoalSubject['meta'] }).meta = {
      totalLength: 1000,
      files: [
        { length: 700, padding: false },
        { length: 300, padding: true },
      ],
    };
    t.up = 699;
    expect(keeper.check(t)).toBeNull();
    t.up = 700; // content uploaded once: ratio 1, though 300 bytes of padding were never data
    expect(keeper.check(t)).toEqual({ goal: 'ratio', action: 'pause' });
  });
});
