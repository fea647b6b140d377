/**
 * Every web seed limit in one place, with its default visible. Callers pass a Partial to
 * override (tests shrink timeouts and backoff); resolveWebSeedLimits() fills the rest.
 */
import { TorrentError } from '../util/errors.js';

export interface WebSeedLimits {
  /** Bytes asked for in one run of blocks (a whole piece when pieces are this size or less). */
  maxRequestBytes: number;
  /** Runs being fetched at once from one web seed (small pieces need several to hide latency)... */
  maxRequestsInFlight: number;
  /** ...as long as their bytes stay under this (each run is held in memory until complete). */
  maxBytesInFlight: number;
  /** One run (all its ranged GETs) must finish within this, or it fails as a timeout. */
  requestTimeoutMs: number;
  /**
   * A server that ignores Range answers 200 with the whole file. We accept that (and slice) only
   * for files up to this size; a larger file is refused by the HTTP client before it is read.
   */
  maxWholeFileBytes: number;
  /** After a failed request wait base * 2^(failures-1), capped. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** This many failed requests in a row (each after a backoff) disable the web seed. */
  maxConsecutiveFailures: number;
  /** This many pieces with data from the web seed failing the hash check disable it. */
  maxHashFailures: number;
  /** With nothing to fetch (or the disk behind), look again this often. */
  idlePollMs: number;
}

export const DEFAULT_WEBSEED_LIMITS: Readonly<WebSeedLimits> = Object.freeze({
  maxRequestBytes: 4 * 1024 * 1024,
  maxRequestsInFlight: 8,
  maxBytesInFlight: 16 * 1024 * 1024,
  requestTimeoutMs: 30_000,
  maxWholeFileBytes: 8 * 1024 * 1024,
  backoffBaseMs: 2_000,
  backoffMaxMs: 5 * 60_000,
  maxConsecutiveFailures: 6,
  maxHashFailures: 3,
  idlePollMs: 1_000,
});

/** Defaults filled in; a limit that is not a positive number is a caller's bug, reported by name. */
export function resolveWebSeedLimits(limits?: Partial<WebSeedLimits>): WebSeedLimits {
  const resolved = { ...DEFAULT_WEBSEED_LIMITS, ...limits };
  for (const [name, value] of Object.entries(resolved)) {
    if (!(typeof value === 'number' && value > 0 && value <= Number.MAX_SAFE_INTEGER)) {
      throw new TorrentError('internal', `web seed limit ${name} must be a positive number, not ${String(value)}`);
    }
  }
  return resolved;
}
