/**
 * What the offscreen document does as a running torrent changes: the list is published again,
 * the file choices follow it, finished files go to delivery, and a fresh completion (not one
 * restored from resume data) is announced for the notification.
 */
import type { Torrent } from '../../engine/session/torrent.js';
import type { Deliveries } from './deliveries.js';
import type { FileChoices } from './file-choices.js';

/** A `done` this long after the torrent's completedAt is a fresh completion, not a restore. */
export const FRESH_COMPLETION_MS = 10_000;

export interface TorrentWatchDeps {
  deliveries: Deliveries;
  choices: FileChoices;
  /** Something changed: publish the list soon. */
  changed(): void;
  /** A torrent finished downloading just now. */
  completed?(infoHash: string, name: string): void;
}

export class TorrentWatch {
  private readonly watched = new WeakSet<Torrent>();

  constructor(private readonly deps: TorrentWatchDeps) {}

  /** Idempotent: a torrent is watched once, whichever way it came in (added or restored). */
  watch(torrent: Torrent): void {
    if (this.watched.has(torrent)) return;
    this.watched.add(torrent);
    this.deps.choices.watch(torrent);
    const changed = (): void => this.deps.changed();
    torrent.on('state', changed);
    torrent.on('metadata', changed);
    torrent.on('error', changed);
    torrent.on('done', () => {
      void this.deps.deliveries.consider(torrent);
      const stats = torrent.stats();
      if (stats.completedAt !== undefined && Date.now() - stats.completedAt < FRESH_COMPLETION_MS) this.deps.completed?.(stats.infoHash, stats.name);
    });
    void this.deps.deliveries.consider(torrent);
  }
}
