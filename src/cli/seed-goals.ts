/**
 * Seed goals (`--seed-ratio`, `--seed-time`) as the CLI reports them. The rule itself lives in
 * the engine (engine/policy/seed-goals.ts); this adds the seeding start time the CLI tracks and
 * the one line printed on exit.
 */
import { hasSeedGoals, reachedSeedGoal as engineReached, seedRatio, type SeedGoals } from '../engine/policy/seed-goals.js';
import { formatDuration, formatRatio } from './units.js';

export { hasSeedGoals, seedRatio, type SeedGoals };

export interface SeedSnapshot {
  uploaded: number;
  downloaded: number;
  totalLength: number;
  /** The data was complete when checked at start, so nothing (or next to nothing) was downloaded. */
  hadDataAtStart: boolean;
  /** Clock time (ms) when seeding started; undefined while still downloading. */
  seedingSince: number | undefined;
  now: number;
}

export interface GoalReached {
  goal: 'ratio' | 'time';
  /** The one line printed on exit, e.g. `seed ratio 2.0 reached`. */
  message: string;
}

/** Goals only count once seeding has started; ratio is checked first (both could hold at once). */
export function reachedSeedGoal(goals: SeedGoals, snapshot: SeedSnapshot): GoalReached | null {
  if (snapshot.seedingSince === undefined) return null;
  const goal = engineReached(goals, snapshot, snapshot.now - snapshot.seedingSince);
  if (goal === 'ratio') return { goal, message: `seed ratio ${formatRatio(goals.ratio!)} reached` };
  if (goal === 'time') return { goal, message: `seed time ${formatDuration(goals.timeMs!)} reached` };
  return null;
}
