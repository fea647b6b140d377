import { describe, expect, it } from 'vitest';
import { encode, type BEncodable } from '../../../src/engine/bencode/index.js';
import { encodeError, encodeQuery, encodeResponse, parseKrpc, type KrpcQuery, type KrpcResponse } from '../../../src/engine/dht/krpc.js';
import { resolveDhtLimits } from '../../../src/engine/dht/limits.js';
import { id, testLimits as limits } from './helpers.js';

const te = new TextEncoder();
const t = te.encode('aa');
const me = id(0x11);
const hash = id(0x22);

function q(method: string, a: Record<string, BEncodable>, extra: Record<string, BEncodable> = {}): Uint8Array {
  return encode({ t: 'aa', y: 'q', q: method, a: { id: me, ...a }, ...extra });
}

describe('KRPC queries (BEP 5)', () => {
  it('ping', () => {
    const m = parseKrpc(encodeQuery(t, 'ping', me), limits) as KrpcQuery;
    expect(m).toMatchObject({ kind: 'query', method: 'ping', t, id: me, readOnly: false });
  });

  it('find_node', () => {
    const m = parseKrpc(encodeQuery(t, 'find_node', me, { target: hash }), limits) as KrpcQuery;
    expect(m.method).toBe('find_node');
    expect(m.target).toEqual(hash);
  });

  it('get_peers', () => {
    const m = parseKrpc(encodeQuery(t, 'get_peers', me, { info_hash: hash }), limits) as KrpcQuery;
    expect(m.infoHash).toEqual(hash);
  });

  it('announce_peer_with_port', () => {
    const m = parseKrpc(encodeQuery(t, 'announce_peer', me, { info_hash: hash, port: 6881, token: te.encode('tok') }), limits) as KrpcQuery;
    expect(m).toMatchObject({ method: 'announce_peer', port: 6881, impliedPort: false });
    expect(m.token).toEqual(te.encode('tok'));
  });

  it('announce_peer_implied_port_needs_no_port', () => {
    const m = parseKrpc(q('announce_peer', { info_hash: hash, implied_port: 1, token: 'x' }), limits) as KrpcQuery;
    expect(m.impliedPort).toBe(true);
  });

  it('read_only_flag_bep43', () => {
    expect((parseKrpc(q('ping', {}, { ro: 1 }), limits) as KrpcQuery).readOnly).toBe(true);
  });

  it('want_bep32', () => {
    expect((parseKrpc(q('find_node', { target: hash, want: ['n6'] }), limits) as KrpcQuery).want).toEqual({ n4: false, n6: true });
  });

  it('unknown_method_is_kept_for_a_204_reply', () => {
    expect((parseKrpc(q('vote', {}), limits) as KrpcQuery).method).toBe('unknown');
  });
});

describe('KRPC responses and errors', () => {
  it('response_with_nodes_values_token', () => {
    const nodes = [{ id: id(5), endpoint: { host: '127.0.0.1', port: 7000 } }];
    const values = [{ host: '127.0.0.1', port: 7001 }];
    const data = encodeResponse(t, me, { nodes, values, token: te.encode('tk') }, { host: '127.0.0.1', port: 9 });
    const m = parseKrpc(data, limits) as KrpcResponse;
    expect(m).toMatchObject({ kind: 'response', id: me, nodes, values, token: te.encode('tk') });
  });

  it('error', () => {
    expect(parseKrpc(encodeError(t, 203, 'invalid token'), limits)).toEqual({ kind: 'error', t, code: 203, message: 'invalid token' });
  });

  it('values_entry_of_wrong_size_is_skipped_not_fatal', () => {
    const data = encode({ t: 'aa', y: 'r', r: { id: me, values: [new Uint8Array(5), new Uint8Array([1, 2, 3, 4, 0, 9]), 7] } });
    expect((parseKrpc(data, limits) as KrpcResponse).values).toEqual([{ host: '1.2.3.4', port: 9 }]);
  });

  it('at_most_maxValuesAccepted_values', () => {
    const values = Array.from({ length: 10 }, (_, i) => new Uint8Array([1, 2, 3, 4, 0, i + 1]));
    const data = encode({ t: 'aa', y: 'r', r: { id: me, values } });
    expect((parseKrpc(data, resolveDhtLimits({ maxValuesAccepted: 3 })) as KrpcResponse).values).toHaveLength(3);
  });
});

describe('malformed KRPC is dropped (null), never thrown', () => {
  const cases: Array<[string, Uint8Array]> = [
    ['empty', new Uint8Array(0)],
    ['not_a_dict', encode([1, 2])],
    ['truncated', q('ping', {}).subarray(0, 20)],
    ['trailing_garbage', new Uint8Array([...q('ping', {}), 0x78])],
    ['not_bencode', te.encode('d hello world')],
    ['missing_t', encode({ y: 'q', q: 'ping', a: { id: me } })],
    ['t_not_a_string', encode({ t: 5, y: 'q', q: 'ping', a: { id: me } })],
    ['t_too_long', encode({ t: 'x'.repeat(17), y: 'q', q: 'ping', a: { id: me } })],
    ['missing_y', encode({ t: 'aa', q: 'ping', a: { id: me } })],
    ['unknown_y', encode({ t: 'aa', y: 'z', q: 'ping', a: { id: me } })],
    ['query_without_a', encode({ t: 'aa', y: 'q', q: 'ping' })],
    ['query_a_not_a_dict', encode({ t: 'aa', y: 'q', q: 'ping', a: [me] })],
    ['query_without_q', encode({ t: 'aa', y: 'q', a: { id: me } })],
    ['id_missing', encode({ t: 'aa', y: 'q', q: 'ping', a: {} })],
    ['id_19_bytes', encode({ t: 'aa', y: 'q', q: 'ping', a: { id: new Uint8Array(19) } })],
    ['id_21_bytes', encode({ t: 'aa', y: 'q', q: 'ping', a: { id: new Uint8Array(21) } })],
    ['id_an_integer', encode({ t: 'aa', y: 'q', q: 'ping', a: { id: 1 } })],
    ['find_node_without_target', q('find_node', {})],
    ['find_node_short_target', q('find_node', { target: new Uint8Array(8) })],
    ['get_peers_without_info_hash', q('get_peers', {})],
    ['get_peers_info_hash_a_list', q('get_peers', { info_hash: [hash] })],
    ['announce_without_token', q('announce_peer', { info_hash: hash, port: 1 })],
    ['announce_token_too_long', q('announce_peer', { info_hash: hash, port: 1, token: 'x'.repeat(65) })],
    ['announce_without_port', q('announce_peer', { info_hash: hash, token: 'x' })],
    ['announce_port_zero', q('announce_peer', { info_hash: hash, token: 'x', port: 0 })],
    ['announce_port_too_big', q('announce_peer', { info_hash: hash, token: 'x', port: 65536 })],
    ['announce_port_negative', q('announce_peer', { info_hash: hash, token: 'x', port: -1 })],
    ['announce_implied_port_a_string', q('announce_peer', { info_hash: hash, token: 'x', port: 1, implied_port: 'yes' })],
    ['response_without_r', encode({ t: 'aa', y: 'r' })],
    ['response_r_not_a_dict', encode({ t: 'aa', y: 'r', r: 'x' })],
    ['response_without_id', encode({ t: 'aa', y: 'r', r: {} })],
    ['response_nodes_27_bytes', encode({ t: 'aa', y: 'r', r: { id: me, nodes: new Uint8Array(27) } })],
    ['response_nodes_a_list', encode({ t: 'aa', y: 'r', r: { id: me, nodes: [] } })],
    ['response_nodes6_39_bytes', encode({ t: 'aa', y: 'r', r: { id: me, nodes6: new Uint8Array(39) } })],
    ['response_values_not_a_list', encode({ t: 'aa', y: 'r', r: { id: me, values: new Uint8Array(6) } })],
    ['response_token_an_integer', encode({ t: 'aa', y: 'r', r: { id: me, token: 3 } })],
    ['error_not_a_list', encode({ t: 'aa', y: 'e', e: 'oops' })],
    ['error_without_code', encode({ t: 'aa', y: 'e', e: ['oops'] })],
    ['leading_zero_integer', te.encode('d1:ad2:id20:xxxxxxxxxxxxxxxxxxxxe1:q4:ping1:t2:aa1:y1:q2:roi01ee')],
    ['duplicate_keys', te.encode('d1:t2:aa1:t2:bb1:y1:qe')],
    ['too_deep', te.encode('d1:t2:aa1:y1:q1:ad2:idllllllllllllllleeeeeeeeeeeeeeeee')],
    ['over_max_packet_size', q('ping', { pad: 'x'.repeat(1600) })],
    ['string_length_past_end', te.encode('d1:t999:aa')],
    ['negative_string_length', te.encode('d1:t-2:aae')],
  ];
  it.each(cases)('%s', (_name, data) => {
    expect(() => parseKrpc(data, limits)).not.toThrow();
    expect(parseKrpc(data, limits)).toBeNull();
  });

  it('random_bytes_never_throw', () => {
    let seed = 7;
    const next = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff;
    const base = q('announce_peer', { info_hash: hash, port: 1, token: 'abc' });
    for (let i = 0; i < 5000; i++) {
      const data = base.slice();
      for (let k = 0; k < 4; k++) data[next() % data.length] = next();
      expect(() => parseKrpc(data, limits)).not.toThrow();
    }
  });
});
