/**
 * Per-torrent announce scheduler over BEP 12 tiers.
 *
 * Policy (as qBittorrent users expect, and like libtorrent's announce_to_all_tiers): every tier
 * is announced in parallel, to one tracker per tier. Within a tier, trackers are shuffled once
 * and tried in order; the first that answers moves to the front (BEP 12). A tier where every
 * tracker failed retries with exponential backoff and jitter. Trackers never throw out of
 * here: failures show up in status().
 */
import type { HttpClient } from '../../platform/interfaces/http.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import { Emitter } from '../util/emitter.js';
import { errorMessage } from '../util/errors.js';
import { shuffle, type Random } from '../util/random.js';
import { httpAnnounce } from './http-tracker.js';
import { resolveTrackerLimits, type TrackerLimits } from './limits.js';
import type { AnnounceEvent, AnnounceRequest, AnnounceResponse, PeerAddress } from './types.js';
import { classifyTrackerUrl, type TrackerProtocol } from './tracker-url.js';
import type { UdpTrackerClient } from './udp-tracker.js';

export interface AnnouncerOptions {
  /** BEP 12 announce-list: tiers of tracker URLs. */
  tiers: string[][];
  infoHash: Uint8Array;
  peerId: Uint8Array;
  port: number;
  http: HttpClient;
  udp: UdpTrackerClient;
  clock: Clock;
  random: Random;
  stats(): { uploaded: number; downloaded: number; left: number };
  numWant?: number;
  limits?: Partial<TrackerLimits>;
}

export type TrackerState = 'idle' | 'announcing' | 'working' | 'error' | 'disabled';

export interface TrackerStatus {
  url: string;
  tier: number;
  state: TrackerState;
  /** Clock time (ms) of the last announce attempt. */
  lastAnnounce?: number;
  /** Clock time (ms) of the tier's next announce; only on the tracker that will be tried first. */
  nextAnnounce?: number;
  seeders?: number;
  leechers?: number;
  peersReceived: number;
  error?: string;
  warning?: string;
}

export type AnnouncerEvents = {
  peers(peers: PeerAddress[], source: string): void;
  status(): void;
};

interface Entry {
  url: string;
  protocol: TrackerProtocol | null;
  state: TrackerState;
  lastAnnounce?: number;
  seeders?: number;
  leechers?: number;
  peersReceived: number;
  error?: string;
  warning?: string;
  trackerId?: string;
  /** The tracker accepted an announce from us since our last `started`: it owes a `stopped`. */
  registered: boolean;
  removed: boolean;
}

interface Tier {
  entries: Entry[];
  timer?: TimerHandle;
  nextAt?: number;
  busy: boolean;
  /** Another announce was asked for while one was in flight (completed, port change). */
  again: boolean;
  failures: number;
  lastSuccessAt?: number;
  minIntervalMs: number;
  completedPending: boolean;
}

export class Announcer extends Emitter<AnnouncerEvents> {
  private readonly limits: TrackerLimits;
  private readonly tiers: Tier[] = [];
  private readonly key: number;
  private port: number;
  private running = false;
  private completedCalled = false;
  /** Bumped by start() and stop(): answers from an older run are ignored. */
  private run = 0;

  constructor(private readonly options: AnnouncerOptions) {
    super();
    this.limits = resolveTrackerLimits(options.limits);
    this.port = options.port;
    // BEP 7 / BEP 15 key: the same for every tracker of this torrent, for this session.
    this.key = options.random.int(0x1_0000_0000) >>> 0;
    const seen = new Set<string>();
    for (const urls of options.tiers) {
      const fresh = urls.map((u) => u.trim()).filter((u) => u !== '' && !seen.has(u) && seen.add(u));
      if (fresh.length === 0) continue;
      // BEP 12: shuffle each tier once, then keep the order (a working tracker moves up).
      this.tiers.push(newTier(shuffle(fresh, options.random).map(newEntry)));
    }
  }

  /** Announce `started` to every tier now. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.run++;
    for (const tier of this.tiers) this.kick(tier);
  }

  /** BEP 3 `completed`, sent once, at once, to trackers that know us as a leecher. */
  completed(): void {
    if (this.completedCalled) return;
    this.completedCalled = true;
    for (const tier of this.tiers) {
      tier.completedPending = true;
      // A tier still waiting on its `started` re-announces as soon as that answer is in.
      if (tier.busy || tier.entries.some((e) => e.registered)) this.kick(tier);
    }
  }

  /** Ask for peers now, but no sooner than each tier's min interval, and not during backoff. */
  announceNow(): void {
    if (!this.running) return;
    const now = this.options.clock.now();
    for (const tier of this.tiers) {
      if (tier.busy || tier.failures > 0) continue;
      const earliest = tier.lastSuccessAt === undefined ? now : tier.lastSuccessAt + tier.minIntervalMs;
      if (earliest <= now) this.kick(tier);
      else if (tier.nextAt === undefined || tier.nextAt > earliest) this.schedule(tier, earliest - now);
    }
  }

  /**
   * Send `stopped` to every tracker that has us registered, waiting at most timeoutMs.
   * Never throws; a tracker that does not answer in time is simply left behind.
   */
  async stop(timeoutMs = this.limits.stopTimeoutMs): Promise<void> {
    if (!this.running) return;
    this.running = false;
    const run = ++this.run;
    for (const tier of this.tiers) {
      this.cancelTimer(tier);
      tier.busy = false;
      tier.again = false;
    }
    const sends: Promise<void>[] = [];
    for (const tier of this.tiers) {
      for (const entry of tier.entries) {
        if (entry.state !== 'disabled') entry.state = 'idle';
        // A later start() must send `started` again, whether or not `stopped` gets through.
        if (entry.registered) sends.push(this.sendStopped(entry, run));
        entry.registered = false;
      }
    }
    this.emit('status');
    if (sends.length === 0) return;
    let timer: TimerHandle | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = this.options.clock.setTimeout(resolve, timeoutMs);
    });
    await Promise.race([Promise.allSettled(sends), deadline]);
    if (timer !== undefined) this.options.clock.clearTimeout(timer);
  }

  status(): TrackerStatus[] {
    const out: TrackerStatus[] = [];
    this.tiers.forEach((tier, index) => {
      const first = tier.entries.find((e) => e.protocol !== null);
      for (const e of tier.entries) {
        out.push({
          url: e.url,
          tier: index,
          state: e.state,
          lastAnnounce: e.lastAnnounce,
          nextAnnounce: e === first ? tier.nextAt : undefined,
          seeders: e.seeders,
          leechers: e.leechers,
          peersReceived: e.peersReceived,
          error: e.error,
          warning: e.warning,
        });
      }
    });
    return out;
  }

  /** Trackers must learn the new port at once, or peers they hand out cannot reach us. */
  setPort(port: number): void {
    if (port === this.port) return;
    this.port = port;
    if (!this.running) return;
    for (const tier of this.tiers) if (tier.busy || tier.entries.some((e) => e.registered)) this.kick(tier);
  }

  /** Add a tracker to tier `tier`, or to a new last tier. Returns false if already present. */
  addTracker(url: string, tier?: number): boolean {
    const trimmed = url.trim();
    if (trimmed === '' || this.tiers.some((t) => t.entries.some((e) => e.url === trimmed))) return false;
    const entry = newEntry(trimmed);
    let target = tier !== undefined && tier >= 0 ? this.tiers[tier] : undefined;
    if (target) target.entries.push(entry);
    else this.tiers.push((target = newTier([entry])));
    if (this.running && !target.busy && target.timer === undefined) this.kick(target);
    this.emit('status');
    return true;
  }

  /** Remove a tracker; if it has us registered, tell it `stopped` (best effort). */
  removeTracker(url: string): boolean {
    for (const [index, tier] of this.tiers.entries()) {
      const at = tier.entries.findIndex((e) => e.url === url);
      if (at < 0) continue;
      const [entry] = tier.entries.splice(at, 1);
      entry!.removed = true;
      if (entry!.registered && this.running) void this.sendStopped(entry!, this.run);
      if (tier.entries.length === 0) {
        this.cancelTimer(tier);
        this.tiers.splice(index, 1);
      }
      this.emit('status');
      return true;
    }
    return false;
  }

  private kick(tier: Tier): void {
    if (!this.running) return;
    if (tier.busy) {
      tier.again = true;
      return;
    }
    this.cancelTimer(tier);
    void this.announceTier(tier, this.run);
  }

  /** BEP 12: try the tier's trackers in order until one answers. */
  private async announceTier(tier: Tier, run: number): Promise<void> {
    tier.busy = true;
    let tried = 0;
    for (const entry of [...tier.entries]) {
      if (entry.removed || entry.protocol === null) continue;
      tried++;
      const response = await this.announceTo(entry, tier, run);
      if (run !== this.run) return;
      if (response) {
        tier.entries.splice(tier.entries.indexOf(entry), 1);
        tier.entries.unshift(entry);
        const intervalSec = clamp(response.interval, this.limits.minIntervalSec, this.limits.maxIntervalSec);
        const minSec = clamp(response.minInterval ?? this.limits.minIntervalSec, this.limits.minIntervalSec, intervalSec);
        tier.failures = 0;
        tier.lastSuccessAt = this.options.clock.now();
        tier.minIntervalMs = minSec * 1000;
        this.finishTier(tier, intervalSec * 1000);
        return;
      }
    }
    if (tried === 0) {
      tier.busy = false;
      return;
    }
    tier.failures++;
    this.finishTier(tier, this.backoffMs(tier.failures));
  }

  private finishTier(tier: Tier, delayMs: number): void {
    tier.busy = false;
    if (tier.again) {
      tier.again = false;
      this.kick(tier);
    } else {
      this.schedule(tier, delayMs);
    }
    this.emit('status');
  }

  /** One announce to one tracker. Returns the response, or null after recording the failure. */
  private async announceTo(entry: Entry, tier: Tier, run: number): Promise<AnnounceResponse | null> {
    const event: AnnounceEvent | undefined = !entry.registered
      ? 'started'
      : tier.completedPending
        ? 'completed'
        : undefined;
    const request = this.request(entry, event);
    entry.state = 'announcing';
    entry.lastAnnounce = this.options.clock.now();
    this.emit('status');
    let response: AnnounceResponse;
    try {
      response = await this.send(entry, request);
    } catch (error) {
      if (run !== this.run || entry.removed) return null;
      entry.state = 'error';
      entry.error = errorMessage(error);
      this.emit('status');
      return null;
    }
    if (run !== this.run || entry.removed) return null;
    entry.registered = true;
    if (event === 'completed' || request.left === 0) tier.completedPending = false;
    entry.state = 'working';
    entry.error = undefined;
    entry.warning = response.warning;
    entry.seeders = response.complete ?? entry.seeders;
    entry.leechers = response.incomplete ?? entry.leechers;
    entry.trackerId = response.trackerId ?? entry.trackerId;
    entry.peersReceived += response.peers.length;
    if (response.peers.length > 0) this.emit('peers', response.peers, entry.url);
    return response;
  }

  private async sendStopped(entry: Entry, run: number): Promise<void> {
    try {
      await this.send(entry, { ...this.request(entry, 'stopped'), numWant: 0 });
    } catch (error) {
      if (run !== this.run || entry.removed) return;
      entry.state = 'error';
      entry.error = errorMessage(error);
      this.emit('status');
    }
  }

  private send(entry: Entry, request: AnnounceRequest): Promise<AnnounceResponse> {
    if (entry.protocol === 'udp') return this.options.udp.announce(entry.url, request);
    return httpAnnounce(this.options.http, entry.url, request, this.limits);
  }

  private request(entry: Entry, event: AnnounceEvent | undefined): AnnounceRequest {
    const { uploaded, downloaded, left } = this.options.stats();
    const request: AnnounceRequest = {
      infoHash: this.options.infoHash,
      peerId: this.options.peerId,
      port: this.port,
      uploaded,
      downloaded,
      left,
      numWant: this.options.numWant ?? this.limits.defaultNumWant,
      key: this.key,
      compact: true,
    };
    if (event) request.event = event;
    if (entry.trackerId !== undefined) request.trackerId = entry.trackerId;
    return request;
  }

  private schedule(tier: Tier, delayMs: number): void {
    this.cancelTimer(tier);
    tier.nextAt = this.options.clock.now() + delayMs;
    tier.timer = this.options.clock.setTimeout(() => {
      tier.timer = undefined;
      this.kick(tier);
    }, delayMs);
  }

  private cancelTimer(tier: Tier): void {
    if (tier.timer !== undefined) this.options.clock.clearTimeout(tier.timer);
    tier.timer = undefined;
    tier.nextAt = undefined;
  }

  /** base * 2^(failures-1), jittered by ±20% so many torrents do not retry in lockstep, capped. */
  private backoffMs(failures: number): number {
    const base = this.limits.retryBaseSec * 2 ** Math.min(failures - 1, 20);
    const jittered = base * (0.8 + 0.4 * this.options.random.next());
    return Math.min(jittered, this.limits.retryMaxSec) * 1000;
  }
}

function newTier(entries: Entry[]): Tier {
  return { entries, busy: false, again: false, failures: 0, minIntervalMs: 0, completedPending: false };
}

function newEntry(url: string): Entry {
  const kind = classifyTrackerUrl(url);
  const entry: Entry = { url, protocol: kind.protocol, state: 'idle', peersReceived: 0, registered: false, removed: false };
  if (kind.protocol === null) {
    entry.state = 'disabled';
    entry.error = kind.reason;
  }
  return entry;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), Math.max(min, max));
}
