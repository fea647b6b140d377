import type { KeyValueStore } from '../../platform/interfaces/index.js';
import { decode, encode } from '../bencode/index.js';
import type { Clock } from '../util/clock.js';

/** Payload moved and time active, for the session or for all time. */
export interface Totals {
  downloaded: number;
  uploaded: number;
  /** uploaded / downloaded (0 when nothing was downloaded). */
  ratio: number;
  /** Milliseconds the client ran. */
  activeMs: number;
}

export interface SessionStatistics {
  session: Totals;
  allTime: Totals;
  /** Client starts counted all-time (this one included). */
  sessionCount: number;
}

/** Key in the platform's key-value store (IndexedDB in the browser). */
export const TOTALS_KEY = 'session-totals';
/** Saved at most this often while running, and at close. */
export const TOTALS_SAVE_EVERY_MS = 60_000;

interface Saved {
  downloaded: number;
  uploaded: number;
  activeMs: number;
  sessions: number;
}

/**
 * Session and all-time totals. Torrents report their payload counters each tick; what a
 * torrent moved is counted once, even after it is removed (the delta is taken per tick).
 * All-time totals persist through the key-value store; an unreadable record starts afresh.
 */
export class SessionTotals {
  private readonly startedAt: number;
  private past: Saved = { downloaded: 0, uploaded: 0, activeMs: 0, sessions: 0 };
  private downloaded = 0;
  private uploaded = 0;
  private readonly seen = new Map<string, { down: number; up: number }>();
  private lastSaveAt: number;
  private saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly clock: Clock,
    private readonly kv: KeyValueStore | undefined,
  ) {
    this.startedAt = clock.now();
    this.lastSaveAt = this.startedAt;
  }

  /** Read the all-time record (once, at client start). */
  async load(): Promise<void> {
    const bytes = await this.kv?.get(TOTALS_KEY).catch(() => undefined);
    if (bytes) {
      try {
        const d = decode(bytes);
        if (!(d instanceof Map)) throw new Error('not a dict');
        const n = (k: string): number => {
          const v = d.get(k);
          return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0;
        };
        this.past = { downloaded: n('downloaded'), uploaded: n('uploaded'), activeMs: n('activeMs'), sessions: n('sessions') };
      } catch {
        // An unreadable record is replaced at the next save.
      }
    }
  }

  /** The all-time totals as saved (no session running): for a reader such as `torrentedge stats`. */
  saved(): Totals & { sessions: number } {
    return { ...totals(this.past.downloaded, this.past.uploaded, this.past.activeMs), sessions: this.past.sessions };
  }

  /** A torrent's payload counters for this session (they only grow). */
  report(id: string, downloaded: number, uploaded: number): void {
    const last = this.seen.get(id) ?? { down: 0, up: 0 };
    this.downloaded += Math.max(0, downloaded - last.down);
    this.uploaded += Math.max(0, uploaded - last.up);
    this.seen.set(id, { down: downloaded, up: uploaded });
  }

  /** Stop tracking a removed torrent (what it moved stays counted). */
  forget(id: string): void {
    this.seen.delete(id);
  }

  snapshot(): SessionStatistics {
    const activeMs = this.clock.now() - this.startedAt;
    const session = totals(this.downloaded, this.uploaded, activeMs);
    const allTime = totals(this.past.downloaded + this.downloaded, this.past.uploaded + this.uploaded, this.past.activeMs + activeMs);
    return { session, allTime, sessionCount: this.past.sessions + 1 };
  }

  /** Save if the last save is old enough (`force`: now). */
  maybeSave(force = false): Promise<void> {
    const now = this.clock.now();
    if (!this.kv || (!force && now - this.lastSaveAt < TOTALS_SAVE_EVERY_MS)) return this.saving;
    this.lastSaveAt = now;
    const all = this.snapshot().allTime;
    const bytes = encode({ downloaded: all.downloaded, uploaded: all.uploaded, activeMs: Math.round(all.activeMs), sessions: this.past.sessions + 1 });
    const kv = this.kv;
    this.saving = this.saving.then(() => kv.set(TOTALS_KEY, bytes)).catch(() => undefined);
    return this.saving;
  }
}

function totals(downloaded: number, uploaded: number, activeMs: number): Totals {
  return { downloaded, uploaded, ratio: downloaded > 0 ? uploaded / downloaded : 0, activeMs };
}
