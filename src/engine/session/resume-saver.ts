import type { ResumeRecord, ResumeStore } from '../storage/resume-store.js';
import type { Clock, TimerHandle } from '../util/clock.js';

/** Piece completions are saved at most this often; state changes are saved at once. */
const RESUME_DEBOUNCE_MS = 2_000;

/**
 * When a torrent's resume record is written: debounced after piece completions, at once on
 * state changes, never two saves at the same time (each waits for the one before).
 */
export class ResumeSaver {
  private timer: TimerHandle | null = null;
  private saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly clock: Clock,
    private readonly store: ResumeStore,
    private readonly record: () => ResumeRecord,
  ) {}

  /** Something worth saving changed; `now` for state changes. */
  markDirty(now = false): void {
    if (now) {
      void this.flush();
      return;
    }
    if (this.timer !== null) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, RESUME_DEBOUNCE_MS);
  }

  /** Save now, after any save in progress. Never rejects: a failed save is retried next time. */
  flush(): Promise<void> {
    if (this.timer !== null) {
      this.clock.clearTimeout(this.timer);
      this.timer = null;
    }
    const record = this.record();
    this.saving = this.saving.then(() => this.store.save(record)).catch(() => undefined);
    return this.saving;
  }
}
