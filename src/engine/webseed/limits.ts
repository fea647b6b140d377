/**
 * Every web seed limit in one place, with its default visible. Callers pass a Partial to
 * override (tests shrink timeouts and backoff); resolveWebSeedLimits() fills the rest.
 */
export interface WebSeedLimits {
  /** Bytes asked for in one run of blocks (a whole piece when pieces are this size or less). */
  maxRequestBytes: number;
  /** Runs being fetched at once from one web seed. */
  maxRequestsInFlight: number;
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
  maxRequestsInFlight: 4,
  requestTimeoutMs: 30_000,
  maxWholeFileBytes: 8 * 1024 * 1024,
  backoffBaseMs: 2_000,
  backoffMaxMs: 5 * 60_000,
  maxConsecutiveFailures: 6,
  maxHashFailures: 3,
  idlePollMs: 1_000,
});

export function resolveWebSeedLimits(limits?: Partial<WebSeedLimits>): WebSeedLimits {
  return { ...DEFAULT_WEBSEED_LIMITS, ...limits };
}
