import { checkSeedGoals, hasSeedGoals, reachedSeedGoal, type SeedGoalAction, type SeedGoalKind, type SeedGoals } from '../policy/seed-goals.js';
import type { SeedingTimer } from '../policy/seed-goals.js';
import { contentLength, type SizedMeta } from './content-length.js';

/** What the keeper reads of a torrent (a Torrent provides it). */
export interface GoalSubject {
  readonly infoHashHex: string;
  readonly state: string;
  readonly isRunning: boolean;
  readonly meta: SizedMeta | undefined;
  readonly hadDataAtStart: boolean;
  readonly seedingTimer: Pick<SeedingTimer, 'elapsedMs'>;
  totalUploaded(): number;
  totalDownloaded(): number;
}

export interface GoalVerdict {
  goal: SeedGoalKind;
  action: SeedGoalAction;
}

/**
 * Seeding goals for the Client's torrents: a torrent's own goals (AddTorrentOptions), else the
 * client's. Checked once a second for seeding torrents; the Client carries out the action.
 */
export class GoalKeeper {
  private goals: SeedGoals;
  private action: SeedGoalAction;
  private readonly own = new Map<string, { goals: SeedGoals; action?: SeedGoalAction }>();

  constructor(goals: SeedGoals = {}, action: SeedGoalAction = 'pause') {
    this.goals = checkSeedGoals(goals);
    this.action = action;
  }

  setGlobal(goals: SeedGoals, action?: SeedGoalAction): void {
    this.goals = checkSeedGoals(goals);
    if (action) this.action = action;
  }

  /** A torrent's own goals (an empty object: none, even if the client has some). */
  setOwn(id: string, goals: SeedGoals | undefined, action?: SeedGoalAction): void {
    if (goals === undefined && action === undefined) this.own.delete(id);
    else this.own.set(id, { goals: checkSeedGoals(goals ?? this.goals), ...(action ? { action } : {}) });
  }

  forget(id: string): void {
    this.own.delete(id);
  }

  check(torrent: GoalSubject): GoalVerdict | null {
    if (torrent.state !== 'seeding' || !torrent.isRunning) return null;
    const own = this.own.get(torrent.infoHashHex);
    const goals = own?.goals ?? this.goals;
    if (!hasSeedGoals(goals)) return null;
    const goal = reachedSeedGoal(
      goals,
      {
        uploaded: torrent.totalUploaded(),
        downloaded: torrent.totalDownloaded(),
        // Padding is not data the user has (BEP 47): the ratio base is the content.
        totalLength: torrent.meta ? contentLength(torrent.meta) : 0,
        hadDataAtStart: torrent.hadDataAtStart,
      },
      torrent.seedingTimer.elapsedMs(),
    );
    return goal ? { goal, action: own?.action ?? this.action } : null;
  }
}
