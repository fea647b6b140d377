/**
 * Peers announced to us (BEP 5 announce_peer), served back in get_peers `values`. Bounded in
 * infohashes and in peers per infohash; the oldest entries go first. Peers are keyed by address
 * and port, so many peers on one IP are all kept.
 */
import type { Endpoint } from '../../platform/interfaces/index.js';
import { toHex } from '../util/bytes.js';
import type { Clock } from '../util/clock.js';
import { shuffle, type Random } from '../util/random.js';
import { endpointKey } from './compact.js';
import type { DhtLimits } from './limits.js';

interface StoredPeer {
  endpoint: Endpoint;
  expires: number;
}

export class PeerStore {
  /** infohash hex → (host:port → peer), each Map in insertion (= age) order. */
  private readonly torrents = new Map<string, Map<string, StoredPeer>>();

  constructor(
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly limits: DhtLimits,
  ) {}

  add(infoHash: Uint8Array, endpoint: Endpoint): void {
    const hash = toHex(infoHash);
    let peers = this.torrents.get(hash);
    if (!peers) {
      if (this.torrents.size >= this.limits.maxInfoHashes) {
        const oldest = this.torrents.keys().next();
        if (!oldest.done) this.torrents.delete(oldest.value);
      }
      peers = new Map();
      this.torrents.set(hash, peers);
    }
    const key = endpointKey(endpoint);
    peers.delete(key);
    if (peers.size >= this.limits.maxPeersPerInfoHash) {
      const oldest = peers.keys().next();
      if (!oldest.done) peers.delete(oldest.value);
    }
    peers.set(key, { endpoint, expires: this.clock.now() + this.limits.peerLifetimeMs });
  }

  /** Up to `maxValuesReturned` live peers for `infoHash`, a random sample when there are more. */
  get(infoHash: Uint8Array): Endpoint[] {
    const hash = toHex(infoHash);
    const peers = this.torrents.get(hash);
    if (!peers) return [];
    const now = this.clock.now();
    const live: Endpoint[] = [];
    for (const [key, peer] of peers) {
      if (peer.expires <= now) peers.delete(key);
      else live.push(peer.endpoint);
    }
    if (peers.size === 0) this.torrents.delete(hash);
    if (live.length <= this.limits.maxValuesReturned) return live;
    return shuffle(live, this.random).slice(0, this.limits.maxValuesReturned);
  }

  /** Drops expired peers everywhere (run now and then, not per packet). */
  sweep(): void {
    const now = this.clock.now();
    for (const [hash, peers] of this.torrents) {
      for (const [key, peer] of peers) if (peer.expires <= now) peers.delete(key);
      if (peers.size === 0) this.torrents.delete(hash);
    }
  }

  get infoHashCount(): number {
    return this.torrents.size;
  }

  get peerCount(): number {
    let n = 0;
    for (const peers of this.torrents.values()) n += peers.size;
    return n;
  }
}
