/**
 * The routing table (BEP 5): k-buckets over the XOR metric. Bucket i holds nodes whose id shares
 * exactly i leading bits with ours; the last bucket holds everything closer, and only it splits
 * when full, so the table knows many nodes near us and a few far away.
 *
 * Nodes are told apart by address AND port: many honest nodes share one IP (every node of a
 * loopback DHT is 127.0.0.1, INTEROP.md), so there is no one-node-per-IP rule here.
 */
import type { Clock } from '../util/clock.js';
import { endpointKey, type NodeInfo } from './compact.js';
import type { DhtLimits } from './limits.js';
import { commonPrefixBits, compareDistance, ID_BITS } from './node-id.js';
import type { Endpoint } from '../../platform/interfaces/index.js';

export interface RoutingNode {
  id: Uint8Array;
  endpoint: Endpoint;
  key: string;
  /** Last time it answered one of our queries. */
  lastResponse: number;
  /** Unanswered queries in a row. */
  failures: number;
}

export type NodeStatus = 'good' | 'questionable' | 'bad';

interface Bucket {
  nodes: RoutingNode[];
  /** Nodes that answered while the bucket was full, newest last: they fill in for bad nodes. */
  replacements: RoutingNode[];
  lastChanged: number;
}

export type AddResult = 'added' | 'updated' | 'replacement' | 'rejected';

export class RoutingTable {
  private readonly buckets: Bucket[];
  private readonly byKey = new Map<string, RoutingNode>();

  constructor(
    readonly ownId: Uint8Array,
    private readonly limits: DhtLimits,
    private readonly clock: Clock,
  ) {
    this.buckets = [this.emptyBucket()];
  }

  get size(): number {
    return this.byKey.size;
  }

  get bucketCount(): number {
    return this.buckets.length;
  }

  status(node: RoutingNode): NodeStatus {
    if (node.failures >= this.limits.maxNodeFailures) return 'bad';
    if (node.failures === 0 && this.clock.now() - node.lastResponse < this.limits.nodeGoodMs) return 'good';
    return 'questionable';
  }

  get(endpoint: Endpoint): RoutingNode | undefined {
    return this.byKey.get(endpointKey(endpoint));
  }

  /** Would a node with this id get a place (a free slot, a split, or a bad node to replace)? */
  hasRoomFor(id: Uint8Array): boolean {
    if (this.byKey.size >= this.limits.maxTableNodes) return false;
    const index = this.bucketIndex(id);
    const bucket = this.buckets[index]!;
    if (bucket.nodes.length < this.limits.bucketSize) return true;
    if (index === this.buckets.length - 1 && this.buckets.length < ID_BITS) return true;
    return bucket.nodes.some((n) => this.status(n) === 'bad');
  }

  /** A node answered one of our queries: add it, refresh it, or keep it as a replacement. */
  heardFrom(info: NodeInfo): AddResult {
    if (commonPrefixBits(info.id, this.ownId) === ID_BITS) return 'rejected';
    const key = endpointKey(info.endpoint);
    const now = this.clock.now();
    const existing = this.byKey.get(key);
    if (existing) {
      if (compareDistance(this.ownId, existing.id, info.id) === 0) {
        existing.lastResponse = now;
        existing.failures = 0;
        this.buckets[this.bucketIndex(existing.id)]!.lastChanged = now;
        return 'updated';
      }
      // Same address, new id: the node restarted with a new identity; the old one is gone.
      this.remove(existing);
    }
    const node: RoutingNode = { id: info.id, endpoint: info.endpoint, key, lastResponse: now, failures: 0 };
    for (;;) {
      const index = this.bucketIndex(node.id);
      const bucket = this.buckets[index]!;
      if (bucket.nodes.length < this.limits.bucketSize) {
        if (this.byKey.size >= this.limits.maxTableNodes) return 'rejected';
        this.insert(bucket, node, now);
        return 'added';
      }
      if (index === this.buckets.length - 1 && this.buckets.length < ID_BITS) {
        this.split();
        continue;
      }
      const bad = bucket.nodes.findIndex((n) => this.status(n) === 'bad');
      if (bad >= 0) {
        this.byKey.delete(bucket.nodes[bad]!.key);
        bucket.nodes.splice(bad, 1);
        this.insert(bucket, node, now);
        return 'added';
      }
      const replacements = bucket.replacements.filter((n) => n.key !== key);
      replacements.push(node);
      if (replacements.length > this.limits.replacementsPerBucket) replacements.shift();
      bucket.replacements = replacements;
      return 'replacement';
    }
  }

  /** A query to this endpoint went unanswered. A node gone bad yields its place to a replacement. */
  failed(endpoint: Endpoint): void {
    const node = this.byKey.get(endpointKey(endpoint));
    if (!node) return;
    node.failures++;
    if (this.status(node) !== 'bad') return;
    const bucket = this.buckets[this.bucketIndex(node.id)]!;
    const replacement = bucket.replacements.pop();
    if (!replacement) return;
    this.remove(node);
    this.insert(bucket, replacement, this.clock.now());
  }

  /** The `count` known nodes closest to `target`, bad ones left out. */
  closest(target: Uint8Array, count: number): RoutingNode[] {
    const all: RoutingNode[] = [];
    for (const node of this.byKey.values()) if (this.status(node) !== 'bad') all.push(node);
    all.sort((a, b) => compareDistance(target, a.id, b.id));
    return all.slice(0, count);
  }

  /** Questionable nodes of the bucket `id` falls in: worth a ping before a newcomer is refused. */
  questionableNear(id: Uint8Array): RoutingNode[] {
    return this.buckets[this.bucketIndex(id)]!.nodes.filter((n) => this.status(n) === 'questionable');
  }

  /** Prefix lengths of buckets untouched for `bucketRefreshMs` (BEP 5: refresh with a find_node). */
  staleBuckets(): number[] {
    const now = this.clock.now();
    const out: number[] = [];
    this.buckets.forEach((b, i) => {
      if (now - b.lastChanged >= this.limits.bucketRefreshMs) out.push(i);
    });
    return out;
  }

  /** Marks a bucket as just refreshed (its refresh lookup was sent). */
  touchBucket(prefixBits: number): void {
    const bucket = this.buckets[Math.min(prefixBits, this.buckets.length - 1)];
    if (bucket) bucket.lastChanged = this.clock.now();
  }

  /** Every node, for saving and for periodic pings. */
  nodes(): RoutingNode[] {
    return [...this.byKey.values()];
  }

  private bucketIndex(id: Uint8Array): number {
    return Math.min(commonPrefixBits(id, this.ownId), this.buckets.length - 1);
  }

  private emptyBucket(): Bucket {
    return { nodes: [], replacements: [], lastChanged: this.clock.now() };
  }

  private insert(bucket: Bucket, node: RoutingNode, now: number): void {
    bucket.nodes.push(node);
    bucket.lastChanged = now;
    this.byKey.set(node.key, node);
  }

  private remove(node: RoutingNode): void {
    const bucket = this.buckets[this.bucketIndex(node.id)]!;
    bucket.nodes = bucket.nodes.filter((n) => n !== node);
    this.byKey.delete(node.key);
  }

  /** Splits the last bucket: nodes sharing more than its prefix with us move to a new last bucket. */
  private split(): void {
    const depth = this.buckets.length - 1;
    const last = this.buckets[depth]!;
    const next = this.emptyBucket();
    next.lastChanged = last.lastChanged;
    const deeper = (n: RoutingNode): boolean => commonPrefixBits(n.id, this.ownId) > depth;
    next.nodes = last.nodes.filter(deeper);
    last.nodes = last.nodes.filter((n) => !deeper(n));
    next.replacements = last.replacements.filter(deeper);
    last.replacements = last.replacements.filter((n) => !deeper(n));
    this.buckets.push(next);
  }
}
