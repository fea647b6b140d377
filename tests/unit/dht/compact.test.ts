import { describe, expect, it } from 'vitest';
import { decodeNodes, decodePeer, encodeNodes, encodePeer, parseIPv4, parseIPv6 } from '../../../src/engine/dht/compact.js';
import { id } from './helpers.js';

describe('compact peer info (BEP 5: 6 bytes IPv4, BEP 32: 18 bytes IPv6)', () => {
  it('round_trips_ipv4', () => {
    const bytes = encodePeer({ host: '127.0.0.1', port: 6881 })!;
    expect([...bytes]).toEqual([127, 0, 0, 1, 0x1a, 0xe1]);
    expect(decodePeer(bytes)).toEqual({ host: '127.0.0.1', port: 6881 });
  });

  it('round_trips_ipv6', () => {
    const bytes = encodePeer({ host: '2001:db8::1', port: 80 })!;
    expect(bytes.length).toBe(18);
    expect(decodePeer(bytes)).toEqual({ host: '2001:db8:0:0:0:0:0:1', port: 80 });
  });

  it('ipv4_mapped_ipv6_is_encoded_as_ipv4', () => {
    expect(encodePeer({ host: '::ffff:10.0.0.2', port: 1 })!.length).toBe(6);
  });

  it('wrong_length_peer_is_null', () => {
    expect(decodePeer(new Uint8Array(5))).toBeNull();
    expect(decodePeer(new Uint8Array(7))).toBeNull();
  });

  it('port_zero_peer_is_null', () => {
    expect(decodePeer(new Uint8Array([1, 2, 3, 4, 0, 0]))).toBeNull();
  });

  it('host_name_cannot_be_encoded', () => {
    expect(encodePeer({ host: 'router.example', port: 6881 })).toBeNull();
  });

  it('out_of_range_port_cannot_be_encoded', () => {
    expect(encodePeer({ host: '1.2.3.4', port: 70000 })).toBeNull();
  });

  it.each(['1.2.3', '1.2.3.4.5', '256.0.0.1', '1.2.3.x', '01.2.3.4x'])('bad_ipv4_%s', (host) => {
    expect(parseIPv4(host)).toBeNull();
  });

  it.each(['1::2::3', '12345::', ':::', '1:2:3:4:5:6:7:8:9', 'g::1'])('bad_ipv6_%s', (host) => {
    expect(parseIPv6(host)).toBeNull();
  });

  it('ipv6_with_dotted_tail', () => {
    expect([...parseIPv6('::ffff:1.2.3.4')!.subarray(12)]).toEqual([1, 2, 3, 4]);
  });
});

describe('compact node info (26 / 38 bytes)', () => {
  const nodes = [
    { id: id(1), endpoint: { host: '127.0.0.1', port: 1000 } },
    { id: id(2), endpoint: { host: '127.0.0.1', port: 1001 } },
    { id: id(3), endpoint: { host: '::1', port: 1002 } },
  ];

  it('round_trips_and_keeps_many_nodes_on_one_ip', () => {
    const bytes = encodeNodes(nodes, 4);
    expect(bytes.length).toBe(52);
    expect(decodeNodes(bytes, 4, 100)).toEqual(nodes.slice(0, 2));
  });

  it('nodes6_holds_only_ipv6', () => {
    const bytes = encodeNodes(nodes, 6);
    expect(bytes.length).toBe(38);
    expect(decodeNodes(bytes, 6, 100)![0]!.endpoint).toEqual({ host: '0:0:0:0:0:0:0:1', port: 1002 });
  });

  it('length_not_a_multiple_of_26_is_null', () => {
    expect(decodeNodes(new Uint8Array(27), 4, 100)).toBeNull();
  });

  it('at_most_max_nodes_are_read', () => {
    expect(decodeNodes(encodeNodes(nodes, 4), 4, 1)).toHaveLength(1);
  });

  it('node_with_port_zero_is_skipped', () => {
    const bytes = encodeNodes(nodes.slice(0, 1), 4);
    bytes[24] = 0;
    bytes[25] = 0;
    expect(decodeNodes(bytes, 4, 10)).toEqual([]);
  });
});
