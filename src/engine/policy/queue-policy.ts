/**
 * Which torrents run: at most `maxActiveDownloads` downloading and `maxActiveSeeds` seeding,
 * the rest wait in a user-ordered queue (as Transmission's and qBittorrent's queues do).
 *
 * - Slots are handed out in queue order, downloads and seeds counted apart.
 * - A running torrent that moved no payload for `stallAfterMs` is stalled: it keeps running but
 *   no longer holds a slot, so the next queued torrent starts (Transmission's "stalled").
 * - A forced torrent runs whatever the limits, and holds no slot.
 * - A stopped torrent (paused by the user, finished by a seed goal, failed) never runs.
 *
 * Pure: time comes from the injected clock; the caller feeds payload activity and applies
 * what `evaluate()` decides.
 */
import type { Clock } from '../util/clock.js';
import { TorrentError } from '../util/errors.js';

export interface QueueLimits {
  /** Downloading torrents at once (Infinity: no limit). */
  maxActiveDownloads: number;
  /** Seeding torrents at once (Infinity: no limit). */
  maxActiveSeeds: number;
  /** A running torrent that moved no payload this long stops holding a slot. */
  stallAfterMs: number;
}

export const DEFAULT_QUEUE_LIMITS: QueueLimits = Object.freeze({
  maxActiveDownloads: 3,
  maxActiveSeeds: 5,
  stallAfterMs: 60_000,
});

export type QueueKind = 'download' | 'seed';

/** Where one torrent stands in the queue. */
export type QueueStanding = 'stopped' | 'forced' | 'active' | 'stalled' | 'queued';

export interface QueueDecision {
  /** Were waiting (or new), must run now. */
  start: string[];
  /** Were running, must wait in the queue now. */
  queue: string[];
}

interface Entry {
  id: string;
  kind: QueueKind;
  forced: boolean;
  stopped: boolean;
  active: boolean;
  /** Clock time of the last start or payload: a stall is measured from the later one. */
  lastProgressAt: number;
}

export function resolveQueueLimits(partial: Partial<QueueLimits> = {}): QueueLimits {
  const limits = { ...DEFAULT_QUEUE_LIMITS, ...partial };
  for (const [name, value] of Object.entries(limits)) {
    if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
      throw new TorrentError('usage', `queue limit ${name} must be a number of 0 or more (Infinity: no limit), got ${value}`);
    }
  }
  return limits;
}

export class QueuePolicy {
  private limits: QueueLimits;
  private readonly order: Entry[] = [];
  private readonly byId = new Map<string, Entry>();

  constructor(
    private readonly clock: Clock,
    limits: Partial<QueueLimits> = {},
  ) {
    this.limits = resolveQueueLimits(limits);
  }

  get currentLimits(): QueueLimits {
    return this.limits;
  }

  setLimits(limits: Partial<QueueLimits>): void {
    this.limits = resolveQueueLimits({ ...this.limits, ...limits });
  }

  /** A new torrent joins at the bottom of the queue, not running until `evaluate()` says so. */
  add(id: string, kind: QueueKind, options: { stopped?: boolean; forced?: boolean } = {}): void {
    if (this.byId.has(id)) throw new TorrentError('usage', `torrent ${id} is already queued`);
    const entry: Entry = { id, kind, forced: options.forced ?? false, stopped: options.stopped ?? false, active: false, lastProgressAt: this.clock.now() };
    this.order.push(entry);
    this.byId.set(id, entry);
  }

  remove(id: string): void {
    const entry = this.byId.get(id);
    if (!entry) return;
    this.byId.delete(id);
    this.order.splice(this.order.indexOf(entry), 1);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** Torrent ids, top of the queue first. */
  ids(): string[] {
    return this.order.map((e) => e.id);
  }

  /** 0 = top of the queue. */
  position(id: string): number {
    return this.order.indexOf(this.need(id));
  }

  moveUp(id: string): void {
    this.moveTo(id, this.position(id) - 1);
  }

  moveDown(id: string): void {
    this.moveTo(id, this.position(id) + 1);
  }

  moveTop(id: string): void {
    this.moveTo(id, 0);
  }

  moveBottom(id: string): void {
    this.moveTo(id, this.order.length - 1);
  }

  /** Move to a position (clamped to the queue). */
  moveTo(id: string, position: number): void {
    const entry = this.need(id);
    const to = Math.max(0, Math.min(this.order.length - 1, Math.floor(position)));
    this.order.splice(this.order.indexOf(entry), 1);
    this.order.splice(to, 0, entry);
  }

  /** A download that completed becomes a seed (and the other way, when files are re-selected). */
  setKind(id: string, kind: QueueKind): void {
    const entry = this.need(id);
    if (entry.kind === kind) return;
    entry.kind = kind;
    // A torrent that just finished has not stalled as a seed yet.
    entry.lastProgressAt = this.clock.now();
  }

  kind(id: string): QueueKind {
    return this.need(id).kind;
  }

  /** Stopped torrents never run; stopping also ends a forced start. */
  setStopped(id: string, stopped: boolean): void {
    const entry = this.need(id);
    entry.stopped = stopped;
    if (stopped) {
      entry.forced = false;
      entry.active = false;
    }
  }

  /** Forced torrents run past the limits (and a forced start un-stops). */
  setForced(id: string, forced: boolean): void {
    const entry = this.need(id);
    entry.forced = forced;
    if (forced) entry.stopped = false;
  }

  /** The torrent moved payload (downloading: received; seeding: sent). */
  onPayload(id: string): void {
    const entry = this.byId.get(id);
    if (entry) entry.lastProgressAt = this.clock.now();
  }

  standing(id: string): QueueStanding {
    const entry = this.need(id);
    if (entry.stopped) return 'stopped';
    if (entry.forced) return 'forced';
    if (!entry.active) return 'queued';
    return this.isStalled(entry) ? 'stalled' : 'active';
  }

  isActive(id: string): boolean {
    return this.need(id).active;
  }

  /** Hand out slots in queue order; returns what changed (the caller starts and queues those). */
  evaluate(): QueueDecision {
    const now = this.clock.now();
    const used: Record<QueueKind, number> = { download: 0, seed: 0 };
    const max: Record<QueueKind, number> = { download: this.limits.maxActiveDownloads, seed: this.limits.maxActiveSeeds };
    const decision: QueueDecision = { start: [], queue: [] };
    for (const entry of this.order) {
      let run: boolean;
      if (entry.stopped) run = false;
      else if (entry.forced) run = true;
      else if (entry.active && this.isStalled(entry)) run = true; // keeps running, holds no slot
      else if (used[entry.kind] < max[entry.kind]) {
        run = true;
        used[entry.kind]++;
      } else run = false;
      if (run && !entry.active) {
        entry.active = true;
        entry.lastProgressAt = now;
        decision.start.push(entry.id);
      } else if (!run && entry.active) {
        entry.active = false;
        decision.queue.push(entry.id);
      }
    }
    return decision;
  }

  private isStalled(entry: Entry): boolean {
    return this.clock.now() - entry.lastProgressAt >= this.limits.stallAfterMs;
  }

  private need(id: string): Entry {
    const entry = this.byId.get(id);
    if (!entry) throw new TorrentError('usage', `no torrent ${id} in the queue`);
    return entry;
  }
}
