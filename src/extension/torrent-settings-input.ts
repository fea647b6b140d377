/**
 * A torrent's own settings as the dashboard's details pane types them (KiB/s, minutes, text),
 * checked here with a message per field and turned into the engine's change
 * (engine/session/torrent-settings.ts checks the numbers again). Pure: testable in Node.
 */
import { TORRENT_SETTINGS_LIMITS, type TorrentSettingsChange } from '../engine/session/torrent-settings.js';
import type { SeedGoals } from '../engine/policy/seed-goals.js';

export interface TorrentSettingsInput {
  /** 0: none of its own (the global limit still applies). */
  downloadLimitKiB?: unknown;
  uploadLimitKiB?: unknown;
  /** true: the global seeding goals; false: its own (`seedRatio`, `seedTimeMinutes`). */
  useGlobalGoals?: unknown;
  /** Empty: no ratio goal of its own. */
  seedRatio?: unknown;
  /** Empty: no time goal of its own. */
  seedTimeMinutes?: unknown;
  superSeed?: unknown;
  /** Empty: the global per-torrent connection limit. */
  maxConnections?: unknown;
}

export type TorrentSettingsField = keyof TorrentSettingsInput;

export const TORRENT_INPUT_LIMITS = {
  maxRateKiB: Math.floor(TORRENT_SETTINGS_LIMITS.maxRate / 1024),
  maxSeedRatio: 10_000,
  /** Ten years, in minutes. */
  maxSeedMinutes: 10 * 365 * 24 * 60,
} as const;

const FIELDS: readonly TorrentSettingsField[] = ['downloadLimitKiB', 'uploadLimitKiB', 'useGlobalGoals', 'seedRatio', 'seedTimeMinutes', 'superSeed', 'maxConnections'];

export type TorrentSettingsValidation =
  | { ok: true; change: TorrentSettingsChange }
  | { ok: false; errors: Partial<Record<TorrentSettingsField, string>> };

function text(value: unknown): string {
  return typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '\u0000';
}

function whole(value: unknown, max: number): number | null {
  const t = text(value);
  if (!/^\d{1,12}$/.test(t)) return null;
  const n = Number(t);
  return n <= max ? n : null;
}

/** Checks every field given; unknown keys are refused. */
export function parseTorrentSettingsInput(input: unknown): TorrentSettingsValidation {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return { ok: false, errors: { downloadLimitKiB: 'Settings must be an object.' } };
  const given = input as Record<string, unknown>;
  const errors: Partial<Record<TorrentSettingsField, string>> = {};
  const change: TorrentSettingsChange = {};
  for (const key of Object.keys(given)) {
    if (!(FIELDS as readonly string[]).includes(key)) return { ok: false, errors: { downloadLimitKiB: `Unknown setting "${key.slice(0, 40)}".` } };
  }
  const { maxRateKiB, maxSeedRatio, maxSeedMinutes } = TORRENT_INPUT_LIMITS;
  for (const [field, target] of [
    ['downloadLimitKiB', 'downloadLimit'],
    ['uploadLimitKiB', 'uploadLimit'],
  ] as const) {
    if (given[field] === undefined) continue;
    const n = whole(given[field], maxRateKiB);
    if (n === null) errors[field] = `The ${target === 'downloadLimit' ? 'download' : 'upload'} limit must be a whole number of KiB/s from 0 (none of its own) to ${maxRateKiB}.`;
    else change[target] = n * 1024;
  }
  if (given.useGlobalGoals !== undefined) {
    if (typeof given.useGlobalGoals !== 'boolean') errors.useGlobalGoals = 'Use the global seeding goals must be on or off.';
    else if (given.useGlobalGoals) change.seedGoals = null;
    else {
      const goals: SeedGoals = {};
      const ratio = text(given.seedRatio ?? '');
      if (ratio !== '') {
        if (!/^\d{1,6}(\.\d{1,2})?$/.test(ratio) || Number(ratio) > maxSeedRatio) errors.seedRatio = `The ratio must be a number from 0 to ${maxSeedRatio} with at most two decimals, or empty for none.`;
        else goals.ratio = Number(ratio);
      }
      const minutes = text(given.seedTimeMinutes ?? '');
      if (minutes !== '') {
        const n = whole(minutes, maxSeedMinutes);
        if (n === null) errors.seedTimeMinutes = `The seeding time must be a whole number of minutes from 0 to ${maxSeedMinutes}, or empty for none.`;
        else goals.timeMs = n * 60_000;
      }
      change.seedGoals = goals;
    }
  } else if (given.seedRatio !== undefined || given.seedTimeMinutes !== undefined) {
    errors.useGlobalGoals = 'Say whether the global seeding goals apply (useGlobalGoals) with the goals.';
  }
  if (given.superSeed !== undefined) {
    if (typeof given.superSeed !== 'boolean') errors.superSeed = 'Super-seeding must be on or off.';
    else change.superSeed = given.superSeed;
  }
  if (given.maxConnections !== undefined) {
    const t = text(given.maxConnections);
    const { minConnections: min, maxConnections: max } = TORRENT_SETTINGS_LIMITS;
    if (t === '') change.maxConnections = null;
    else {
      const n = whole(t, max);
      if (n === null || n < min) errors.maxConnections = `The connection limit must be a whole number from ${min} to ${max}, or empty for the global one.`;
      else change.maxConnections = n;
    }
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, change };
}
