/** Connection limits for one torrent's swarm; plain numbers with their defaults visible. */
export interface SwarmLimits {
  /** Connected peers at most (libtorrent's default per torrent is in this range). */
  maxPeers: number;
  /** Peers remembered (from trackers, PEX, DHT) at most. */
  maxCandidates: number;
  /** Dials in progress at once. */
  maxHalfOpen: number;
  connectTimeoutMs: number;
  /** A peer that failed this many dials in a row is forgotten. */
  maxConnectFailures: number;
  maxRetryDelayMs: number;
  /** Peers we upload to at once (tit-for-tat slots, optimistic one included); 0 = none, only allowed-fast pieces (BEP 6). */
  uploadSlots: number;
  /** BEP 6: pieces in the allowed-fast set we give each fast peer (its "k"; 0 = none). */
  allowedFastSetSize: number;
  /** BEP 6: ALLOWED_FAST pieces kept per peer from what it offers us; more are ignored. */
  maxAllowedFastPerPeer: number;
  /** BEP 6: SUGGEST_PIECE entries kept per peer; a new one pushes out the oldest. */
  maxSuggestedPerPeer: number;
}

export const DEFAULT_SWARM_LIMITS: SwarmLimits = Object.freeze({
  maxPeers: 50,
  maxCandidates: 2000,
  maxHalfOpen: 10,
  connectTimeoutMs: 10_000,
  maxConnectFailures: 5,
  maxRetryDelayMs: 300_000,
  uploadSlots: 8,
  allowedFastSetSize: 10,
  maxAllowedFastPerPeer: 32,
  maxSuggestedPerPeer: 16,
});
