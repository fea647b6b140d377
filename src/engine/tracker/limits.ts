/**
 * Every tracker limit in one place, with its default visible. Callers pass a Partial to
 * override (tests shrink timeouts and intervals); resolveTrackerLimits() fills the rest.
 */
export interface TrackerLimits {
  /** Largest HTTP tracker response body we read. A 1000-peer dict response is ~70 KiB. */
  maxResponseBytes: number;
  /** Peers kept from one response; the rest are dropped unparsed. */
  maxPeersPerResponse: number;
  /** Longest failure/warning text we keep, so a hostile tracker cannot flood the UI. */
  maxMessageLength: number;
  /** The tracker's `interval` is clamped to [minIntervalSec, maxIntervalSec]. */
  minIntervalSec: number;
  maxIntervalSec: number;
  /** Used when a response has no valid `interval`. */
  defaultIntervalSec: number;
  /** Peers asked for when the caller says nothing. */
  defaultNumWant: number;
  /** Retry delay after a tier fails: base * 2^(failures-1), with jitter, capped. */
  retryBaseSec: number;
  retryMaxSec: number;
  /** HTTP announce/scrape timeout. */
  httpTimeoutMs: number;
  /** BEP 15: wait base * 2^n before retransmitting try n. The BEP uses 15 s. */
  udpBaseTimeoutMs: number;
  /** BEP 15 allows n up to 8 (over an hour); we give up sooner and let the announcer back off. */
  udpMaxTries: number;
  /** BEP 15: a connection id may be used for one minute after it was received. */
  udpConnectionIdLifetimeMs: number;
  /** How long stop() waits for `stopped` announces when the caller gives no bound. */
  stopTimeoutMs: number;
}

export const defaultTrackerLimits: Readonly<TrackerLimits> = Object.freeze({
  maxResponseBytes: 2 * 1024 * 1024,
  maxPeersPerResponse: 1000,
  maxMessageLength: 1024,
  minIntervalSec: 30,
  maxIntervalSec: 3600,
  defaultIntervalSec: 1800,
  defaultNumWant: 50,
  retryBaseSec: 15,
  retryMaxSec: 30 * 60,
  httpTimeoutMs: 15_000,
  udpBaseTimeoutMs: 15_000,
  udpMaxTries: 3,
  udpConnectionIdLifetimeMs: 60_000,
  stopTimeoutMs: 5_000,
});

export function resolveTrackerLimits(overrides?: Partial<TrackerLimits>): TrackerLimits {
  return { ...defaultTrackerLimits, ...overrides };
}
