import type { Endpoint, Platform } from '../../platform/interfaces/index.js';
import type { Connector } from '../peer/connector.js';
import type { PeerDiscovery, PeerStream } from '../peer/transport.js';
import { Announcer, type TrackerStatus } from '../tracker/announcer.js';
import type { UdpTrackerClient } from '../tracker/udp-tracker.js';
import type { PeerSource } from '../swarm/peer-session.js';
import type { Swarm } from '../swarm/swarm.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import { TorrentError } from '../util/errors.js';
import type { Random } from '../util/random.js';

/** Addresses the user does not want to talk to (an IP blocklist). */
export interface PeerFilter {
  blocks(host: string): boolean;
}

/** What the network part borrows from the Client. */
export interface NetworkDeps {
  platform: Platform;
  clock: Clock;
  random: Random;
  peerId: Uint8Array;
  listenPort(): number;
  udp: UdpTrackerClient;
  connector: Connector;
  discovery?: PeerDiscovery;
  peerFilter?: PeerFilter;
}

const TICK_MS = 1_000;

/**
 * A running torrent's contact with the world: the announcer over its tracker tiers, the DHT
 * lookup, peers from every source (filtered by the blocklist), the swarm's start and stop, and
 * the once-a-second tick. Created when the torrent starts, dropped when it stops.
 */
export class TorrentNetwork {
  private announcer: Announcer | undefined;
  private stopLookup: (() => void) | undefined;
  private ticker: TimerHandle | null = null;
  private stopped: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: NetworkDeps,
    private readonly infoHash: Uint8Array,
    private readonly swarm: Swarm,
  ) {}

  /** Dial through the connector, refusing blocked addresses (never connected). */
  dial(to: Endpoint, prefer: 'tcp' | 'utp'): Promise<PeerStream> {
    if (this.deps.peerFilter?.blocks(to.host)) return Promise.reject(new TorrentError('network', `${to.host} is in the blocklist`));
    return this.deps.connector.dial(to, this.infoHash, prefer);
  }

  /** Every peer address from any source goes through here. */
  addPeers(peers: readonly { host: string; port: number }[], source: PeerSource): void {
    const filter = this.deps.peerFilter;
    this.swarm.addPeers(filter ? peers.filter((p) => !filter.blocks(p.host)) : peers, source);
  }

  /** Close sessions with addresses the (new) blocklist names. */
  dropBlocked(): void {
    const filter = this.deps.peerFilter;
    if (!filter) return;
    for (const session of [...this.swarm.sessions.values()]) {
      if (filter.blocks(session.conn.remoteEndpoint.host)) session.close('address is in the blocklist');
    }
  }

  /**
   * Start the swarm, the DHT lookup (unless private, BEP 27) and the tick. The announcer is made
   * here but announces only when `announce()` is called (after the check: `left` is known).
   */
  start(options: {
    trackers: string[][];
    isPrivate: boolean;
    peers: readonly { host: string; port: number }[];
    stats(): { uploaded: number; downloaded: number; left: number };
    onTick(): void;
  }): void {
    const deps = this.deps;
    this.announcer = new Announcer({
      tiers: options.trackers,
      infoHash: this.infoHash,
      peerId: deps.peerId,
      port: deps.listenPort(),
      http: deps.platform.http,
      udp: deps.udp,
      clock: deps.clock,
      random: deps.random,
      stats: options.stats,
    });
    this.announcer.on('peers', (peers) => this.addPeers(peers, 'tracker'));
    this.swarm.start();
    if (deps.discovery && !options.isPrivate) {
      this.stopLookup = deps.discovery.lookup(this.infoHash, {
        announcePort: deps.listenPort(),
        onPeers: (peers) => this.addPeers(peers, 'dht'),
      });
    }
    this.addPeers(options.peers, 'manual');
    this.scheduleTick(options.onTick);
  }

  announce(): void {
    this.announcer?.start();
  }

  completed(): void {
    this.announcer?.completed();
  }

  /** BEP 27: a torrent found private after its metadata arrived leaves the DHT. */
  leaveDht(): void {
    this.stopLookup?.();
    this.stopLookup = undefined;
  }

  /** A tracker the user added or removed (the ledger keeps the list; the announcer acts on it). */
  addTracker(url: string): void {
    this.announcer?.addTracker(url);
  }
  removeTracker(url: string): void {
    this.announcer?.removeTracker(url);
  }

  trackerStatus(): TrackerStatus[] | undefined {
    return this.announcer?.status();
  }

  /** Close every session and announce `stopped` (bounded in time; see `whenStopped`). */
  stop(reason: string): void {
    this.leaveDht();
    if (this.ticker !== null) this.deps.clock.clearTimeout(this.ticker);
    this.ticker = null;
    this.swarm.stop(reason);
    const announcer = this.announcer;
    this.announcer = undefined;
    this.stopped = announcer ? announcer.stop(5_000).catch(() => undefined) : Promise.resolve();
  }

  /** Settles when the last `stopped` announce is through (or timed out). */
  whenStopped(): Promise<void> {
    return this.stopped;
  }

  private scheduleTick(onTick: () => void): void {
    this.ticker = this.deps.clock.setTimeout(() => {
      if (this.ticker === null) return;
      this.swarm.tick();
      onTick();
      this.scheduleTick(onTick);
    }, TICK_MS);
  }
}
