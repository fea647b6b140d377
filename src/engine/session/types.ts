/**
 * The session's public shapes: what the CLI, the extension and the UI see of the engine.
 * The UI renders these; it never computes torrent state itself.
 */
import type { Platform } from '../../platform/interfaces/index.js';
import type { Clock } from '../util/clock.js';
import type { Random } from '../util/random.js';
import type { TrackerStatus } from '../tracker/announcer.js';
import type { EncryptionPolicy } from '../peer/transport.js';
import type { QueueLimits } from '../policy/queue-policy.js';
import type { SeedGoalAction, SeedGoals } from '../policy/seed-goals.js';
import type { AltSpeedSchedule } from '../policy/alt-speed.js';
import type { IpBlocklist } from '../policy/ip-blocklist.js';
import type { TorrentSettings } from './torrent-settings.js';

export type TorrentState =
  | 'metadata' // magnet: fetching the info dict from peers
  | 'checking' // verifying data already on disk
  | 'downloading'
  | 'seeding'
  | 'queued' // waiting for a slot in the client's queue (see policy/queue-policy.ts)
  | 'paused'
  | 'error';

/** 0 = skip (not downloaded), 1 = low, 4 = normal, 7 = high. */
export type FilePriority = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7;
export const PRIORITY_SKIP: FilePriority = 0;
export const PRIORITY_NORMAL: FilePriority = 4;

export interface ClientOptions {
  platform: Platform;
  /** TCP listening port for incoming peers; 0 picks a free one. */
  port?: number;
  /** Address to listen on (default '0.0.0.0'). */
  listenHost?: string;
  peerId?: Uint8Array;
  clock?: Clock;
  random?: Random;
  /** Global payload limits in bytes/s; 0 or undefined = unlimited. */
  downloadLimit?: number;
  uploadLimit?: number;
  maxPeersPerTorrent?: number;
  /** Peers uploaded to at once per torrent (default 8); 0 = none but BEP 6 allowed-fast pieces. */
  uploadSlots?: number;
  /** Client name sent in the extension handshake (`v`). */
  userAgent?: string;
  /**
   * Message stream encryption: 'preferred' (default, as libtorrent: encrypted first, plaintext
   * retry; both accepted), 'required', 'allowed' (plaintext first), 'disabled'.
   */
  encryption?: EncryptionPolicy;
  /** Mainline DHT (BEP 5); on by default. */
  dht?: boolean;
  /** DHT bootstrap nodes instead of the public ones (a private DHT on loopback in tests). */
  dhtBootstrap?: { host: string; port: number }[];
  /** uTP (BEP 29) as a fallback transport; on by default. */
  utp?: boolean;
  /** Peer exchange (BEP 11); on by default, never for private torrents. */
  pex?: boolean;
  /** Local service discovery (BEP 14); off by default: it sends multicast beyond the machine. */
  lsd?: boolean;
  /**
   * Local address of the interface LSD joins and announces on ('127.0.0.1' keeps it on this
   * machine; an IPv6 address uses BEP 14's IPv6 group). Default: the OS's choice, IPv4.
   */
  lsdInterface?: string;
  /** Active downloads and seeds at most, and when a torrent counts as stalled (defaults 3, 5, 60 s). */
  queue?: Partial<QueueLimits>;
  /** Seeding goals for every torrent without its own. */
  seedGoals?: SeedGoals;
  /** What a reached goal does (default 'pause'). */
  seedGoalAction?: SeedGoalAction;
  /** Peer connections across all torrents at most (default 200; each torrent also has its own limit). */
  maxConnections?: number;
  /** Addresses never connected to nor accepted. */
  blocklist?: IpBlocklist;
  /** Alternative speed limits and when they apply (Transmission's "turtle mode"). */
  altSpeed?: AltSpeedSchedule;
  /** Where session totals persist across restarts: on by default. */
  persistTotals?: boolean;
  /**
   * Count protocol overhead (handshakes, message headers, HAVEs, REQUESTs…) against the global
   * limits, charged once a second (session/overhead-counter.ts). Off by default: the CLI's limits
   * cap payload; the extension turns it on.
   */
  countOverhead?: boolean;
}

export type TorrentSource =
  | { kind: 'torrent'; bytes: Uint8Array }
  | { kind: 'magnet'; uri: string };

export interface AddTorrentOptions {
  /** Storage root: files land at `<destination>/<name>` or `<destination>/<name>/<path>`. */
  destination: string;
  /** Start paused. */
  paused?: boolean;
  /** Indexes of files to download (others skipped); undefined = all. Also from a magnet's `so`. */
  selectedFiles?: number[];
  /** Extra peers to dial (e.g. from x.pe or tests). */
  peers?: { host: string; port: number }[];
  /** Extra trackers (tiers appended). */
  trackers?: string[][];
  /** This torrent's own payload limits in bytes/s (0 = none), on top of the client's. */
  downloadLimit?: number;
  uploadLimit?: number;
  /** Seeding goals for this torrent (instead of the client's). */
  seedGoals?: SeedGoals;
  seedGoalAction?: SeedGoalAction;
  /** Run past the queue's limits. */
  forceStart?: boolean;
  /** BEP 16 super-seeding while we are the only seed: each peer is offered one piece at a time. */
  superSeed?: boolean;
  /** Connected peers at most for this torrent (default: the client's per-torrent limit). */
  maxConnections?: number;
}

export interface FileStats {
  index: number;
  path: string;
  length: number;
  /** Verified bytes of this file. */
  downloaded: number;
  priority: FilePriority;
}

export interface PeerStats {
  address: string; // host:port
  client?: string;
  downloadRate: number;
  uploadRate: number;
  downloaded: number;
  uploaded: number;
  progress: number; // 0..1 of the torrent they have
  flags: string; // e.g. 'D' downloading from, 'U' uploading to, 'c' choked us, 'i' interested, 'I' incoming, 'E' encrypted
  source: 'tracker' | 'dht' | 'pex' | 'lsd' | 'incoming' | 'manual';
}

/** A tracker's status as the announcer keeps it (times are clock milliseconds). */
export type TrackerStats = TrackerStatus;

export interface TorrentStats {
  infoHash: string; // 40 hex
  name: string;
  state: TorrentState;
  error?: string;
  /** 0..1 of the wanted (not skipped) bytes that are verified. */
  progress: number;
  /** Content bytes (BEP 47 padding files excluded); 0 until metadata. */
  totalLength: number;
  wantedLength: number;
  verifiedLength: number; // wanted bytes verified
  /** Payload bytes received / sent this session (plus what resume data restored). */
  downloaded: number;
  uploaded: number;
  downloadRate: number; // bytes/s, smoothed
  uploadRate: number;
  /** Seconds until done at the current rate; null when unknown or not downloading. */
  eta: number | null;
  ratio: number;
  /** Pieces that failed their hash check this session (their bytes were downloaded again). */
  hashFailures: number;
  peers: number; // connected
  seeds: number; // connected peers that have everything
  pieceCount: number;
  piecesHave: number;
  pieceLength: number;
  destination: string;
  addedAt: number; // ms since epoch
  completedAt?: number;
  /** Time spent seeding (all runs: kept in resume data). */
  seedingMs?: number;
  /** Place in the client's queue, 0 = top. */
  queuePosition?: number;
  /** The torrent's own settings (limits, goals, super-seeding, connections, forced start). */
  settings?: TorrentSettings;
  files: FileStats[];
  trackers: TrackerStats[];
}

export interface TorrentEvents {
  state(state: TorrentState): void;
  metadata(): void;
  /** A piece passed its hash check and is on disk. */
  piece(index: number): void;
  /** Every wanted piece is verified on disk. */
  done(): void;
  error(error: Error): void;
  /** A seeding goal was reached (the client then pauses or removes the torrent). */
  seedGoal(goal: 'ratio' | 'time'): void;
}
