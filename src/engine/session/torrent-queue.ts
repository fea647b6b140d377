import { QueuePolicy, type QueueLimits, type QueueStanding } from '../policy/queue-policy.js';
import type { Clock } from '../util/clock.js';
import type { QueueLink, Torrent } from './torrent.js';

/**
 * The Client's queue: a QueuePolicy applied to real torrents. Feeds it each torrent's kind
 * (download or seed) and payload activity once a second, and starts or queues torrents as it
 * decides, at once after anything that can change the decision (add, remove, pause, resume,
 * finish, a move in the queue).
 */
export class TorrentQueue implements QueueLink {
  readonly policy: QueuePolicy;
  private readonly torrents = new Map<string, Torrent>();
  private readonly lastTotals = new Map<string, { down: number; up: number }>();
  private readonly unsubscribe = new Map<string, () => void>();
  private applying = false;
  private again = false;

  constructor(
    clock: Clock,
    limits: Partial<QueueLimits> = {},
    /** The order changed (a torrent added, removed or moved): the session saves it. */
    private readonly onOrderChanged: (ids: string[]) => void = () => undefined,
  ) {
    this.policy = new QueuePolicy(clock, limits);
  }

  /** A new torrent at the bottom of the queue (not started: call `apply`). */
  add(torrent: Torrent, forced: boolean): void {
    const id = torrent.infoHashHex;
    this.torrents.set(id, torrent);
    this.policy.add(id, torrent.queueKind, { stopped: torrent.isPaused, forced });
    this.lastTotals.set(id, { down: torrent.download.meter.total, up: torrent.upload.meter.total });
    this.onOrderChanged(this.policy.ids());
    // Finishing, or files re-selected, moves a torrent between the download and seed limits.
    this.unsubscribe.set(
      id,
      torrent.on('state', (state) => {
        if (state === 'seeding' || state === 'downloading') this.sync(torrent);
      }),
    );
  }

  remove(torrent: Torrent): void {
    const id = torrent.infoHashHex;
    this.unsubscribe.get(id)?.();
    this.unsubscribe.delete(id);
    this.torrents.delete(id);
    this.lastTotals.delete(id);
    this.policy.remove(id);
    this.onOrderChanged(this.policy.ids());
    this.schedule();
  }

  // --- QueueLink ---

  stopped(torrent: Torrent): void {
    if (!this.policy.has(torrent.infoHashHex)) return;
    this.policy.setStopped(torrent.infoHashHex, true);
    this.schedule();
  }

  resumed(torrent: Torrent): void {
    if (!this.policy.has(torrent.infoHashHex)) return;
    this.policy.setStopped(torrent.infoHashHex, false);
    this.schedule();
  }

  position(torrent: Torrent): number | undefined {
    return this.policy.has(torrent.infoHashHex) ? this.policy.position(torrent.infoHashHex) : undefined;
  }

  // --- user commands ---

  forceStart(torrent: Torrent, forced = true): void {
    this.policy.setForced(torrent.infoHashHex, forced);
    this.schedule();
  }

  move(torrent: Torrent, where: 'up' | 'down' | 'top' | 'bottom'): void {
    const id = torrent.infoHashHex;
    if (where === 'up') this.policy.moveUp(id);
    else if (where === 'down') this.policy.moveDown(id);
    else if (where === 'top') this.policy.moveTop(id);
    else this.policy.moveBottom(id);
    this.onOrderChanged(this.policy.ids());
    this.schedule();
  }

  /**
   * Several torrents by one step or to an end, keeping their order among themselves (as a
   * multi-selection moves in qBittorrent): up and top-first moves go from the top, the others
   * from the bottom.
   */
  moveMany(torrents: readonly Torrent[], where: 'up' | 'down' | 'top' | 'bottom'): void {
    const ids = [...new Set(torrents.map((t) => t.infoHashHex))].filter((id) => this.policy.has(id));
    ids.sort((a, b) => this.policy.position(a) - this.policy.position(b));
    // Top: the lowest goes first so the highest ends on top; bottom: the highest goes first.
    if (where === 'down' || where === 'top') ids.reverse();
    let blockedAt = where === 'up' || where === 'top' ? -1 : this.policy.ids().length;
    for (const id of ids) {
      const at = this.policy.position(id);
      if (where === 'up' && at - 1 > blockedAt) this.policy.moveUp(id);
      else if (where === 'down' && at + 1 < blockedAt) this.policy.moveDown(id);
      else if (where === 'top') this.policy.moveTop(id);
      else if (where === 'bottom') this.policy.moveBottom(id);
      // One step never jumps over another selected torrent already at the edge.
      blockedAt = this.policy.position(id);
    }
    this.onOrderChanged(this.policy.ids());
    this.schedule();
  }

  standing(torrent: Torrent): QueueStanding {
    return this.policy.standing(torrent.infoHashHex);
  }

  /** Once a second: activity and kinds, then the decision. */
  tick(): void {
    for (const torrent of this.torrents.values()) this.sync(torrent, false);
    void this.apply();
  }

  /**
   * Start and queue what the policy says. Resolves once every torrent started here has been
   * checked (or failed): `Client.add` waits on it, as it waited on a plain start before.
   */
  async apply(): Promise<void> {
    if (this.applying) {
      this.again = true;
      return;
    }
    this.applying = true;
    const starts: Promise<void>[] = [];
    try {
      do {
        this.again = false;
        const { start, queue } = this.policy.evaluate();
        for (const id of queue) this.torrents.get(id)?.enqueue();
        for (const id of start) {
          const torrent = this.torrents.get(id);
          if (torrent) starts.push(torrent.run().catch(() => undefined));
        }
      } while (this.again);
    } finally {
      this.applying = false;
    }
    await Promise.all(starts);
  }

  private sync(torrent: Torrent, andApply = true): void {
    const id = torrent.infoHashHex;
    if (!this.policy.has(id)) return;
    const kind = torrent.isRunning || torrent.state === 'seeding' ? torrent.queueKind : this.policy.kind(id);
    this.policy.setKind(id, kind);
    const last = this.lastTotals.get(id)!;
    const down = torrent.download.meter.total;
    const up = torrent.upload.meter.total;
    if ((kind === 'download' && down > last.down) || (kind === 'seed' && up > last.up)) this.policy.onPayload(id);
    last.down = down;
    last.up = up;
    if (andApply) this.schedule();
  }

  /** Re-decide soon, once for any number of changes in one turn. */
  private schedule(): void {
    void Promise.resolve().then(() => this.apply());
  }
}
