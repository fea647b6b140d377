import { describe, expect, it } from 'vitest';
import { resolveDhtLimits } from '../../../src/engine/dht/limits.js';
import { PeerStore } from '../../../src/engine/dht/peer-store.js';
import { ManualClock } from '../../../src/engine/util/clock.js';
import { SeededRandom } from '../../../src/engine/util/random.js';
import { id } from './helpers.js';

function store(overrides = {}) {
  const clock = new ManualClock(0);
  return { clock, peers: new PeerStore(clock, new SeededRandom(1), resolveDhtLimits(overrides)) };
}

describe('announced peers store', () => {
  it('keeps_peers_sharing_one_ip', () => {
    const { peers } = store();
    peers.add(id(1), { host: '127.0.0.1', port: 1 });
    peers.add(id(1), { host: '127.0.0.1', port: 2 });
    expect(peers.get(id(1))).toHaveLength(2);
  });

  it('re_announce_does_not_duplicate', () => {
    const { peers } = store();
    peers.add(id(1), { host: '127.0.0.1', port: 1 });
    peers.add(id(1), { host: '127.0.0.1', port: 1 });
    expect(peers.get(id(1))).toHaveLength(1);
  });

  it('peers_expire', () => {
    const { clock, peers } = store();
    peers.add(id(1), { host: '127.0.0.1', port: 1 });
    clock.advance(resolveDhtLimits().peerLifetimeMs);
    expect(peers.get(id(1))).toEqual([]);
    expect(peers.infoHashCount).toBe(0);
  });

  it('peers_per_infohash_bounded_oldest_dropped', () => {
    const { peers } = store({ maxPeersPerInfoHash: 2 });
    for (let p = 1; p <= 3; p++) peers.add(id(1), { host: '127.0.0.1', port: p });
    expect(peers.get(id(1)).map((e) => e.port)).toEqual([2, 3]);
  });

  it('infohashes_bounded', () => {
    const { peers } = store({ maxInfoHashes: 2 });
    for (let h = 1; h <= 3; h++) peers.add(id(h), { host: '127.0.0.1', port: 1 });
    expect(peers.infoHashCount).toBe(2);
    expect(peers.get(id(1))).toEqual([]);
  });

  it('values_returned_bounded', () => {
    const { peers } = store({ maxValuesReturned: 5 });
    for (let p = 1; p <= 20; p++) peers.add(id(1), { host: '127.0.0.1', port: p });
    expect(peers.get(id(1))).toHaveLength(5);
  });

  it('sweep_drops_expired', () => {
    const { clock, peers } = store();
    peers.add(id(1), { host: '127.0.0.1', port: 1 });
    clock.advance(resolveDhtLimits().peerLifetimeMs + 1);
    peers.sweep();
    expect(peers.peerCount).toBe(0);
  });
});
