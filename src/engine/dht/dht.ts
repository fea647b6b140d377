/**
 * The Mainline DHT node (BEP 5): one routing table, our outstanding queries, the query server,
 * and the lookups the client asked for. It owns no socket: the client hands it every datagram
 * that starts with 'd' (`handlePacket`) and gives it a `send` function on the same UDP socket.
 */
import type { Endpoint } from '../../platform/interfaces/index.js';
import type { PeerDiscovery } from '../peer/transport.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import type { Random } from '../util/random.js';
import { parseIPv4, parseIPv6 } from './compact.js';
import { parseKrpc, type QueryArgs, type QueryMethod } from './krpc.js';
import { resolveDhtLimits, type DhtLimits } from './limits.js';
import { Lookup, type LookupResponder } from './lookup.js';
import { ID_LENGTH, isId, randomIdInBucket } from './node-id.js';
import { PeerStore } from './peer-store.js';
import { QueryServer } from './query-server.js';
import { QueryRateLimiter } from './rate-limit.js';
import { RoutingTable } from './routing-table.js';
import { Rpc, type ReplyHandler } from './rpc.js';
import { decodeDhtState, encodeDhtState } from './state.js';
import { TokenIssuer } from './tokens.js';

export interface DhtOptions {
  send(data: Uint8Array, to: Endpoint): void;
  clock: Clock;
  random: Random;
  randomBytes(n: number): Uint8Array;
  /** Our node id; by default the saved one, else random. */
  nodeId?: Uint8Array;
  /** Where to join the DHT (host names are fine: the platform resolves them). */
  bootstrap: Endpoint[];
  limits?: Partial<DhtLimits>;
  /** What `saveState()` returned last time. A damaged state is ignored. */
  savedState?: Uint8Array;
  /** Whether `send` can reach IPv6 addresses (BEP 32 nodes6); off for an IPv4 socket. */
  ipv6?: boolean;
}

export interface DhtStats {
  /** Nodes in the routing table. */
  nodes: number;
  goodNodes: number;
  buckets: number;
  /** Lookups the client has asked for and not cancelled. */
  activeLookups: number;
  /** Lookups (of every kind) run to the end. */
  completedLookups: number;
  queriesSent: number;
  queriesReceived: number;
  queriesRateLimited: number;
  outstandingQueries: number;
  storedInfoHashes: number;
  storedPeers: number;
}

interface ActiveLookup {
  infoHash: Uint8Array;
  announcePort?: number;
  onPeers(peers: Endpoint[]): void;
  current?: Lookup;
  timer?: TimerHandle;
}

export class Dht implements PeerDiscovery {
  readonly id: Uint8Array;
  private readonly limits: DhtLimits;
  private readonly table: RoutingTable;
  private readonly rpc: Rpc;
  private readonly server: QueryServer;
  private readonly peers: PeerStore;
  private readonly active = new Set<ActiveLookup>();
  private readonly running = new Set<Lookup>();
  private readonly savedNodes: Array<{ id: Uint8Array | null; endpoint: Endpoint }>;
  private maintenanceTimer: TimerHandle | undefined;
  private started = false;
  private completedLookups = 0;
  /** Backs off while the DHT cannot be joined (offline, unreachable bootstrap): it must cost nothing. */
  private bootstrapDelay: number;

  constructor(private readonly options: DhtOptions) {
    this.limits = resolveDhtLimits(options.limits);
    this.bootstrapDelay = this.limits.bootstrapRetryMs;
    const saved = options.savedState ? decodeDhtState(options.savedState, this.limits.maxSavedNodes) : null;
    this.id = isId(options.nodeId) ? options.nodeId.slice() : (saved?.id ?? options.randomBytes(ID_LENGTH).slice(0, ID_LENGTH));
    this.savedNodes = saved?.nodes ?? [];
    const { clock, random } = options;
    this.table = new RoutingTable(this.id, this.limits, clock);
    this.peers = new PeerStore(clock, random, this.limits);
    this.rpc = new Rpc({
      send: (data, to) => options.send(data, to),
      clock,
      randomBytes: options.randomBytes,
      timeoutMs: this.limits.queryTimeoutMs,
      maxOutstanding: this.limits.maxOutstandingQueries,
      onTimeout: (to) => this.table.failed(to),
    });
    this.server = new QueryServer({
      ownId: this.id,
      limits: this.limits,
      table: this.table,
      tokens: new TokenIssuer(clock, options.randomBytes, this.limits.tokenRotateMs),
      peers: this.peers,
      rateLimiter: new QueryRateLimiter(clock, this.limits.queriesPerSecondPerAddress, this.limits.queryBurstPerAddress, this.limits.maxRateLimitedAddresses),
      send: (data, to) => options.send(data, to),
    });
  }

  /** Joins the DHT: asks the saved and bootstrap nodes for nodes near our id, then runs lookups. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.bootstrap();
    for (const entry of this.active) this.runLookup(entry);
    this.scheduleMaintenance(this.limits.bootstrapRetryMs);
  }

  /** Leaves quietly: no more packets, timers cleared. Lookups resume if started again. */
  stop(): void {
    if (!this.started) return;
    this.started = false;
    if (this.maintenanceTimer !== undefined) this.options.clock.clearTimeout(this.maintenanceTimer);
    this.maintenanceTimer = undefined;
    for (const lookup of this.running) lookup.cancel();
    this.running.clear();
    for (const entry of this.active) this.clearLookupTimer(entry);
    this.rpc.clear();
  }

  /**
   * A datagram from the client's UDP socket. True when it was a well-formed KRPC message (taken
   * care of here); false for anything else, which is dropped. Never throws.
   */
  handlePacket(data: Uint8Array, from: Endpoint): boolean {
    const message = parseKrpc(data, this.limits);
    if (!message) return false;
    if (!this.started) return true;
    if (message.kind === 'query') {
      if (this.server.serve(message, from)) this.considerNode(message.id, message.readOnly, from);
    } else {
      this.rpc.handleReply(message, from);
    }
    return true;
  }

  /** PeerDiscovery: look `infoHash` up now and every `relookupIntervalMs` until cancelled. */
  lookup(infoHash: Uint8Array, options: { announcePort?: number; onPeers(peers: Endpoint[]): void }): () => void {
    const entry: ActiveLookup = { infoHash: infoHash.slice(), onPeers: options.onPeers };
    if (options.announcePort !== undefined) entry.announcePort = options.announcePort;
    this.active.add(entry);
    if (this.started) this.runLookup(entry);
    return () => {
      if (!this.active.delete(entry)) return;
      this.clearLookupTimer(entry);
      if (entry.current) {
        entry.current.cancel();
        this.running.delete(entry.current);
      }
    };
  }

  /** Node id and the good nodes we know, for `savedState` next time. */
  saveState(): Uint8Array {
    const nodes = this.table
      .nodes()
      .filter((n) => this.table.status(n) !== 'bad')
      .sort((a, b) => b.lastResponse - a.lastResponse)
      .slice(0, this.limits.maxSavedNodes)
      .map((n) => ({ id: n.id, endpoint: n.endpoint }));
    return encodeDhtState({ id: this.id, nodes });
  }

  stats(): DhtStats {
    const nodes = this.table.nodes();
    return {
      nodes: nodes.length,
      goodNodes: nodes.filter((n) => this.table.status(n) === 'good').length,
      buckets: this.table.bucketCount,
      activeLookups: this.active.size,
      completedLookups: this.completedLookups,
      queriesSent: this.rpc.sent,
      queriesReceived: this.server.received,
      queriesRateLimited: this.server.dropped,
      outstandingQueries: this.rpc.outstanding,
      storedInfoHashes: this.peers.infoHashCount,
      storedPeers: this.peers.peerCount,
    };
  }

  /** A query of ours; a response puts its sender in the routing table. */
  private query(to: Endpoint, method: QueryMethod, args: QueryArgs, onReply: ReplyHandler): boolean {
    if (!this.started || !isUsableEndpoint(to, this.options.ipv6 === true)) return false;
    return this.rpc.query(to, method, this.id, args, (response, from) => {
      if (response) this.table.heardFrom({ id: response.id, endpoint: from });
      onReply(response, from);
    });
  }

  /** A node queried us: if it would get a place in the table, ping it so it can earn one. */
  private considerNode(id: Uint8Array, readOnly: boolean, from: Endpoint): void {
    if (readOnly || this.table.get(from) || !this.table.hasRoomFor(id)) return;
    if (this.rpc.outstanding >= this.limits.maxOutstandingQueries / 2) return;
    this.query(from, 'ping', {}, () => undefined);
  }

  private seeds(target: Uint8Array): Array<{ id: Uint8Array | null; endpoint: Endpoint }> {
    const seeds: Array<{ id: Uint8Array | null; endpoint: Endpoint }> = this.table.closest(target, this.limits.lookupK * 2);
    // A thin table cannot guide a lookup alone: the bootstrap and saved nodes help it start.
    if (this.table.size < this.limits.bucketSize) {
      seeds.push(...this.savedNodes, ...this.options.bootstrap.map((endpoint) => ({ id: null, endpoint })));
    }
    return seeds;
  }

  private bootstrap(): void {
    this.runFindNode(this.id);
  }

  private runFindNode(target: Uint8Array): void {
    const lookup = new Lookup({
      target,
      ownId: this.id,
      clock: this.options.clock,
      limits: this.limits,
      seeds: this.seeds(target),
      query: (to, onReply) => this.query(to, 'find_node', { target }, onReply),
      onDone: () => this.lookupEnded(lookup),
    });
    this.startLookup(lookup);
  }

  private runLookup(entry: ActiveLookup): void {
    if (!this.started || (entry.current && !entry.current.done)) return;
    this.clearLookupTimer(entry);
    const infoHash = entry.infoHash;
    const lookup = new Lookup({
      target: infoHash,
      ownId: this.id,
      clock: this.options.clock,
      limits: this.limits,
      seeds: this.seeds(infoHash),
      query: (to, onReply) => this.query(to, 'get_peers', { info_hash: infoHash }, onReply),
      onPeers: (peers) => {
        if (!this.active.has(entry)) return;
        try {
          entry.onPeers(peers);
        } catch {
          // A listener's bug must not escape through handlePacket into the UDP socket's handler.
        }
      },
      onDone: (closest) => {
        this.lookupEnded(lookup);
        if (!this.active.has(entry) || !this.started) return;
        if (entry.announcePort !== undefined) this.announce(infoHash, entry.announcePort, closest);
        // A lookup that found no node at all (DHT not joined yet) is retried sooner.
        const delay = closest.length > 0 ? this.limits.relookupIntervalMs : Math.min(this.bootstrapDelay, this.limits.relookupIntervalMs);
        entry.timer = this.options.clock.setTimeout(() => this.runLookup(entry), delay);
      },
    });
    entry.current = lookup;
    this.startLookup(lookup);
  }

  /** BEP 5: announce_peer to the closest nodes that gave us a token. */
  private announce(infoHash: Uint8Array, port: number, closest: readonly LookupResponder[]): void {
    for (const node of closest) {
      if (!node.token) continue;
      this.query(node.endpoint, 'announce_peer', { info_hash: infoHash, port, implied_port: 0, token: node.token }, () => undefined);
    }
  }

  private startLookup(lookup: Lookup): void {
    this.running.add(lookup);
    lookup.start();
  }

  private lookupEnded(lookup: Lookup): void {
    this.running.delete(lookup);
    this.completedLookups++;
  }

  private clearLookupTimer(entry: ActiveLookup): void {
    if (entry.timer !== undefined) this.options.clock.clearTimeout(entry.timer);
    delete entry.timer;
  }

  private scheduleMaintenance(delay: number): void {
    this.maintenanceTimer = this.options.clock.setTimeout(() => this.maintain(), delay);
  }

  /** BEP 5 upkeep: rejoin while the table is thin, refresh stale buckets, ping questionable nodes. */
  private maintain(): void {
    if (!this.started) return;
    this.peers.sweep();
    const thin = this.table.size < this.limits.bucketSize;
    if (thin) this.bootstrap();
    this.bootstrapDelay = thin ? Math.min(this.bootstrapDelay * 2, this.limits.relookupIntervalMs) : this.limits.bootstrapRetryMs;
    for (const prefix of this.table.staleBuckets()) {
      this.table.touchBucket(prefix);
      this.runFindNode(randomIdInBucket(this.id, prefix, this.options.randomBytes));
    }
    let pings = 0;
    for (const node of this.table.nodes()) {
      if (pings >= this.limits.pingsPerMaintenance) break;
      if (this.table.status(node) !== 'questionable') continue;
      pings++;
      this.query(node.endpoint, 'ping', {}, () => undefined);
    }
    this.scheduleMaintenance(thin ? Math.min(this.bootstrapDelay, this.limits.maintenanceIntervalMs) : this.limits.maintenanceIntervalMs);
  }
}

/** Port 0 and unspecified addresses are never queried (a hostile `nodes` list can name them). */
function isUsableEndpoint(to: Endpoint, ipv6: boolean): boolean {
  if (!Number.isInteger(to.port) || to.port <= 0 || to.port > 0xffff) return false;
  const v4 = parseIPv4(to.host);
  if (v4) return v4[0] !== 0 && v4[0]! < 224; // not 0.0.0.0/8, multicast or reserved
  const v6 = parseIPv6(to.host);
  if (v6) return ipv6 && !v6.every((b) => b === 0);
  return to.host.length > 0; // a host name (bootstrap): the platform resolves it
}

/** The well-known public routers (host names; the platform resolves them). Unreachable ones cost nothing. */
export const DEFAULT_DHT_BOOTSTRAP: readonly Endpoint[] = Object.freeze([
  { host: 'router.bittorrent.com', port: 6881 },
  { host: 'dht.transmissionbt.com', port: 6881 },
  { host: 'router.utorrent.com', port: 6881 },
  { host: 'dht.libtorrent.org', port: 25401 },
]);

export function createDht(options: DhtOptions): Dht {
  return new Dht(options);
}
