/**
 * The extension's own preferences (options page): transfer limits the engine applies, and how
 * the extension behaves in the browser (interception, notifications, badge, theme). Stored by the
 * service worker in chrome.storage.local (preferences-control.ts); validation lives here, in one
 * place, with a message per field. Pure: no chrome.*, testable in Node.
 *
 * Extension point: seeding goals (stop at a ratio / after a time), queueing and per-torrent limits
 * are being added to the engine (`ClientOptions`) separately. When they land, add their fields to
 * `TransferSettings`, a check to `FIELD_CHECKS`, and map them in `clientTransferOptions`; the
 * options page renders a field per entry of `TRANSFER_FIELDS`.
 */
import type { ClientOptions } from '../engine/session/types.js';

export type BadgeMode = 'active' | 'off';
export const BADGE_MODES: readonly BadgeMode[] = ['active', 'off'];
export type ThemeSetting = 'system' | 'light' | 'dark';
export const THEME_SETTINGS: readonly ThemeSetting[] = ['system', 'light', 'dark'];

/** What the engine applies. Rates in KiB/s as users type them; 0 = unlimited. */
export interface TransferSettings {
  downloadLimitKiB: number;
  uploadLimitKiB: number;
  /** Connected peers per torrent (the engine's `maxPeersPerTorrent`). */
  maxPeersPerTorrent: number;
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
} as const;

export const DEFAULT_PREFERENCES: Preferences = {
  downloadLimitKiB: 0,
  uploadLimitKiB: 0,
  maxPeersPerTorrent: 50,
  /** Off until the user registers the handler from the options page (the browser asks them once). */
  interceptMagnets: false,
  interceptTorrentDownloads: true,
  notifications: true,
  badge: 'active',
  theme: 'system',
};

/** The transfer fields the options page shows, in order (labels and hints live in _locales). */
export const TRANSFER_FIELDS: readonly (keyof TransferSettings)[] = ['downloadLimitKiB', 'uploadLimitKiB', 'maxPeersPerTorrent'];

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

const bool = (what: string): Check => (value) => (typeof value === 'boolean' ? { ok: true, value } : { ok: false, error: `${what} must be on or off.` });

const oneOf = <T extends string>(what: string, values: readonly T[]): Check => (value) =>
  typeof value === 'string' && (values as readonly string[]).includes(value)
    ? { ok: true, value }
    : { ok: false, error: `${what} must be one of: ${values.join(', ')}.` };

const FIELD_CHECKS: Record<PreferenceField, Check> = {
  downloadLimitKiB: rate('download'),
  uploadLimitKiB: rate('upload'),
  maxPeersPerTorrent: (value) => {
    const n = wholeNumber(value);
    const { minPeersPerTorrent: min, maxPeersPerTorrent: max } = PREFERENCE_LIMITS;
    if (n === null || n < min || n > max) return { ok: false, error: `Connections per torrent must be a whole number from ${min} to ${max}.` };
    return { ok: true, value: n };
  },
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
  return { downloadLimitKiB: p.downloadLimitKiB, uploadLimitKiB: p.uploadLimitKiB, maxPeersPerTorrent: p.maxPeersPerTorrent };
}

/** The engine's options for these settings: limits in bytes/s (0 = unlimited). */
export function clientTransferOptions(t: TransferSettings): Pick<ClientOptions, 'downloadLimit' | 'uploadLimit' | 'maxPeersPerTorrent'> {
  return { downloadLimit: t.downloadLimitKiB * 1024, uploadLimit: t.uploadLimitKiB * 1024, maxPeersPerTorrent: t.maxPeersPerTorrent };
}

/** True when going from `a` to `b` needs a new Client (the engine takes the peer cap only at creation). */
export function transferNeedsRestart(a: TransferSettings, b: TransferSettings): boolean {
  return a.maxPeersPerTorrent !== b.maxPeersPerTorrent;
}
