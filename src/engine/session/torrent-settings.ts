/**
 * A torrent's own settings: rate limits, seeding goals (or the client's), super-seeding, its
 * connection cap and forced start. Checked here, in one place, with the limits as data; kept in
 * the resume record so a restart brings them back (see storage/resume-store.ts).
 */
import { checkSeedGoals, type SeedGoalAction, type SeedGoals } from '../policy/seed-goals.js';
import { TorrentError } from '../util/errors.js';
import type { AddTorrentOptions } from './types.js';

export const TORRENT_SETTINGS_LIMITS = {
  /** 10 GiB/s: anything above is a typo. */
  maxRate: 10 * 1024 * 1024 * 1024,
  minConnections: 1,
  maxConnections: 10_000,
} as const;

export interface TorrentSettings {
  /** Payload limits in bytes/s; 0 = none of its own (the client's still apply). */
  downloadLimit: number;
  uploadLimit: number;
  /** Its own seeding goals (an empty object: none); undefined = the client's. */
  seedGoals?: SeedGoals;
  /** What its own goal does; undefined = the client's action. */
  seedGoalAction?: SeedGoalAction;
  /** BEP 16 super-seeding. */
  superSeed: boolean;
  /** Connected peers at most; undefined = the client's per-torrent default. */
  maxConnections?: number;
  /** Runs past the queue's limits. */
  forced: boolean;
}

/** A change: fields left out stay; `seedGoals: null` / `maxConnections: null` go back to the client's. */
export interface TorrentSettingsChange {
  downloadLimit?: number;
  uploadLimit?: number;
  seedGoals?: SeedGoals | null;
  seedGoalAction?: SeedGoalAction | null;
  superSeed?: boolean;
  maxConnections?: number | null;
  forced?: boolean;
}

export function settingsFromOptions(options: AddTorrentOptions): TorrentSettings {
  return applySettingsChange(
    { downloadLimit: 0, uploadLimit: 0, superSeed: false, forced: false },
    {
      ...(options.downloadLimit !== undefined ? { downloadLimit: options.downloadLimit } : {}),
      ...(options.uploadLimit !== undefined ? { uploadLimit: options.uploadLimit } : {}),
      ...(options.seedGoals !== undefined ? { seedGoals: options.seedGoals } : {}),
      ...(options.seedGoalAction !== undefined ? { seedGoalAction: options.seedGoalAction } : {}),
      ...(options.superSeed !== undefined ? { superSeed: options.superSeed } : {}),
      ...(options.maxConnections !== undefined ? { maxConnections: options.maxConnections } : {}),
      ...(options.forceStart !== undefined ? { forced: options.forceStart } : {}),
    },
  );
}

/** The options a saved torrent comes back with: what the caller says wins over what was saved. */
export function optionsWithSaved(options: AddTorrentOptions, saved: TorrentSettings | undefined): AddTorrentOptions {
  if (!saved) return options;
  return {
    downloadLimit: saved.downloadLimit,
    uploadLimit: saved.uploadLimit,
    ...(saved.seedGoals !== undefined ? { seedGoals: saved.seedGoals } : {}),
    ...(saved.seedGoalAction !== undefined ? { seedGoalAction: saved.seedGoalAction } : {}),
    superSeed: saved.superSeed,
    ...(saved.maxConnections !== undefined ? { maxConnections: saved.maxConnections } : {}),
    forceStart: saved.forced,
    ...definedOnly(options),
  } as AddTorrentOptions;
}

/** A new settings object with `change` applied; a bad value throws a usage error naming it. */
export function applySettingsChange(current: TorrentSettings, change: TorrentSettingsChange): TorrentSettings {
  const next: TorrentSettings = { ...current };
  if (change.downloadLimit !== undefined) next.downloadLimit = checkRate(change.downloadLimit, 'download');
  if (change.uploadLimit !== undefined) next.uploadLimit = checkRate(change.uploadLimit, 'upload');
  if (change.seedGoals === null) delete next.seedGoals;
  else if (change.seedGoals !== undefined) next.seedGoals = { ...checkSeedGoals(change.seedGoals) };
  if (change.seedGoalAction === null) delete next.seedGoalAction;
  else if (change.seedGoalAction !== undefined) {
    if (change.seedGoalAction !== 'pause' && change.seedGoalAction !== 'remove') throw new TorrentError('usage', `a seeding goal action is pause or remove, got ${String(change.seedGoalAction)}`);
    next.seedGoalAction = change.seedGoalAction;
  }
  if (change.superSeed !== undefined) next.superSeed = checkBool(change.superSeed, 'super-seeding');
  if (change.maxConnections === null) delete next.maxConnections;
  else if (change.maxConnections !== undefined) next.maxConnections = checkConnections(change.maxConnections);
  if (change.forced !== undefined) next.forced = checkBool(change.forced, 'forced start');
  return next;
}

function checkRate(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > TORRENT_SETTINGS_LIMITS.maxRate) {
    throw new TorrentError('usage', `the torrent's ${what} limit must be a number of bytes/s from 0 (none) to ${TORRENT_SETTINGS_LIMITS.maxRate}, got ${String(value)}`);
  }
  return Math.round(value);
}

function checkConnections(value: unknown): number {
  const { minConnections: min, maxConnections: max } = TORRENT_SETTINGS_LIMITS;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new TorrentError('usage', `the torrent's connection limit must be a whole number from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}

function checkBool(value: unknown, what: string): boolean {
  if (typeof value !== 'boolean') throw new TorrentError('usage', `${what} must be on or off, got ${String(value)}`);
  return value;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
