/**
 * The extension's own preferences (options page): transfer limits the engine applies, and how
 * the extension behaves in the browser (interception, notifications, badge, theme). Stored by the
 * service worker in chrome.storage.local (preferences-control.ts); validation lives here, in one
 * place, with a message per field. Pure: no chrome.*, testable in Node.
 *
 * Adding an engine setting: a field in `TransferSettings`, a check in `FIELD_CHECKS`, its
 * mapping in `clientTransferOptions`; the options page renders a number field per entry of
 * `TRANSFER_FIELDS` (and a choice per `SEED_GOAL_ACTIONS`).
 */
import type { SeedGoalAction } from '../engine/policy/seed-goals.js';
import { AltSpeedSchedule, parseAltSchedule } from '../engine/policy/alt-speed.js';
import type { ClientOptions } from '../engine/session/types.js';

export type BadgeMode = 'active' | 'off';
export const BADGE_MODES: readonly BadgeMode[] = ['active', 'off'];
export type ThemeSetting = 'system' | 'light' | 'dark';
export const THEME_SETTINGS: readonly ThemeSetting[] = ['system', 'light', 'dark'];
export const SEED_GOAL_ACTIONS: readonly SeedGoalAction[] = ['pause', 'remove'];

/** What the engine applies. Rates in KiB/s as users type them; 0 = unlimited. */
export interface TransferSettings {
  downloadLimitKiB: number;
  uploadLimitKiB: number;
  /** Connected peers per torrent (the engine's `maxPeersPerTorrent`). */
  maxPeersPerTorrent: number;
  /** Stop seeding at this upload ratio (null: no ratio goal). */
  seedRatioLimit: number | null;
  /** Stop seeding after this many minutes of seeding (null: no time goal). */
  seedTimeMinutes: number | null;
  /** What a reached goal does: pause, or remove the torrent keeping its data. */
  seedGoalAction: SeedGoalAction;
  /** Downloading torrents at once (0: no limit); the rest wait as `queued`. */
  maxActiveDownloads: number;
  /** Seeding torrents at once (0: no limit). */
  maxActiveSeeds: number;
  /** Peer connections across every torrent (the engine's `maxConnections`). */
  maxConnections: number;
  /** Alternative ("turtle") limits in KiB/s (0 = unlimited), while the schedule or the dashboard's switch says so. */
  altDownloadLimitKiB: number;
  altUploadLimitKiB: number;
  /** When they apply by themselves: `DAYS HH:MM-HH:MM` (policy/alt-speed.ts), '' for no schedule. */
  altSchedule: string;
}

export interface Preferences extends TransferSettings {
  /** Offer TorrentEdge as the browser's magnet: handler (the user confirms once in the browser). */
  interceptMagnets: boolean;
  /** .torrent downloads are added to TorrentEdge instead of being saved. */
  interceptTorrentDownloads: boolean;
  /** A notification when a torrent finishes downloading. */
  notifications: boolean;
  badge: BadgeMode;
  theme: ThemeSetting;
}

export type PreferenceField = keyof Preferences;

export const PREFERENCE_LIMITS = {
  /** 10 GiB/s in KiB/s: anything above is a typo. */
  maxRateKiB: 10 * 1024 * 1024,
  minPeersPerTorrent: 1,
  maxPeersPerTorrent: 500,
  /** A ratio past this is a typo; two decimals are kept. */
  maxSeedRatio: 10_000,
  /** Ten years of seeding, in minutes. */
  maxSeedMinutes: 10 * 365 * 24 * 60,
  maxActiveTorrents: 1_000,
  minConnections: 1,
  maxConnections: 10_000,
} as const;

export const DEFAULT_PREFERENCES: Preferences = {
  downloadLimitKiB: 0,
  uploadLimitKiB: 0,
  maxPeersPerTorrent: 50,
  seedRatioLimit: null,
  seedTimeMinutes: null,
  seedGoalAction: 'pause',
  /** The engine's defaults (DEFAULT_QUEUE_LIMITS, maxConnections). */
  maxActiveDownloads: 3,
  maxActiveSeeds: 5,
  maxConnections: 200,
  /** Transmission's turtle defaults. */
  altDownloadLimitKiB: 50,
  altUploadLimitKiB: 50,
  altSchedule: '',
  /** Off until the user registers the handler from the options page (the browser asks them once). */
  interceptMagnets: false,
  interceptTorrentDownloads: true,
  notifications: true,
  badge: 'active',
  theme: 'system',
};

/** The transfer fields the options page shows, in order (labels and hints live in _locales). */
export const TRANSFER_FIELDS = [
  'downloadLimitKiB',
  'uploadLimitKiB',
  'maxPeersPerTorrent',
  'maxConnections',
  'maxActiveDownloads',
  'maxActiveSeeds',
  'seedRatioLimit',
  'seedTimeMinutes',
  'altDownloadLimitKiB',
  'altUploadLimitKiB',
  'altSchedule',
] as const satisfies readonly (keyof TransferSettings)[];

type Check = (value: unknown) => { ok: true; value: unknown } | { ok: false; error: string };

function wholeNumber(value: unknown): number | null {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  if (!/^\d{1,12}$/.test(text)) return null;
  return Number(text);
}

const rate = (what: string): Check => (value) => {
  const n = wholeNumber(value);
  if (n === null || n > PREFERENCE_LIMITS.maxRateKiB) {
    return { ok: false, error: `The ${what} limit must be a whole number of KiB/s from 0 (unlimited) to ${PREFERENCE_LIMITS.maxRateKiB}.` };
  }
  return { ok: true, value: n };
};

/** A whole number from min to max, or an error naming the field. */
const count = (what: string, min: number, max: number, zero = ''): Check => (value) => {
  const n = wholeNumber(value);
  if (n === null || n < min || n > max) return { ok: false, error: `${what} must be a whole number from ${min}${zero} to ${max}.` };
  return { ok: true, value: n };
};

/** Empty (or null) turns the goal off. */
function isOff(value: unknown): boolean {
  return value === null || (typeof value === 'string' && value.trim() === '');
}

const seedRatio: Check = (value) => {
  if (isOff(value)) return { ok: true, value: null };
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  const max = PREFERENCE_LIMITS.maxSeedRatio;
  if (!/^\d{1,6}(\.\d{1,2})?$/.test(text) || Number(text) > max) {
    return { ok: false, error: `The seeding ratio must be a number from 0 to ${max} with at most two decimals, or empty for no ratio goal.` };
  }
  return { ok: true, value: Number(text) };
};

const seedMinutes: Check = (value) => {
  if (isOff(value)) return { ok: true, value: null };
  const n = wholeNumber(value);
  const max = PREFERENCE_LIMITS.maxSeedMinutes;
  if (n === null || n > max) return { ok: false, error: `The seeding time must be a whole number of minutes from 0 to ${max}, or empty for no time goal.` };
  return { ok: true, value: n };
};

const altSchedule: Check = (value) => {
  if (isOff(value)) return { ok: true, value: '' };
  if (typeof value !== 'string' || value.length > 100) return { ok: false, error: 'The schedule must be text like "mon-fri 08:00-18:00", or empty for none.' };
  try {
    parseAltSchedule(value);
  } catch (error) {
    return { ok: false, error: `${(error as Error).message.replace(/^./, (c) => c.toUpperCase())}.` };
  }
  return { ok: true, value: value.trim().toLowerCase().replace(/\s+/g, ' ') };
};

const bool = (what: string): Check => (value) => (typeof value === 'boolean' ? { ok: true, value } : { ok: false, error: `${what} must be on or off.` });

const oneOf = <T extends string>(what: string, values: readonly T[]): Check => (value) =>
  typeof value === 'string' && (values as readonly string[]).includes(value)
    ? { ok: true, value }
    : { ok: false, error: `${what} must be one of: ${values.join(', ')}.` };

const FIELD_CHECKS: Record<PreferenceField, Check> = {
  downloadLimitKiB: rate('download'),
  uploadLimitKiB: rate('upload'),
  maxPeersPerTorrent: count('Connections per torrent', PREFERENCE_LIMITS.minPeersPerTorrent, PREFERENCE_LIMITS.maxPeersPerTorrent),
  seedRatioLimit: seedRatio,
  seedTimeMinutes: seedMinutes,
  seedGoalAction: oneOf('The action at a seeding goal', SEED_GOAL_ACTIONS),
  maxActiveDownloads: count('Active downloads', 0, PREFERENCE_LIMITS.maxActiveTorrents, ' (no limit)'),
  maxActiveSeeds: count('Active seeds', 0, PREFERENCE_LIMITS.maxActiveTorrents, ' (no limit)'),
  maxConnections: count('The global connection limit', PREFERENCE_LIMITS.minConnections, PREFERENCE_LIMITS.maxConnections),
  altDownloadLimitKiB: rate('alternative download'),
  altUploadLimitKiB: rate('alternative upload'),
  altSchedule,
  interceptMagnets: bool('Magnet link handling'),
  interceptTorrentDownloads: bool('.torrent download handling'),
  notifications: bool('Notifications'),
  badge: oneOf('The badge', BADGE_MODES),
  theme: oneOf('The theme', THEME_SETTINGS),
};

export type PreferencesValidation =
  | { ok: true; preferences: Preferences }
  | { ok: false; errors: Partial<Record<PreferenceField, string>> };

/** Checks every field given; a field left out keeps its value from `base`; unknown keys are refused. */
export function validatePreferences(input: unknown, base: Preferences = DEFAULT_PREFERENCES): PreferencesValidation {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return { ok: false, errors: { theme: 'Preferences must be an object.' } };
  const out: Preferences = { ...base };
  const errors: Partial<Record<PreferenceField, string>> = {};
  for (const [key, value] of Object.entries(input as Record<string, unknown>)) {
    if (value === undefined) continue;
    if (!(key in FIELD_CHECKS)) return { ok: false, errors: { theme: `Unknown preference "${key.slice(0, 40)}".` } };
    const field = key as PreferenceField;
    const checked = FIELD_CHECKS[field](value);
    if (checked.ok) (out as unknown as Record<string, unknown>)[field] = checked.value;
    else errors[field] = checked.error;
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, preferences: out };
}

/** A stored value read back: anything unreadable falls back to the default, field by field. */
export function readStoredPreferences(stored: unknown): Preferences {
  const out: Preferences = { ...DEFAULT_PREFERENCES };
  if (!stored || typeof stored !== 'object') return out;
  for (const field of Object.keys(DEFAULT_PREFERENCES) as PreferenceField[]) {
    const checked = FIELD_CHECKS[field]((stored as Record<string, unknown>)[field]);
    if (checked.ok) (out as unknown as Record<string, unknown>)[field] = checked.value;
  }
  return out;
}

export function transferOf(p: Preferences): TransferSettings {
  return {
    downloadLimitKiB: p.downloadLimitKiB,
    uploadLimitKiB: p.uploadLimitKiB,
    maxPeersPerTorrent: p.maxPeersPerTorrent,
    seedRatioLimit: p.seedRatioLimit,
    seedTimeMinutes: p.seedTimeMinutes,
    seedGoalAction: p.seedGoalAction,
    maxActiveDownloads: p.maxActiveDownloads,
    maxActiveSeeds: p.maxActiveSeeds,
    maxConnections: p.maxConnections,
    altDownloadLimitKiB: p.altDownloadLimitKiB,
    altUploadLimitKiB: p.altUploadLimitKiB,
    altSchedule: p.altSchedule,
  };
}

export type ClientTransferOptions = Required<
  Pick<ClientOptions, 'downloadLimit' | 'uploadLimit' | 'maxPeersPerTorrent' | 'seedGoals' | 'seedGoalAction' | 'maxConnections'>
> & { queue: { maxActiveDownloads: number; maxActiveSeeds: number }; altSpeed: AltSpeedSchedule };

/**
 * The engine's options for these settings: limits in bytes/s (0 = unlimited), goals in
 * milliseconds (a goal left out is off), queue limits with 0 as Infinity (no limit).
 */
export function clientTransferOptions(t: TransferSettings): ClientTransferOptions {
  const seedGoals: { ratio?: number; timeMs?: number } = {};
  if (t.seedRatioLimit !== null) seedGoals.ratio = t.seedRatioLimit;
  if (t.seedTimeMinutes !== null) seedGoals.timeMs = t.seedTimeMinutes * 60_000;
  const unlimitedAtZero = (n: number): number => (n === 0 ? Infinity : n);
  return {
    downloadLimit: t.downloadLimitKiB * 1024,
    uploadLimit: t.uploadLimitKiB * 1024,
    maxPeersPerTorrent: t.maxPeersPerTorrent,
    seedGoals,
    seedGoalAction: t.seedGoalAction,
    queue: { maxActiveDownloads: unlimitedAtZero(t.maxActiveDownloads), maxActiveSeeds: unlimitedAtZero(t.maxActiveSeeds) },
    maxConnections: t.maxConnections,
    altSpeed: altSpeedOf(t),
  };
}

/** The alternative speeds for these settings (always there: the dashboard's switch needs them). */
export function altSpeedOf(t: TransferSettings): AltSpeedSchedule {
  return new AltSpeedSchedule({ download: t.altDownloadLimitKiB * 1024, upload: t.altUploadLimitKiB * 1024, ...(t.altSchedule ? parseAltSchedule(t.altSchedule) : {}) });
}

/** True when the alternative speeds differ between `a` and `b`. */
export function altSpeedChanged(a: TransferSettings, b: TransferSettings): boolean {
  return a.altDownloadLimitKiB !== b.altDownloadLimitKiB || a.altUploadLimitKiB !== b.altUploadLimitKiB || a.altSchedule !== b.altSchedule;
}

/**
 * True when going from `a` to `b` needs a new Client: the engine takes the per-torrent peer cap
 * only at creation; limits, goals, queue and the global connection cap have live setters.
 */
export function transferNeedsRestart(a: TransferSettings, b: TransferSettings): boolean {
  return a.maxPeersPerTorrent !== b.maxPeersPerTorrent;
}
