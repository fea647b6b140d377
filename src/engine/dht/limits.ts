/**
 * Every limit of the DHT (BEP 5) in one place, with its default visible. The DHT takes packets
 * from anyone on the internet: these bound memory, CPU and the traffic we send on their behalf.
 */
export interface DhtLimits {
  /** Larger UDP datagrams are not KRPC we accept (libtorrent drops anything over 1500 bytes too). */
  maxPacketSize: number;
  /** Nodes per k-bucket (BEP 5: K = 8). */
  bucketSize: number;
  /** Most nodes in the routing table, all buckets together (160 buckets * K at most anyway). */
  maxTableNodes: number;
  /** Replacement candidates kept per bucket for when a good node goes bad. */
  replacementsPerBucket: number;
  /** A query unanswered after this long counts as a failure. */
  queryTimeoutMs: number;
  /** Failures in a row after which a node is bad (libtorrent: dht_max_fail_count = 20; we are stricter). */
  maxNodeFailures: number;
  /** A node heard from within this long is good (BEP 5: 15 minutes). */
  nodeGoodMs: number;
  /** A bucket untouched for this long is refreshed (BEP 5: 15 minutes). */
  bucketRefreshMs: number;
  /** Parallel queries in one lookup (BEP 5 / Kademlia: alpha = 3). */
  lookupAlpha: number;
  /** Closest responders a lookup ends with (and announces to). */
  lookupK: number;
  /** Most nodes one lookup ever queries, so a hostile DHT cannot make it run forever. */
  maxLookupQueries: number;
  /** A lookup still running after this long is finished with what it has. */
  lookupTimeoutMs: number;
  /** Active lookups are repeated this often (and announce again). */
  relookupIntervalMs: number;
  /** Inbound queries per source address (host:port) per second before we stop answering. */
  queriesPerSecondPerAddress: number;
  /** Burst allowance for the per-address query rate. */
  queryBurstPerAddress: number;
  /** Addresses tracked by the rate limiter; the oldest are forgotten beyond this. */
  maxRateLimitedAddresses: number;
  /** Our token secret rotates this often; a token is valid for two periods (BEP 5: 10 minutes total). */
  tokenRotateMs: number;
  /** Longest token we accept or echo. */
  maxTokenLength: number;
  /** Longest transaction id we echo. */
  maxTransactionIdLength: number;
  /** Peers stored per infohash from announce_peer. */
  maxPeersPerInfoHash: number;
  /** Infohashes we store peers for. */
  maxInfoHashes: number;
  /** A stored peer is forgotten after this long without a new announce (libtorrent: 30 minutes). */
  peerLifetimeMs: number;
  /** Most peers returned in one get_peers `values` (fits a 1500-byte packet). */
  maxValuesReturned: number;
  /** Most peers taken from one get_peers response we receive. */
  maxValuesAccepted: number;
  /** Most nodes taken from one `nodes` field we receive. */
  maxNodesAccepted: number;
  /** Outstanding queries of our own; beyond this, new ones wait for the next lookup round. */
  maxOutstandingQueries: number;
  /** Good nodes written by saveState. */
  maxSavedNodes: number;
  /** How often the table is maintained: stale buckets refreshed, questionable nodes pinged. */
  maintenanceIntervalMs: number;
  /** While the table has fewer than K nodes, bootstrap is tried again this often. */
  bootstrapRetryMs: number;
  /** Questionable nodes pinged per maintenance round. */
  pingsPerMaintenance: number;
}

export const DEFAULT_DHT_LIMITS: Readonly<DhtLimits> = Object.freeze({
  maxPacketSize: 1500,
  bucketSize: 8,
  maxTableNodes: 160 * 8,
  replacementsPerBucket: 8,
  queryTimeoutMs: 4_000,
  maxNodeFailures: 3,
  nodeGoodMs: 15 * 60_000,
  bucketRefreshMs: 15 * 60_000,
  lookupAlpha: 3,
  lookupK: 8,
  maxLookupQueries: 200,
  lookupTimeoutMs: 60_000,
  relookupIntervalMs: 5 * 60_000,
  queriesPerSecondPerAddress: 20,
  queryBurstPerAddress: 40,
  maxRateLimitedAddresses: 4096,
  tokenRotateMs: 5 * 60_000,
  maxTokenLength: 64,
  maxTransactionIdLength: 16,
  maxPeersPerInfoHash: 200,
  maxInfoHashes: 2000,
  peerLifetimeMs: 30 * 60_000,
  maxValuesReturned: 50,
  maxValuesAccepted: 500,
  maxNodesAccepted: 64,
  maxOutstandingQueries: 256,
  maxSavedNodes: 200,
  maintenanceIntervalMs: 60_000,
  bootstrapRetryMs: 15_000,
  pingsPerMaintenance: 8,
});

export function resolveDhtLimits(limits?: Partial<DhtLimits>): DhtLimits {
  return { ...DEFAULT_DHT_LIMITS, ...limits };
}
