import { describe, expect, it } from 'vitest';
import { encode } from '../../../src/engine/bencode/index.js';
import { createDht } from '../../../src/engine/dht/index.js';
import { encodeQuery, parseKrpc, type KrpcResponse } from '../../../src/engine/dht/krpc.js';
import { ManualClock } from '../../../src/engine/util/clock.js';
import { SeededRandom } from '../../../src/engine/util/random.js';
import type { Endpoint } from '../../../src/platform/interfaces/index.js';
import { FakeNet, id, seededBytes, testLimits } from './helpers.js';

const HASH = id(0x5a, 0x5a);
const local = (port: number): Endpoint => ({ host: '127.0.0.1', port });

/** A DHT of `count` nodes on 127.0.0.1:(7000+i), all bootstrapped from the first. */
function swarm(count: number): FakeNet {
  const net = new FakeNet();
  net.add(7000);
  net.nodes.get('127.0.0.1:7000')!.start();
  for (let i = 1; i < count; i++) {
    net.add(7000 + i, { bootstrap: [local(7000)] }).start();
    net.run(500);
  }
  net.run(5_000);
  return net;
}

/** A lone node and a capture of what it sends. */
function lone() {
  const sent: Array<{ data: Uint8Array; to: Endpoint }> = [];
  const clock = new ManualClock(0);
  const dht = createDht({ send: (data, to) => sent.push({ data, to }), clock, random: new SeededRandom(1), randomBytes: seededBytes(2), nodeId: id(0x01), bootstrap: [] });
  dht.start();
  return { dht, sent, clock };
}

const replies = (sent: Array<{ data: Uint8Array }>) => sent.map((s) => parseKrpc(s.data, testLimits));

describe('Dht over an in-memory network', () => {
  it('nodes_started_together_fill_their_tables_on_the_bootstrap_retry', () => {
    const net = new FakeNet();
    net.add(7000);
    for (let i = 1; i < 12; i++) net.add(7000 + i, { bootstrap: [local(7000)] });
    for (const dht of net.nodes.values()) dht.start();
    net.run(testLimits.bootstrapRetryMs + 5_000);
    for (const dht of net.nodes.values()) expect(dht.stats().nodes).toBeGreaterThanOrEqual(5);
  });

  it('bootstrap_fills_routing_tables', () => {
    const net = swarm(12);
    for (const dht of net.nodes.values()) expect(dht.stats().nodes).toBeGreaterThanOrEqual(5);
  });

  it('lookup_finds_a_peer_announced_by_another_node', () => {
    const net = swarm(12);
    net.nodes.get('127.0.0.1:7003')!.lookup(HASH, { announcePort: 6881, onPeers: () => undefined });
    net.run(5_000);
    const found: Endpoint[] = [];
    net.nodes.get('127.0.0.1:7009')!.lookup(HASH, { onPeers: (p) => found.push(...p) });
    net.run(5_000);
    expect(found).toContainEqual({ host: '127.0.0.1', port: 6881 });
  });

  it('lookup_repeats_every_relookup_interval_until_cancelled', () => {
    const net = swarm(6);
    const dht = net.nodes.get('127.0.0.1:7002')!;
    const cancel = dht.lookup(HASH, { onPeers: () => undefined });
    net.run(1_000);
    const first = dht.stats().completedLookups;
    net.run(testLimits.relookupIntervalMs + 1_000, 1_000);
    expect(dht.stats().completedLookups).toBeGreaterThan(first);
    cancel();
    const sentBefore = dht.stats().queriesSent;
    net.run(testLimits.relookupIntervalMs + 1_000, 1_000);
    // Only table upkeep (pings, refresh) may follow: no get_peers for the hash.
    const later = net.log.filter((d) => d.from.port === 7002).slice(-50).map((d) => parseKrpc(d.data, testLimits));
    expect(later.some((m) => m?.kind === 'query' && m.method === 'get_peers')).toBe(false);
    expect(dht.stats().activeLookups).toBe(0);
    expect(dht.stats().queriesSent).toBeGreaterThanOrEqual(sentBefore);
  });

  it('lookup_before_start_runs_on_start', () => {
    const net = new FakeNet();
    net.add(7000).start();
    const dht = net.add(7001, { bootstrap: [local(7000)] });
    dht.lookup(HASH, { onPeers: () => undefined });
    expect(net.queue).toHaveLength(0);
    dht.start();
    expect(net.queue.length).toBeGreaterThan(0);
  });

  it('unreachable_bootstrap_costs_nothing_and_ends', () => {
    const net = new FakeNet();
    const dht = net.add(7001, { bootstrap: [{ host: '127.0.0.1', port: 9 }, { host: 'router.example.invalid', port: 6881 }] });
    dht.start();
    let peers = 0;
    dht.lookup(HASH, { onPeers: () => peers++ });
    net.run(testLimits.queryTimeoutMs + 1_000);
    expect(dht.stats().outstandingQueries).toBe(0);
    expect(dht.stats().completedLookups).toBeGreaterThanOrEqual(2);
    expect(peers).toBe(0);
  });

  it('offline_bootstrap_backs_off', () => {
    const net = new FakeNet();
    const dht = net.add(7001, { bootstrap: [local(9)] });
    dht.start();
    dht.lookup(HASH, { onPeers: () => undefined });
    net.run(30 * 60_000, 1_000);
    const toBootstrap = net.log.filter((d) => d.to.port === 9).length;
    // Without backoff: (bootstrap + lookup) every 15 s = 240 in 30 minutes.
    expect(toBootstrap).toBeGreaterThan(10);
    expect(toBootstrap).toBeLessThan(80);
  });

  it('ipv6_nodes_are_not_queried_without_the_ipv6_option', () => {
    const net = new FakeNet();
    const dht = net.add(7001, { bootstrap: [{ host: '::1', port: 7000 }, { host: '0.0.0.0', port: 7000 }, local(7002)] });
    dht.start();
    expect(net.queue.map((d) => d.to)).toEqual([local(7002)]);
  });

  it('throwing_on_peers_listener_does_not_escape_handle_packet', () => {
    const net = swarm(6);
    net.nodes.get('127.0.0.1:7003')!.lookup(HASH, { announcePort: 6881, onPeers: () => undefined });
    net.run(5_000);
    net.nodes.get('127.0.0.1:7004')!.lookup(HASH, {
      onPeers: () => {
        throw new Error('listener bug');
      },
    });
    expect(() => net.run(5_000)).not.toThrow();
  });

  it('save_state_restores_id_and_nodes', () => {
    const net = swarm(6);
    const before = net.nodes.get('127.0.0.1:7003')!;
    const state = before.saveState();
    const again = net.add(7100, { savedState: state });
    expect(again.id).toEqual(before.id);
    again.start();
    net.run(5_000);
    expect(again.stats().nodes).toBeGreaterThanOrEqual(3);
  });

  it('damaged_saved_state_is_ignored', () => {
    const net = new FakeNet();
    expect(() => net.add(7000, { savedState: new TextEncoder().encode('d2:id3:abce') })).not.toThrow();
    expect(net.nodes.get('127.0.0.1:7000')!.id).toHaveLength(20);
  });

  it('stop_sends_nothing_more', () => {
    const net = swarm(4);
    const dht = net.nodes.get('127.0.0.1:7001')!;
    dht.lookup(HASH, { onPeers: () => undefined });
    dht.stop();
    const count = net.log.filter((d) => d.from.port === 7001).length;
    net.run(testLimits.relookupIntervalMs * 2, 5_000);
    expect(net.log.filter((d) => d.from.port === 7001).length).toBe(count);
  });
});

describe('Dht serving queries', () => {
  it('answers_ping', () => {
    const { dht, sent } = lone();
    expect(dht.handlePacket(encodeQuery(new Uint8Array([1]), 'ping', id(0x80)), local(5000))).toBe(true);
    expect(replies(sent)).toContainEqual(expect.objectContaining({ kind: 'response', id: id(0x01) }));
  });

  it('get_peers_then_announce_then_get_peers_returns_the_peer', () => {
    const { dht, sent } = lone();
    dht.handlePacket(encodeQuery(new Uint8Array([1]), 'get_peers', id(0x80), { info_hash: HASH }), local(5000));
    const token = (replies(sent).find((m) => m?.kind === 'response') as KrpcResponse).token!;
    dht.handlePacket(encodeQuery(new Uint8Array([2]), 'announce_peer', id(0x80), { info_hash: HASH, port: 6881, token }), local(5000));
    sent.length = 0;
    dht.handlePacket(encodeQuery(new Uint8Array([3]), 'get_peers', id(0x81), { info_hash: HASH }), local(5001));
    const r = replies(sent).find((m) => m?.kind === 'response') as KrpcResponse;
    expect(r.values).toEqual([{ host: '127.0.0.1', port: 6881 }]);
  });

  it('announce_with_implied_port_stores_the_udp_source_port', () => {
    const { dht, sent } = lone();
    dht.handlePacket(encodeQuery(new Uint8Array([1]), 'get_peers', id(0x80), { info_hash: HASH }), local(5000));
    const token = (replies(sent).find((m) => m?.kind === 'response') as KrpcResponse).token!;
    dht.handlePacket(encodeQuery(new Uint8Array([2]), 'announce_peer', id(0x80), { info_hash: HASH, port: 1, implied_port: 1, token }), local(5000));
    expect(dht.stats().storedPeers).toBe(1);
    sent.length = 0;
    dht.handlePacket(encodeQuery(new Uint8Array([3]), 'get_peers', id(0x81), { info_hash: HASH }), local(5001));
    expect((replies(sent).find((m) => m?.kind === 'response') as KrpcResponse).values).toEqual([local(5000)]);
  });

  it('announce_with_bad_token_is_refused_with_203', () => {
    const { dht, sent } = lone();
    dht.handlePacket(encodeQuery(new Uint8Array([2]), 'announce_peer', id(0x80), { info_hash: HASH, port: 6881, token: new Uint8Array(8) }), local(5000));
    expect(dht.stats().storedPeers).toBe(0);
    expect(replies(sent)).toContainEqual(expect.objectContaining({ kind: 'error', code: 203 }));
  });

  it('token_from_another_ip_is_refused', () => {
    const { dht, sent } = lone();
    dht.handlePacket(encodeQuery(new Uint8Array([1]), 'get_peers', id(0x80), { info_hash: HASH }), local(5000));
    const token = (replies(sent).find((m) => m?.kind === 'response') as KrpcResponse).token!;
    dht.handlePacket(encodeQuery(new Uint8Array([2]), 'announce_peer', id(0x80), { info_hash: HASH, port: 6881, token }), { host: '10.0.0.7', port: 5000 });
    expect(dht.stats().storedPeers).toBe(0);
  });

  it('unknown_method_gets_204', () => {
    const { dht, sent } = lone();
    dht.handlePacket(encode({ t: 'x', y: 'q', q: 'vote', a: { id: id(0x80) } }), local(5000));
    expect(replies(sent)).toContainEqual(expect.objectContaining({ kind: 'error', code: 204 }));
  });

  it('queries_over_the_rate_limit_are_not_answered', () => {
    const { dht, sent } = lone();
    for (let i = 0; i < testLimits.queryBurstPerAddress + 10; i++) dht.handlePacket(encodeQuery(new Uint8Array([i]), 'ping', id(0x80)), local(5000));
    expect(dht.stats().queriesRateLimited).toBe(10);
    expect(replies(sent).filter((m) => m?.kind === 'response')).toHaveLength(testLimits.queryBurstPerAddress);
  });

  it('querier_is_pinged_to_earn_a_place_in_the_table', () => {
    const { dht, sent } = lone();
    dht.handlePacket(encodeQuery(new Uint8Array([1]), 'ping', id(0x80)), local(5000));
    expect(replies(sent)).toContainEqual(expect.objectContaining({ kind: 'query', method: 'ping' }));
  });

  it('read_only_querier_is_not_pinged_bep43', () => {
    const { dht, sent } = lone();
    dht.handlePacket(encode({ t: 'x', y: 'q', q: 'ping', ro: 1, a: { id: id(0x80) } }), local(5000));
    expect(replies(sent).filter((m) => m?.kind === 'query')).toHaveLength(0);
  });

  it('reply_from_another_address_than_queried_is_ignored', () => {
    const { dht, sent } = lone();
    dht.handlePacket(encodeQuery(new Uint8Array([1]), 'ping', id(0x80)), local(5000));
    const ping = sent.find((s) => parseKrpc(s.data, testLimits)?.kind === 'query')!;
    const t = parseKrpc(ping.data, testLimits)!.t;
    const reply = encode({ t, y: 'r', r: { id: id(0x80) } });
    dht.handlePacket(reply, local(5001));
    expect(dht.stats().nodes).toBe(0);
    dht.handlePacket(reply, local(5000));
    expect(dht.stats().nodes).toBe(1);
  });

  it('garbage_returns_false_and_never_throws', () => {
    const { dht } = lone();
    for (const data of [new Uint8Array(0), new TextEncoder().encode('d1:x'), new Uint8Array([0x41, 0x02]), new Uint8Array(3000).fill(0x64)]) {
      expect(dht.handlePacket(data, local(5000))).toBe(false);
    }
  });

  it('unsolicited_response_is_ignored', () => {
    const { dht } = lone();
    expect(dht.handlePacket(encode({ t: 'zz', y: 'r', r: { id: id(0x80) } }), local(5000))).toBe(true);
    expect(dht.stats().nodes).toBe(0);
  });
});
