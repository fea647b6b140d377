import type { KeyValueStore } from '../../platform/interfaces/index.js';
import type { AltSpeedSchedule, AltSpeedStatus } from '../policy/alt-speed.js';
import { fromUtf8, utf8 } from '../util/bytes.js';
import type { IpBlocklist } from '../policy/ip-blocklist.js';
import type { SeedGoalAction, SeedGoalKind } from '../policy/seed-goals.js';
import type { ConnectionBudget } from '../swarm/swarm.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import { TorrentError } from '../util/errors.js';
import { GoalKeeper } from './goal-keeper.js';
import { TokenBucket } from './rate-limiter.js';
import { SessionTotals, type SessionStatistics } from './session-totals.js';
import type { Torrent } from './torrent.js';
import type { PeerFilter } from './torrent-network.js';
import { TorrentQueue } from './torrent-queue.js';
import { OverheadCounter } from './overhead-counter.js';
import type { AddTorrentOptions, ClientOptions } from './types.js';

/** Peer connections across all torrents at most, unless ClientOptions.maxConnections says otherwise. */
export const DEFAULT_MAX_CONNECTIONS = 200;
/** Queue, seed goals, totals and alternative speeds are looked at this often. */
const POLICY_TICK_MS = 1_000;
/** Running torrents' resume records (totals, seeding time) are saved this often besides events. */
export const RECORD_SAVE_EVERY_MS = 60_000;
/** Key of the queue order (infohashes, top first) in the platform's key-value store. */
export const QUEUE_ORDER_KEY = 'queue-order';

/** What the policies need of the Client. */
export interface PolicyHost {
  torrents(): Iterable<Torrent>;
  remove(infoHashHex: string): Promise<void>;
  /** A goal was reached (the Client emits it). */
  goalReached(torrent: Torrent, goal: SeedGoalKind, action: SeedGoalAction): void;
}

/**
 * The session-wide rules over a Client's torrents: the queue, seeding goals, global and
 * alternative rate limits, the blocklist, the global connection limit and the session totals,
 * with the once-a-second tick that applies them. The Client owns sockets; this owns policy.
 */
export class SessionPolicies {
  readonly queue: TorrentQueue;
  readonly goals: GoalKeeper;
  readonly totals: SessionTotals;
  readonly downloadBucket: TokenBucket;
  readonly uploadBucket: TokenBucket;
  /** For every torrent's network: addresses never dialed nor accepted. */
  readonly peerFilter: PeerFilter = { blocks: (host) => this.blocklist?.blocks(host) ?? false };
  /** For every torrent's swarm: the global connection limit. */
  readonly connectionBudget: ConnectionBudget = { canOpen: () => this.openConnections() < this.maxConnections };
  private blocklist: IpBlocklist | undefined;
  private altSpeed: AltSpeedSchedule | undefined;
  /** Limits set by the user; the alternative speeds replace them while they apply. */
  private readonly normalLimits: { download: number; upload: number };
  private maxConnections: number;
  private timer: TimerHandle | null = null;
  private orderSaved: Promise<void> = Promise.resolve();
  private recordsSavedAt: number;
  /** Protocol overhead charged to the global limits (ClientOptions.countOverhead). */
  readonly overhead: OverheadCounter | undefined;

  constructor(
    private readonly clock: Clock,
    options: ClientOptions,
    private readonly host: PolicyHost,
  ) {
    this.normalLimits = { download: options.downloadLimit ?? 0, upload: options.uploadLimit ?? 0 };
    this.altSpeed = options.altSpeed;
    const limits = this.currentLimits();
    this.downloadBucket = new TokenBucket({ rate: limits.download, clock });
    this.uploadBucket = new TokenBucket({ rate: limits.upload, clock });
    const kv = options.platform.kv;
    this.queue = new TorrentQueue(clock, options.queue, (ids) => {
      // Saved as it changes (user actions, adds): a restart restores torrents in this order.
      this.orderSaved = this.orderSaved.then(() => kv.set(QUEUE_ORDER_KEY, utf8(ids.join(',')))).catch(() => undefined);
    });
    this.goals = new GoalKeeper(options.seedGoals, options.seedGoalAction);
    this.totals = new SessionTotals(clock, options.persistTotals === false ? undefined : options.platform.kv);
    this.blocklist = options.blocklist;
    this.maxConnections = checkCount(options.maxConnections ?? DEFAULT_MAX_CONNECTIONS, 'maxConnections');
    this.recordsSavedAt = clock.now();
    if (options.countOverhead) this.overhead = new OverheadCounter({ download: [this.downloadBucket], upload: [this.uploadBucket] });
  }

  /** Read the saved totals and start ticking. */
  async start(): Promise<void> {
    await this.totals.load();
    this.schedule();
  }

  /** Stop ticking and save the totals. */
  async close(): Promise<void> {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.reportTotals();
    await this.totals.maybeSave(true);
    await this.orderSaved;
  }

  /** The queue order saved last time (infohashes, top first); empty when none. */
  static async savedOrder(kv: KeyValueStore): Promise<string[]> {
    const bytes = await kv.get(QUEUE_ORDER_KEY).catch(() => undefined);
    if (!bytes) return [];
    return fromUtf8(bytes).split(',').filter((hex) => /^[0-9a-f]{40}$/.test(hex));
  }

  /** A torrent was added (and started: it waits, paused or queued). */
  added(torrent: Torrent, options: AddTorrentOptions): void {
    if (options.seedGoals !== undefined || options.seedGoalAction !== undefined) this.goals.setOwn(torrent.infoHashHex, options.seedGoals, options.seedGoalAction);
    this.queue.add(torrent, options.forceStart ?? false);
  }

  /** A torrent is being removed: what it moved stays in the totals. */
  removed(torrent: Torrent): void {
    const hex = torrent.infoHashHex;
    this.queue.remove(torrent);
    this.goals.forget(hex);
    this.totals.report(hex, torrent.download.meter.total, torrent.upload.meter.total);
    this.totals.forget(hex);
  }

  setLimits(limits: { download?: number; upload?: number }): void {
    if (limits.download !== undefined) this.normalLimits.download = limits.download;
    if (limits.upload !== undefined) this.normalLimits.upload = limits.upload;
    this.applyRateLimits();
  }

  setAltSpeed(schedule: AltSpeedSchedule | undefined): void {
    this.altSpeed = schedule;
    this.applyRateLimits();
  }

  setAltSpeedManual(on: boolean | undefined): void {
    this.altSpeed?.setManual(on);
    this.applyRateLimits();
  }

  get altSpeedActive(): boolean {
    return this.altSpeed?.isActive() ?? false;
  }

  altSpeedStatus(): AltSpeedStatus | undefined {
    return this.altSpeed?.status();
  }

  setBlocklist(list: IpBlocklist | undefined): void {
    this.blocklist = list;
    for (const torrent of this.host.torrents()) torrent.dropBlockedPeers();
  }

  blocks(host: string): boolean {
    return this.peerFilter.blocks(host);
  }

  setMaxConnections(max: number): void {
    this.maxConnections = checkCount(max, 'maxConnections');
  }

  openConnections(): number {
    let open = 0;
    for (const torrent of this.host.torrents()) open += torrent.connectionCount;
    return open;
  }

  sessionStats(): SessionStatistics {
    this.reportTotals();
    return this.totals.snapshot();
  }

  private currentLimits(): { download: number; upload: number } {
    return this.altSpeed?.limits(this.normalLimits) ?? this.normalLimits;
  }

  private applyRateLimits(): void {
    const limits = this.currentLimits();
    if (this.downloadBucket.rate !== limits.download) this.downloadBucket.setRate(limits.download);
    if (this.uploadBucket.rate !== limits.upload) this.uploadBucket.setRate(limits.upload);
  }

  private reportTotals(): void {
    for (const t of this.host.torrents()) this.totals.report(t.infoHashHex, t.download.meter.total, t.upload.meter.total);
  }

  private schedule(): void {
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.tick();
      this.schedule();
    }, POLICY_TICK_MS);
  }

  private tick(): void {
    this.applyRateLimits();
    if (this.overhead) for (const torrent of this.host.torrents()) this.overhead.charge(torrent.connections());
    this.queue.tick();
    for (const torrent of [...this.host.torrents()]) {
      const verdict = this.goals.check(torrent);
      if (!verdict) continue;
      this.host.goalReached(torrent, verdict.goal, verdict.action);
      if (verdict.action === 'remove') void this.host.remove(torrent.infoHashHex).catch(() => undefined);
      else torrent.pause();
    }
    this.reportTotals();
    void this.totals.maybeSave();
    // Seeding time and payload totals move without events: a crash loses at most this much.
    if (this.clock.now() - this.recordsSavedAt >= RECORD_SAVE_EVERY_MS) {
      this.recordsSavedAt = this.clock.now();
      for (const torrent of this.host.torrents()) if (torrent.isRunning) torrent.saveSoon();
    }
  }
}

function checkCount(value: number, name: string): number {
  if (!(value >= 1)) throw new TorrentError('usage', `${name} must be 1 or more (Infinity: no limit), got ${value}`);
  return value;
}
