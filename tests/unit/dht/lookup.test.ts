import { describe, expect, it } from 'vitest';
import type { KrpcResponse } from '../../../src/engine/dht/krpc.js';
import { resolveDhtLimits, type DhtLimits } from '../../../src/engine/dht/limits.js';
import { Lookup, type LookupResponder } from '../../../src/engine/dht/lookup.js';
import { ManualClock } from '../../../src/engine/util/clock.js';
import type { Endpoint } from '../../../src/platform/interfaces/index.js';
import { id } from './helpers.js';

type Reply = (r: KrpcResponse | null) => void;
const own = id(0xff);
const target = id(0x00);
const ep = (port: number): Endpoint => ({ host: '127.0.0.1', port });
const response = (from: number, extra: Partial<KrpcResponse> = {}): KrpcResponse => ({ kind: 'response', t: new Uint8Array(1), id: id(from), nodes: [], nodes6: [], values: [], ...extra });

function harness(seeds: Array<{ id: Uint8Array | null; endpoint: Endpoint }>, limits: Partial<DhtLimits> = {}) {
  const asked: Array<{ to: Endpoint; reply: Reply }> = [];
  const result: { done?: LookupResponder[]; peers: Endpoint[] } = { peers: [] };
  const clock = new ManualClock(0);
  const lookup = new Lookup({
    target,
    ownId: own,
    clock,
    limits: resolveDhtLimits(limits),
    seeds,
    query: (to, reply) => {
      asked.push({ to, reply });
      return true;
    },
    onPeers: (p) => result.peers.push(...p),
    onDone: (closest) => (result.done = closest),
  });
  lookup.start();
  return { asked, result, clock, lookup };
}

const seedsFrom = (bytes: number[]) => bytes.map((b) => ({ id: id(b), endpoint: ep(1000 + b) }));

describe('iterative lookup (BEP 5, alpha = 3)', () => {
  it('asks_at_most_alpha_at_once_closest_first', () => {
    const { asked } = harness(seedsFrom([0x40, 0x10, 0x20, 0x30]));
    expect(asked.map((a) => a.to.port)).toEqual([1000 + 0x10, 1000 + 0x20, 1000 + 0x30]);
  });

  it('ends_when_every_candidate_answered_and_reports_closest_with_tokens', () => {
    const { asked, result } = harness(seedsFrom([0x10, 0x20]));
    asked[0]!.reply(response(0x10, { token: new Uint8Array([1]) }));
    asked[1]!.reply(response(0x20));
    expect(result.done!.map((r) => r.id[0])).toEqual([0x10, 0x20]);
    expect(result.done![0]!.token).toEqual(new Uint8Array([1]));
  });

  it('learns_closer_nodes_and_asks_them', () => {
    const { asked } = harness(seedsFrom([0x40]));
    asked[0]!.reply(response(0x40, { nodes: [{ id: id(0x01), endpoint: ep(2001) }] }));
    expect(asked[1]!.to).toEqual(ep(2001));
  });

  it('failed_node_is_left_out_and_lookup_still_ends', () => {
    const { asked, result } = harness(seedsFrom([0x10, 0x20]));
    asked[0]!.reply(null);
    asked[1]!.reply(response(0x20));
    expect(result.done!.map((r) => r.id[0])).toEqual([0x20]);
  });

  it('bootstrap_node_of_unknown_id_is_placed_once_it_answers', () => {
    const { asked, result } = harness([{ id: null, endpoint: ep(6881) }]);
    asked[0]!.reply(response(0x05));
    expect(result.done!.map((r) => r.endpoint)).toEqual([ep(6881)]);
  });

  it('never_asks_itself', () => {
    const { asked } = harness(seedsFrom([0x40]));
    asked[0]!.reply(response(0x40, { nodes: [{ id: own, endpoint: ep(3000) }] }));
    expect(asked.map((a) => a.to)).not.toContainEqual(ep(3000));
  });

  it('same_node_listed_twice_is_asked_once', () => {
    const { asked } = harness(seedsFrom([0x40]));
    const n = { id: id(0x01), endpoint: ep(2001) };
    asked[0]!.reply(response(0x40, { nodes: [n, n] }));
    expect(asked.filter((a) => a.to.port === 2001)).toHaveLength(1);
  });

  it('query_budget_bounds_a_hostile_dht', () => {
    const { asked, result } = harness(seedsFrom([0x80]), { maxLookupQueries: 10 });
    // Every node answers with two fresh, ever-closer nodes.
    let next = 0x7f;
    for (let i = 0; i < asked.length && i < 100; i++) {
      const a = asked[i]!;
      a.reply(response(0, { nodes: [{ id: id(next--), endpoint: ep(4000 + i * 2) }, { id: id(next--), endpoint: ep(4001 + i * 2) }] }));
    }
    expect(asked.length).toBe(10);
    expect(result.done).toBeDefined();
  });

  it('peers_are_reported_once_each', () => {
    const { asked, result } = harness(seedsFrom([0x10, 0x20]));
    asked[0]!.reply(response(0x10, { values: [ep(6881), ep(6882)] }));
    asked[1]!.reply(response(0x20, { values: [ep(6881)] }));
    expect(result.peers).toEqual([ep(6881), ep(6882)]);
  });

  it('unanswered_lookup_ends_at_its_deadline', () => {
    const { result, clock } = harness(seedsFrom([0x10]), { lookupTimeoutMs: 1000 });
    clock.advance(1000);
    expect(result.done).toEqual([]);
  });

  it('cancelled_lookup_never_reports', () => {
    const { asked, result, lookup } = harness(seedsFrom([0x10]));
    lookup.cancel();
    asked[0]!.reply(response(0x10, { values: [ep(1)] }));
    expect(result.done).toBeUndefined();
    expect(result.peers).toEqual([]);
  });
});
