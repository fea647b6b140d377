/**
 * One iterative lookup (BEP 5, Kademlia): ask the closest known nodes for `target`, alpha at a
 * time, learn closer nodes from their answers, and stop when the K closest have all answered (or
 * failed). For get_peers, every `values` list found on the way is passed on, and the closest
 * responders' tokens are kept for announce_peer.
 */
import type { Endpoint } from '../../platform/interfaces/index.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import { endpointKey, type NodeInfo } from './compact.js';
import type { KrpcResponse } from './krpc.js';
import type { DhtLimits } from './limits.js';
import { compareDistance, commonPrefixBits, ID_BITS } from './node-id.js';

type State = 'new' | 'asked' | 'answered' | 'failed';

interface Candidate {
  /** Unknown for bootstrap nodes until they answer. */
  id: Uint8Array | null;
  endpoint: Endpoint;
  state: State;
  token?: Uint8Array;
}

export interface LookupResponder {
  id: Uint8Array;
  endpoint: Endpoint;
  token?: Uint8Array;
}

export interface LookupOptions {
  target: Uint8Array;
  ownId: Uint8Array;
  limits: DhtLimits;
  /** A lookup that stalls (nodes that never answer, a full query table) ends at `lookupTimeoutMs`. */
  clock: Clock;
  /** Where to start: known nodes, and bootstrap endpoints (id null). */
  seeds: ReadonlyArray<{ id: Uint8Array | null; endpoint: Endpoint }>;
  /** Sends the lookup's query to a node; false if it could not be sent (the node counts as failed). */
  query(to: Endpoint, onReply: (response: KrpcResponse | null) => void): boolean;
  onPeers?(peers: Endpoint[]): void;
  /** The K closest responders, closest first. Called once, unless cancelled. */
  onDone(closest: LookupResponder[]): void;
}

export class Lookup {
  private readonly candidates: Candidate[] = [];
  private readonly seen = new Set<string>();
  private readonly peersSeen = new Set<string>();
  private inFlight = 0;
  private queries = 0;
  private finished = false;
  private deadline: TimerHandle | undefined;

  constructor(private readonly options: LookupOptions) {
    for (const seed of options.seeds) this.addCandidate(seed.id, seed.endpoint);
  }

  get done(): boolean {
    return this.finished;
  }

  start(): void {
    this.deadline = this.options.clock.setTimeout(() => this.finish(), this.options.limits.lookupTimeoutMs);
    this.step();
  }

  /** Stops without calling onDone. */
  cancel(): void {
    this.finished = true;
    this.clearDeadline();
  }

  /** Ends the lookup with what it has. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.clearDeadline();
    const { lookupK } = this.options.limits;
    const closest: LookupResponder[] = [];
    for (const c of this.candidates) {
      if (closest.length >= lookupK) break;
      if (c.state === 'answered' && c.id) closest.push({ id: c.id, endpoint: c.endpoint, ...(c.token ? { token: c.token } : {}) });
    }
    this.options.onDone(closest);
  }

  private clearDeadline(): void {
    if (this.deadline !== undefined) this.options.clock.clearTimeout(this.deadline);
    this.deadline = undefined;
  }

  private addCandidate(id: Uint8Array | null, endpoint: Endpoint): void {
    const key = endpointKey(endpoint);
    if (this.seen.has(key)) return;
    // Never ask ourselves: other nodes may list us among the closest.
    if (id && this.isSelf(id)) return;
    this.seen.add(key);
    this.insertSorted({ id, endpoint, state: 'new' });
  }

  private isSelf(id: Uint8Array): boolean {
    return commonPrefixBits(id, this.options.ownId) === ID_BITS;
  }

  /** Sorted insert, nodes of unknown id last. O(n) on a list bounded by the query budget. */
  private insertSorted(candidate: Candidate): void {
    const id = candidate.id;
    let at = -1;
    if (id) at = this.candidates.findIndex((c) => !c.id || compareDistance(this.options.target, id, c.id) < 0);
    if (at < 0) at = this.candidates.length;
    this.candidates.splice(at, 0, candidate);
  }

  private step(): void {
    if (this.finished) return;
    const { lookupAlpha, lookupK, maxLookupQueries } = this.options.limits;
    let live = 0;
    let pendingInTop = false;
    for (const c of this.candidates) {
      if (c.state === 'failed') continue;
      if (live >= lookupK) break;
      if (c.state === 'new' && this.inFlight < lookupAlpha && this.queries < maxLookupQueries && !this.ask(c)) {
        // Could not be sent (an unusable address, or our query table is full): count it as
        // failed and look further down the list.
        c.state = 'failed';
        continue;
      }
      live++;
      if (c.state === 'new' || c.state === 'asked') pendingInTop = true;
    }
    if (this.inFlight === 0 && (!pendingInTop || this.queries >= maxLookupQueries)) this.finish();
  }

  private ask(c: Candidate): boolean {
    const sent = this.options.query(c.endpoint, (response) => this.onReply(c, response));
    if (!sent) return false;
    c.state = 'asked';
    this.inFlight++;
    this.queries++;
    return true;
  }

  private onReply(c: Candidate, response: KrpcResponse | null): void {
    this.inFlight--;
    if (this.finished) return;
    if (!response) {
      c.state = 'failed';
      return this.step();
    }
    c.state = 'answered';
    const index = this.candidates.indexOf(c);
    // A bootstrap node's id becomes known (or a node changed id): move it to its place.
    if (index >= 0 && (!c.id || compareDistance(this.options.target, c.id, response.id) !== 0)) {
      this.candidates.splice(index, 1);
      c.id = response.id;
      if (!this.isSelf(c.id)) this.insertSorted(c);
    }
    if (response.token) c.token = response.token;
    this.learn(response.nodes);
    this.learn(response.nodes6);
    this.reportPeers(response.values);
    this.step();
  }

  private learn(nodes: readonly NodeInfo[]): void {
    for (const n of nodes) this.addCandidate(n.id, n.endpoint);
    // Only the closest matter; the list is trimmed so a hostile node cannot grow it without bound.
    const cap = this.options.limits.maxLookupQueries + this.options.limits.lookupK;
    if (this.candidates.length > cap) this.candidates.length = cap;
  }

  private reportPeers(values: readonly Endpoint[]): void {
    if (!this.options.onPeers || values.length === 0) return;
    const fresh: Endpoint[] = [];
    for (const v of values) {
      const key = endpointKey(v);
      if (this.peersSeen.has(key)) continue;
      this.peersSeen.add(key);
      fresh.push(v);
    }
    if (fresh.length > 0) this.options.onPeers(fresh);
  }
}
