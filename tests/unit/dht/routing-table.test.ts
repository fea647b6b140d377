import { describe, expect, it } from 'vitest';
import { resolveDhtLimits } from '../../../src/engine/dht/limits.js';
import { commonPrefixBits, compareDistance, randomIdInBucket } from '../../../src/engine/dht/node-id.js';
import { RoutingTable } from '../../../src/engine/dht/routing-table.js';
import { ManualClock } from '../../../src/engine/util/clock.js';
import { id, seededBytes } from './helpers.js';

const limits = resolveDhtLimits();
const own = id(0x00);

function node(firstByte: number, port: number, rest = 0) {
  return { id: id(firstByte, rest), endpoint: { host: '127.0.0.1', port } };
}

function table(clock = new ManualClock(0)) {
  return new RoutingTable(own, limits, clock);
}

describe('XOR metric', () => {
  it('compare_distance_orders_by_xor', () => {
    expect(compareDistance(id(0), id(1), id(2))).toBeLessThan(0);
    expect(compareDistance(id(3), id(2), id(1))).toBeLessThan(0); // 3^2=1 < 3^1=2
  });

  it('common_prefix_bits', () => {
    expect(commonPrefixBits(id(0x80), id(0x00))).toBe(0);
    expect(commonPrefixBits(id(0x01), id(0x00))).toBe(7);
    expect(commonPrefixBits(id(0x00), id(0x00))).toBe(160);
  });

  it('random_id_in_bucket_has_exact_prefix', () => {
    const bytes = seededBytes(3);
    for (const prefix of [0, 1, 7, 8, 9, 100, 159]) {
      expect(commonPrefixBits(randomIdInBucket(own, prefix, bytes), own)).toBe(prefix);
    }
  });
});

describe('routing table (BEP 5 k-buckets)', () => {
  it('adds_up_to_k_nodes_to_one_bucket_without_splitting', () => {
    const t = table();
    for (let i = 0; i < 8; i++) expect(t.heardFrom(node(0x80 + i, 1000 + i))).toBe('added');
    expect(t.bucketCount).toBe(1);
    expect(t.size).toBe(8);
  });

  it('splits_the_bucket_holding_our_own_id_when_full', () => {
    const t = table();
    for (let i = 0; i < 8; i++) t.heardFrom(node(0x80 + i, 1000 + i));
    expect(t.heardFrom(node(0x01, 2000))).toBe('added');
    expect(t.bucketCount).toBe(2);
    expect(t.size).toBe(9);
  });

  it('far_bucket_does_not_split_and_keeps_replacements', () => {
    const t = table();
    for (let i = 0; i < 8; i++) t.heardFrom(node(0x80 + i, 1000 + i));
    t.heardFrom(node(0x01, 2000)); // split: bucket 0 now holds the 0x80.. nodes
    expect(t.heardFrom(node(0x90, 3000))).toBe('replacement');
    expect(t.size).toBe(9);
  });

  it('splits_repeatedly_for_nodes_very_close_to_us', () => {
    const t = table();
    for (let i = 0; i < 9; i++) t.heardFrom({ id: id(0, i + 1), endpoint: { host: '127.0.0.1', port: 1000 + i } });
    expect(t.size).toBe(9);
    expect(t.bucketCount).toBeGreaterThan(2);
  });

  it('many_nodes_on_one_ip_are_all_kept', () => {
    const t = table();
    for (let i = 0; i < 30; i++) t.heardFrom(node(i * 8 + 1, 1000 + i));
    expect(t.size).toBeGreaterThan(8);
    expect(new Set(t.nodes().map((n) => n.endpoint.host))).toEqual(new Set(['127.0.0.1']));
  });

  it('our_own_id_is_rejected', () => {
    expect(table().heardFrom({ id: own, endpoint: { host: '127.0.0.1', port: 1 } })).toBe('rejected');
  });

  it('same_endpoint_new_id_replaces_the_old_entry', () => {
    const t = table();
    t.heardFrom(node(0x80, 1000));
    t.heardFrom(node(0x40, 1000));
    expect(t.size).toBe(1);
    expect(t.get({ host: '127.0.0.1', port: 1000 })!.id[0]).toBe(0x40);
  });

  it('node_is_good_then_questionable_after_15_minutes', () => {
    const clock = new ManualClock(0);
    const t = table(clock);
    t.heardFrom(node(0x80, 1000));
    const n = t.get({ host: '127.0.0.1', port: 1000 })!;
    expect(t.status(n)).toBe('good');
    clock.advance(15 * 60_000);
    expect(t.status(n)).toBe('questionable');
  });

  it('node_is_bad_after_max_failures_and_left_out_of_closest', () => {
    const t = table();
    t.heardFrom(node(0x80, 1000));
    for (let i = 0; i < limits.maxNodeFailures; i++) t.failed({ host: '127.0.0.1', port: 1000 });
    expect(t.status(t.get({ host: '127.0.0.1', port: 1000 })!)).toBe('bad');
    expect(t.closest(id(0x80), 8)).toEqual([]);
  });

  it('bad_node_gives_way_to_a_replacement', () => {
    const t = table();
    for (let i = 0; i < 8; i++) t.heardFrom(node(0x80 + i, 1000 + i));
    t.heardFrom(node(0x01, 2000));
    t.heardFrom(node(0x90, 3000));
    for (let i = 0; i < limits.maxNodeFailures; i++) t.failed({ host: '127.0.0.1', port: 1000 });
    expect(t.get({ host: '127.0.0.1', port: 1000 })).toBeUndefined();
    expect(t.get({ host: '127.0.0.1', port: 3000 })).toBeDefined();
  });

  it('bad_node_is_replaced_by_a_newcomer_when_full', () => {
    const t = table();
    for (let i = 0; i < 8; i++) t.heardFrom(node(0x80 + i, 1000 + i));
    t.heardFrom(node(0x01, 2000));
    for (let i = 0; i < limits.maxNodeFailures; i++) t.failed({ host: '127.0.0.1', port: 1001 });
    expect(t.hasRoomFor(id(0x95))).toBe(true);
    expect(t.heardFrom(node(0x95, 4000))).toBe('added');
    expect(t.get({ host: '127.0.0.1', port: 1001 })).toBeUndefined();
  });

  it('answering_again_clears_failures', () => {
    const t = table();
    t.heardFrom(node(0x80, 1000));
    t.failed({ host: '127.0.0.1', port: 1000 });
    t.heardFrom(node(0x80, 1000));
    expect(t.get({ host: '127.0.0.1', port: 1000 })!.failures).toBe(0);
  });

  it('closest_orders_by_distance_to_target', () => {
    const t = table();
    for (const b of [0x10, 0x20, 0x30, 0x40]) t.heardFrom(node(b, 1000 + b));
    expect(t.closest(id(0x31), 2).map((n) => n.id[0])).toEqual([0x30, 0x20]);
  });

  it('table_size_is_bounded', () => {
    const small = new RoutingTable(own, resolveDhtLimits({ maxTableNodes: 3 }), new ManualClock(0));
    for (let i = 0; i < 6; i++) small.heardFrom(node(0x80 >> i, 1000 + i));
    expect(small.size).toBe(3);
  });

  it('stale_buckets_are_reported_after_refresh_interval', () => {
    const clock = new ManualClock(0);
    const t = table(clock);
    t.heardFrom(node(0x80, 1000));
    expect(t.staleBuckets()).toEqual([]);
    clock.advance(limits.bucketRefreshMs);
    expect(t.staleBuckets()).toEqual([0]);
    t.touchBucket(0);
    expect(t.staleBuckets()).toEqual([]);
  });
});
