import type { KeyValueStore } from '../../platform/interfaces/index.js';
import { decode, encode, type BValue } from '../bencode/index.js';
import { fromUtf8, utf8 } from '../util/bytes.js';
import type { TorrentSettings } from '../session/torrent-settings.js';

/**
 * Resume data per torrent, through the platform's atomic key-value store: a crash at any moment
 * leaves the previous record or the new one. The info dict is kept apart (written once) so a
 * magnet restarted offline does not need its metadata again.
 */
export interface ResumeRecord {
  infoHash: string;
  destination: string;
  /** Verified pieces (BEP 3 bitfield layout); empty until metadata is known. */
  bitfield: Uint8Array;
  filePriorities: number[];
  uploaded: number;
  downloaded: number;
  addedAt: number;
  completedAt?: number;
  paused: boolean;
  name: string;
  trackers: string[][];
  /** The source the user added (a magnet), so a restart can show it before metadata. */
  magnet?: string;
  /** Time spent seeding, all runs (seeding-time goals count it across restarts). */
  seedingMs?: number;
  /** The torrent's own settings (limits, goals, super-seeding, connections, forced start). */
  settings?: TorrentSettings;
}

/** A ratio is kept as an integer in millionths (bencode has no fractions). */
const RATIO_SCALE = 1_000_000;

const RECORD_PREFIX = 'torrent-';
const INFO_PREFIX = 'info-';

export class ResumeStore {
  constructor(private readonly kv: KeyValueStore) {}

  async load(infoHash: string): Promise<ResumeRecord | undefined> {
    const bytes = await this.kv.get(RECORD_PREFIX + infoHash);
    if (!bytes) return undefined;
    try {
      return fromBencode(decode(bytes));
    } catch {
      return undefined; // unreadable record: the torrent is rechecked from disk instead
    }
  }

  async save(record: ResumeRecord): Promise<void> {
    await this.kv.set(RECORD_PREFIX + record.infoHash, toBencode(record));
  }

  async loadInfo(infoHash: string): Promise<Uint8Array | undefined> {
    return this.kv.get(INFO_PREFIX + infoHash);
  }

  async saveInfo(infoHash: string, infoBytes: Uint8Array): Promise<void> {
    await this.kv.set(INFO_PREFIX + infoHash, infoBytes);
  }

  async delete(infoHash: string): Promise<void> {
    await this.kv.delete(RECORD_PREFIX + infoHash);
    await this.kv.delete(INFO_PREFIX + infoHash);
  }

  async list(): Promise<string[]> {
    const keys = await this.kv.keys(RECORD_PREFIX);
    return keys.map((k) => k.slice(RECORD_PREFIX.length));
  }
}

function toBencode(r: ResumeRecord): Uint8Array {
  return encode({
    infoHash: r.infoHash,
    destination: r.destination,
    bitfield: r.bitfield,
    filePriorities: r.filePriorities,
    uploaded: r.uploaded,
    downloaded: r.downloaded,
    addedAt: r.addedAt,
    completedAt: r.completedAt,
    paused: r.paused ? 1 : 0,
    name: r.name,
    trackers: r.trackers,
    magnet: r.magnet,
    seedingMs: r.seedingMs === undefined ? undefined : Math.round(r.seedingMs),
    settings: r.settings ? settingsToBencode(r.settings) : undefined,
  });
}

function settingsToBencode(s: TorrentSettings): Map<string, BValue> {
  const out = new Map<string, BValue>([
    ['downloadLimit', s.downloadLimit],
    ['uploadLimit', s.uploadLimit],
    ['superSeed', s.superSeed ? 1 : 0],
    ['forced', s.forced ? 1 : 0],
  ]);
  if (s.maxConnections !== undefined) out.set('maxConnections', s.maxConnections);
  if (s.seedGoalAction !== undefined) out.set('seedGoalAction', utf8(s.seedGoalAction));
  if (s.seedGoals !== undefined) {
    const goals = new Map<string, BValue>();
    if (s.seedGoals.ratio !== undefined && Number.isFinite(s.seedGoals.ratio)) goals.set('ratioMicro', Math.round(s.seedGoals.ratio * RATIO_SCALE));
    if (s.seedGoals.timeMs !== undefined && Number.isFinite(s.seedGoals.timeMs)) goals.set('timeMs', Math.round(s.seedGoals.timeMs));
    out.set('seedGoals', goals);
  }
  return out;
}

/** Settings read back; anything unreadable is left at its default (never an error). */
function settingsFromBencode(value: BValue | undefined): TorrentSettings | undefined {
  if (!(value instanceof Map)) return undefined;
  const num = (k: string, min: number): number | undefined => {
    const v = value.get(k);
    return typeof v === 'number' && Number.isSafeInteger(v) && v >= min ? v : undefined;
  };
  const settings: TorrentSettings = {
    downloadLimit: num('downloadLimit', 0) ?? 0,
    uploadLimit: num('uploadLimit', 0) ?? 0,
    superSeed: num('superSeed', 0) === 1,
    forced: num('forced', 0) === 1,
  };
  const maxConnections = num('maxConnections', 1);
  if (maxConnections !== undefined) settings.maxConnections = maxConnections;
  const action = value.get('seedGoalAction');
  const actionText = action instanceof Uint8Array ? fromUtf8(action) : '';
  if (actionText === 'pause' || actionText === 'remove') settings.seedGoalAction = actionText;
  const goals = value.get('seedGoals');
  if (goals instanceof Map) {
    settings.seedGoals = {};
    const ratio = goals.get('ratioMicro');
    const timeMs = goals.get('timeMs');
    if (typeof ratio === 'number' && ratio >= 0) settings.seedGoals.ratio = ratio / RATIO_SCALE;
    if (typeof timeMs === 'number' && timeMs >= 0) settings.seedGoals.timeMs = timeMs;
  }
  return settings;
}

function fromBencode(value: BValue): ResumeRecord {
  if (!(value instanceof Map)) throw new Error('resume record is not a dictionary');
  const str = (k: string): string => {
    const v = value.get(k);
    return v instanceof Uint8Array ? fromUtf8(v) : '';
  };
  const num = (k: string): number => {
    const v = value.get(k);
    return typeof v === 'number' ? v : 0;
  };
  const bitfield = value.get('bitfield');
  const priorities = value.get('filePriorities');
  const trackers = value.get('trackers');
  const completedAt = value.get('completedAt');
  const magnet = value.get('magnet');
  const seedingMs = value.get('seedingMs');
  const settings = settingsFromBencode(value.get('settings'));
  return {
    infoHash: str('infoHash'),
    destination: str('destination'),
    bitfield: bitfield instanceof Uint8Array ? bitfield : new Uint8Array(0),
    filePriorities: Array.isArray(priorities) ? priorities.map((p) => (typeof p === 'number' ? p : 4)) : [],
    uploaded: num('uploaded'),
    downloaded: num('downloaded'),
    addedAt: num('addedAt'),
    ...(typeof completedAt === 'number' ? { completedAt } : {}),
    paused: num('paused') === 1,
    name: str('name'),
    trackers: Array.isArray(trackers)
      ? trackers.map((tier) => (Array.isArray(tier) ? tier.filter((u) => u instanceof Uint8Array).map((u) => fromUtf8(u as Uint8Array)) : []))
      : [],
    ...(magnet instanceof Uint8Array ? { magnet: fromUtf8(magnet) } : {}),
    ...(typeof seedingMs === 'number' && seedingMs >= 0 ? { seedingMs } : {}),
    ...(settings ? { settings } : {}),
  };
}
