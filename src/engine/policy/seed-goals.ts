/**
 * Seeding goals: stop (or pause) a torrent once it has given back enough. Pure: the numbers
 * and an injected clock in, a verdict out.
 *
 * Ratio is payload uploaded over payload downloaded, or over the torrent's size when the data
 * was already there (nothing, or next to nothing, was downloaded). Seeding time counts only
 * while the torrent seeds, peers or not. The first goal reached wins; ratio is checked first.
 */
import type { Clock } from '../util/clock.js';
import { TorrentError } from '../util/errors.js';

export interface SeedGoals {
  /** Uploaded / downloaded at which to stop. */
  ratio?: number;
  /** Milliseconds of seeding after which to stop. */
  timeMs?: number;
}

/** What happens when a goal is reached: paused (kept, resumable) or removed (data kept). */
export type SeedGoalAction = 'pause' | 'remove';

export type SeedGoalKind = 'ratio' | 'time';

export interface SeedTotals {
  uploaded: number;
  downloaded: number;
  totalLength: number;
  hadDataAtStart: boolean;
}

export function hasSeedGoals(goals: SeedGoals | undefined): boolean {
  return goals !== undefined && (goals.ratio !== undefined || goals.timeMs !== undefined);
}

export function checkSeedGoals(goals: SeedGoals): SeedGoals {
  if (goals.ratio !== undefined && !(Number.isFinite(goals.ratio) && goals.ratio >= 0)) {
    throw new TorrentError('usage', `a seed ratio must be a number of 0 or more, got ${goals.ratio}`);
  }
  if (goals.timeMs !== undefined && !(Number.isFinite(goals.timeMs) && goals.timeMs >= 0)) {
    throw new TorrentError('usage', `a seed time must be 0 or more milliseconds, got ${goals.timeMs}`);
  }
  return goals;
}

export function seedRatio(totals: SeedTotals): number {
  const base = totals.hadDataAtStart || totals.downloaded <= 0 ? totals.totalLength : totals.downloaded;
  if (base <= 0) return totals.uploaded > 0 ? Infinity : 0;
  return totals.uploaded / base;
}

/** The goal reached, if any (ratio first: both could hold at once). */
export function reachedSeedGoal(goals: SeedGoals, totals: SeedTotals, seedingMs: number): SeedGoalKind | null {
  if (goals.ratio !== undefined && seedRatio(totals) >= goals.ratio) return 'ratio';
  if (goals.timeMs !== undefined && seedingMs >= goals.timeMs) return 'time';
  return null;
}

/** Seeding time: runs while seeding, stands still while paused, queued or downloading. */
export class SeedingTimer {
  private since: number | undefined;
  private banked: number;

  constructor(
    private readonly clock: Clock,
    /** Seeding time carried over (from resume data). */
    initialMs = 0,
  ) {
    this.banked = initialMs;
  }

  get running(): boolean {
    return this.since !== undefined;
  }

  start(): void {
    if (this.since === undefined) this.since = this.clock.now();
  }

  stop(): void {
    if (this.since === undefined) return;
    this.banked += this.clock.now() - this.since;
    this.since = undefined;
  }

  elapsedMs(): number {
    return this.banked + (this.since === undefined ? 0 : this.clock.now() - this.since);
  }
}
