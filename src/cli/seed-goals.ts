/**
 * Seed goals (`--seed-ratio`, `--seed-time`), pure: given the numbers and the clock, has a goal
 * been reached? DESIGN "The CLI's contract": ratio is payload uploaded over payload downloaded,
 * or over the torrent's size when the data was already there; seeding time runs from when
 * seeding starts, peers or not; the first goal reached wins.
 */
import { formatDuration, formatRatio } from './units.js';

export interface SeedGoals {
  ratio?: number;
  /** Milliseconds of seeding. */
  timeMs?: number;
}

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

export function hasSeedGoals(goals: SeedGoals): boolean {
  return goals.ratio !== undefined || goals.timeMs !== undefined;
}

export function seedRatio(snapshot: Pick<SeedSnapshot, 'uploaded' | 'downloaded' | 'totalLength' | 'hadDataAtStart'>): number {
  const base = snapshot.hadDataAtStart || snapshot.downloaded <= 0 ? snapshot.totalLength : snapshot.downloaded;
  if (base <= 0) return snapshot.uploaded > 0 ? Infinity : 0;
  return snapshot.uploaded / base;
}

/** Goals only count once seeding has started; ratio is checked first (both could hold at once). */
export function reachedSeedGoal(goals: SeedGoals, snapshot: SeedSnapshot): GoalReached | null {
  if (snapshot.seedingSince === undefined) return null;
  if (goals.ratio !== undefined && seedRatio(snapshot) >= goals.ratio) {
    return { goal: 'ratio', message: `seed ratio ${formatRatio(goals.ratio)} reached` };
  }
  if (goals.timeMs !== undefined && snapshot.now - snapshot.seedingSince >= goals.timeMs) {
    return { goal: 'time', message: `seed time ${formatDuration(goals.timeMs)} reached` };
  }
  return null;
}
