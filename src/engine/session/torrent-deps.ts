import type { Platform } from '../../platform/interfaces/index.js';
import type { MagnetLink, TorrentMeta } from '../metainfo/index.js';
import type { Connector } from '../peer/connector.js';
import type { PeerDiscovery } from '../peer/transport.js';
import type { ResumeRecord, ResumeStore } from '../storage/resume-store.js';
import type { ConnectionBudget } from '../swarm/swarm.js';
import type { SwarmLimits } from '../swarm/swarm-limits.js';
import type { UdpTrackerClient } from '../tracker/udp-tracker.js';
import type { Clock } from '../util/clock.js';
import type { Random } from '../util/random.js';
import type { Bucket } from './rate-gate.js';
import type { Torrent } from './torrent.js';
import type { PeerFilter } from './torrent-network.js';
import type { TorrentSettings } from './torrent-settings.js';
import type { AddTorrentOptions } from './types.js';

/** The Client's queue, as a torrent reports to it (see session/torrent-queue.ts). */
export interface QueueLink {
  /** The user paused it, or it failed: it holds no slot. */
  stopped(torrent: Torrent): void;
  /** The user resumed it: it runs when the queue has a slot for it. */
  resumed(torrent: Torrent): void;
  /** 0 = top of the queue; undefined when the client keeps no queue. */
  position(torrent: Torrent): number | undefined;
}

/** What a Torrent borrows from its Client. */
export interface TorrentDeps {
  platform: Platform;
  clock: Clock;
  random: Random;
  peerId: Uint8Array;
  userAgent: string;
  listenPort(): number;
  udp: UdpTrackerClient;
  connector: Connector;
  /** Peer exchange allowed by the client's settings. */
  pex: boolean;
  /** The DHT, when on (never used for private torrents, BEP 27). */
  discovery?: PeerDiscovery;
  resume: ResumeStore;
  swarmLimits: SwarmLimits;
  globalBuckets: { download: readonly Bucket[]; upload: readonly Bucket[] };
  /** Without one, a torrent runs whenever it is not paused. */
  queue?: QueueLink;
  peerFilter?: PeerFilter;
  /** Connections across every torrent of the client. */
  connectionBudget?: ConnectionBudget;
}

export interface TorrentInit {
  infoHash: Uint8Array;
  meta?: TorrentMeta;
  magnet?: MagnetLink;
  /** The magnet link as the user gave it (kept in resume data: peers, name, trackers). */
  magnetUri?: string;
  options: AddTorrentOptions;
  /** Its own settings (from the options, or the resume record on a restore). */
  settings: TorrentSettings;
  record?: ResumeRecord;
}
