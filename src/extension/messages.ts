/**
 * The one message schema between the extension's parts:
 *
 *   UI page ──port "ui"──▶ service worker ──port "offscreen"──▶ offscreen document (engine)
 *
 * Commands go down, state comes up. The UI renders `Snapshot`s and never computes torrent state;
 * the offscreen document builds the torrent list, the service worker adds the native host's
 * status (it owns the native port). Every message is a discriminated union on `type`.
 */
import type { PeerStats, TorrentStats } from '../engine/session/types.js';
import type { NetworkSettings, NetworkSettingsInput, SettingsField } from './settings.js';
import type { PreferenceField, Preferences, TransferSettings } from './preferences.js';
import type { AltSpeedStatus } from '../engine/policy/alt-speed.js';
import type { SessionStatistics } from '../engine/session/session-totals.js';
import type { TorrentSettingsField } from './torrent-settings-input.js';

export type { TorrentStats } from '../engine/session/types.js';
export type { NetworkSettings, NetworkSettingsInput } from './settings.js';
export type { Preferences, TransferSettings } from './preferences.js';

/** Port names used with chrome.runtime.connect. */
export const UI_PORT = 'ui';
export const OFFSCREEN_PORT = 'offscreen';

/** The native messaging host's registered name (native-host/, `npm run install-host`). */
export const NATIVE_HOST_NAME = 'com.torrentedge.relay';

/** The command that registers the native host, shown verbatim in the UI. */
export const INSTALL_COMMAND = 'npm run install-host';

// --- commands (UI → service worker → offscreen) ------------------------------------------------

export type AddSource =
  | { kind: 'magnet'; uri: string }
  | { kind: 'url'; url: string }
  /** A .torrent file's bytes, base64 (runtime messaging is JSON). */
  | { kind: 'torrent'; base64: string };

export type Command =
  | { type: 'add'; source: AddSource }
  | { type: 'pause'; infoHash: string }
  | { type: 'resume'; infoHash: string }
  | { type: 'remove'; infoHash: string; deleteData: boolean }
  | { type: 'getSnapshot' }
  /** The download location, or the folder's permission, changed: try waiting deliveries now. */
  | { type: 'deliveryFolderChanged' }
  /** Validated and stored by the service worker; the engine restarts with them (settings.ts). */
  | { type: 'setNetworkSettings'; input: NetworkSettingsInput }
  /** This page shows the peers of this torrent (null: none); the snapshot then carries them. */
  | { type: 'watchPeers'; infoHash: string | null }
  | DashboardCommand
  | TorrentControlCommand
  | CreateCommand
  // --- popup + options + interception (preferences-control.ts) ---
  /** Options page: some preferences as typed; validated and stored by the service worker. */
  | { type: 'setPreferences'; input: Record<string, unknown> };

export type CommandResult =
  | { ok: true; infoHash?: string }
  /** Answer to `preview` (dashboard block below). */
  | { ok: true; preview: AddPreview }
  | { ok: false; error: string; fieldErrors?: Partial<Record<SettingsField | PreferenceField | TorrentSettingsField, string>> };

// --- state ---------------------------------------------------------------------------------

export interface HostStatus {
  state: 'connecting' | 'ready' | 'missing' | 'error';
  /** What went wrong, in words a user can act on. */
  message?: string;
  /** The exact command that registers the native host. */
  installCommand: string;
}

/** Where a finished torrent's files are going (delivery-folder.ts: Downloads or a picked folder). */
export interface DeliveryStatus {
  target: 'downloads' | 'folder';
  /** needs-access: waiting for the user to grant the folder again; nothing is lost meanwhile. */
  state: 'copying' | 'needs-access' | 'failed' | 'delivered';
  /** Words to show as they are. */
  message: string;
  copied?: number;
  total?: number;
}

/**
 * A torrent as pages show it: the engine's stats plus the extension's delivery of its files, and
 * `chooseFiles` while the user is still to choose its files (a magnet added with "choose later").
 */
export type TorrentRow = TorrentStats & { delivery?: DeliveryStatus; chooseFiles?: boolean };

/** Torrents as the engine reports them, plus host state: everything a page shows. */
export interface Snapshot {
  torrents: TorrentRow[];
  host: HostStatus;
  /** True until the offscreen document has reported its first list. */
  starting: boolean;
  /** The network settings in force (absent until the service worker has read them). */
  networkSettings?: NetworkSettings;
  /** Peers of the torrents some page watches (`watchPeers`), by infohash. */
  peers?: Record<string, PeerView[]>;
  /** Totals, and details of the watched torrents (dashboard block below). */
  dashboard?: DashboardData;
  /** The extension's preferences in force (absent until the service worker has read them). */
  preferences?: Preferences;
}

/** One connected peer as the dashboard shows it (derived from the engine's PeerStats). */
export interface PeerView {
  address: string;
  client?: string;
  source: PeerStats['source'];
  transport: 'tcp' | 'utp';
  encrypted: boolean;
  incoming: boolean;
  downloadRate: number;
  uploadRate: number;
  /** 0..1 of the torrent the peer has. */
  progress: number;
  /** The engine's flag letters (D/d, U/u, S, I, E, P). */
  flags: string;
}

// --- UI ⇄ service worker (port "ui") ----------------------------------------------------------

export type UiRequest = { type: 'command'; id: number; command: Command };

export type UiEvent =
  | { type: 'result'; id: number; result: CommandResult }
  | { type: 'snapshot'; snapshot: Snapshot };

// --- service worker ⇄ offscreen (port "offscreen") ----------------------------------------------

/**
 * Where the relay listens. Lives only in memory (service worker and offscreen document): never
 * chrome.storage, IndexedDB, logs or URLs.
 */
export interface RelayInfo {
  port: number;
  secret: string;
}

export interface DeliveryFile {
  /** A blob: URL made by the offscreen document; revoked once the download finished. */
  url: string;
  /** `<name>` or `<name>/<path>`, relative to the Downloads folder. */
  filename: string;
}

export type WorkerToOffscreen =
  | { type: 'relay'; relay: RelayInfo | null; host: HostStatus }
  | { type: 'command'; id: number; command: Command }
  | { type: 'delivered'; deliveryId: number; ok: boolean; error?: string }
  /** Sent before the first `relay` and on every change: the Client is (re)created with these. */
  | { type: 'networkSettings'; settings: NetworkSettings }
  /** Torrents whose peers the pages show. */
  | { type: 'watchPeers'; infoHashes: string[] }
  /** Transfer limits (preferences.ts): rates apply live, the peer cap restarts the Client. */
  | { type: 'transferSettings'; settings: TransferSettings };

export type OffscreenToWorker =
  | { type: 'hello' }
  | { type: 'result'; id: number; result: CommandResult }
  | { type: 'torrents'; torrents: TorrentRow[]; peers?: Record<string, PeerView[]>; dashboard?: DashboardData }
  | { type: 'deliver'; deliveryId: number; infoHash: string; files: DeliveryFile[] }
  | { type: 'keepalive' }
  /** A torrent finished downloading just now (not a restored one): the service worker may notify. */
  | { type: 'completed'; infoHash: string; name: string };

/** Narrowing helpers for messages that arrive as `unknown`. */
export function isCommand(value: unknown): value is Command {
  if (!value || typeof value !== 'object') return false;
  const type = (value as { type?: unknown }).type;
  return type === 'add' || type === 'pause' || type === 'resume' || type === 'remove' || type === 'getSnapshot' || type === 'deliveryFolderChanged' || isNetworkCommandType(type) || isDashboardCommandType(type) || isTorrentControlCommandType(type) || type === 'seedCreated';
}

/** Commands of the network settings and the peers view (handled by the service worker). */
function isNetworkCommandType(type: unknown): boolean {
  return type === 'setNetworkSettings' || type === 'watchPeers' || type === 'setPreferences';
}

export function hasType<T extends { type: string }>(value: unknown): value is T {
  return !!value && typeof value === 'object' && typeof (value as { type?: unknown }).type === 'string';
}

// --- dashboard (side panel): file choice, trackers, totals, details of the watched torrent -------

/**
 * Commands of the dashboard. The torrent a page watches (`watchPeers`) is the one whose details
 * (piece map, speed history, trackers with wall-clock times) travel in `Snapshot.dashboard`.
 */
export type DashboardCommand =
  /** Parses a .torrent (bytes or URL) without adding it: name, size and files for the add dialog. */
  | { type: 'preview'; source: AddSource }
  /**
   * Adds with a file choice: `files` are the indexes to download (others skipped), or
   * 'choose-later' (a magnet: nothing is downloaded until `setFilePriorities` once metadata arrived).
   */
  | { type: 'addWithFiles'; source: AddSource; files: number[] | 'choose-later'; paused?: boolean }
  /** Priorities 0 (skip) .. 7 (high); 4 is normal. */
  | { type: 'setFilePriorities'; infoHash: string; files: { index: number; priority: number }[] }
  | { type: 'addTracker'; infoHash: string; url: string }
  | { type: 'removeTracker'; infoHash: string; url: string };

export function isDashboardCommandType(type: unknown): boolean {
  return type === 'preview' || type === 'addWithFiles' || type === 'setFilePriorities' || type === 'addTracker' || type === 'removeTracker';
}

/** What the add dialog shows before anything is added. `files` is null for a magnet (no metadata yet). */
export interface AddPreview {
  infoHash: string;
  name: string;
  totalLength: number;
  files: { index: number; path: string; length: number }[] | null;
}

/** Sums over all torrents, computed by the offscreen document. */
export interface DashboardTotals {
  downloadRate: number;
  uploadRate: number;
  downloaded: number;
  uploaded: number;
  /** uploaded / downloaded over all torrents (0 before anything was downloaded). */
  ratio: number;
  count: number;
  /** Torrents per state. */
  states: Record<string, number>;
}

/** A tracker as the Trackers tab shows it: announce times as wall-clock ms since the epoch. */
export interface TrackerView {
  url: string;
  tier: number;
  state: 'idle' | 'announcing' | 'working' | 'error' | 'disabled';
  lastAnnounceAt?: number;
  nextAnnounceAt?: number;
  seeders?: number;
  leechers?: number;
  peersReceived: number;
  error?: string;
  warning?: string;
}

/** Rates sampled every `intervalMs`, oldest first; the last sample is at `endAt` (epoch ms). */
export interface SpeedHistoryView {
  intervalMs: number;
  endAt: number;
  down: number[];
  up: number[];
}

/** Details of one watched torrent. */
export interface TorrentDetail {
  /** Verified pieces, BEP 3 bitfield bytes (high bit first) in base64; '' before metadata. */
  pieces: string;
  pieceCount: number;
  trackers: TrackerView[];
  speed: SpeedHistoryView;
}

export interface DashboardData {
  totals: DashboardTotals;
  /** By infohash, for the watched torrents only. */
  details?: Record<string, TorrentDetail>;
  /** The alternative speeds ("turtle"): absent while the engine is not running. */
  altSpeed?: AltSpeedView;
  /** Session and all-time totals, kept by the engine in IndexedDB; absent while it is not running. */
  statistics?: SessionStatistics;
}

// --- queue, a torrent's own settings, alternative speeds (offscreen/torrent-control.ts) -------

export type QueueMove = 'up' | 'down' | 'top' | 'bottom';

export type TorrentControlCommand =
  /** Several torrents move together, keeping their order among themselves. */
  | { type: 'queueMove'; infoHashes: string[]; where: QueueMove }
  /** Run past the queue's limits (true) or back to normal (false). */
  | { type: 'forceStart'; infoHashes: string[]; forced: boolean }
  /**
   * A torrent's own settings as typed (torrent-settings-input.ts): fields left out stay; refusals
   * come back per field in `fieldErrors`.
   */
  | { type: 'setTorrentSettings'; infoHash: string; input: Record<string, unknown> }
  /** The turtle button: on or off by hand (null: back to the schedule). */
  | { type: 'setAltSpeed'; on: boolean | null };

export function isTorrentControlCommandType(type: unknown): boolean {
  return type === 'queueMove' || type === 'forceStart' || type === 'setTorrentSettings' || type === 'setAltSpeed';
}

export type { AltSpeedStatus } from '../engine/policy/alt-speed.js';
export type { SessionStatistics } from '../engine/session/session-totals.js';

/** What the turtle button shows: the engine's status, with the limits it applies (bytes/s). */
export type AltSpeedView = AltSpeedStatus;

// --- create torrent page ---------------------------------------------------------------------

/**
 * The "Create torrent" page hashed files into the staging folder `staging`
 * (src/extension/create/staging.ts) while copying them: the engine moves them into the torrent's
 * storage and seeds at once, the data vouched for by that hashing (no second read).
 */
export type CreateCommand = { type: 'seedCreated'; torrent: string; staging: string };
