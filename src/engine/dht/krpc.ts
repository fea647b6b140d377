/**
 * KRPC (BEP 5): bencoded dicts over UDP. `t` transaction id, `y` type ("q" query, "r" response,
 * "e" error); queries carry `q` (method) and `a` (arguments), responses `r`, errors `e` =
 * [code, message]. Parsing never throws: anything malformed comes back as null and is dropped,
 * because a DHT hears from everyone and owes a broken packet nothing.
 */
import type { Endpoint } from '../../platform/interfaces/index.js';
import { decode, encode, type BDict, type BEncodable, type BValue } from '../bencode/index.js';
import { decodeNodes, decodePeer, encodeNodes, encodePeer, type NodeInfo } from './compact.js';
import type { DhtLimits } from './limits.js';
import { isId } from './node-id.js';

export type QueryMethod = 'ping' | 'find_node' | 'get_peers' | 'announce_peer';

export interface KrpcQuery {
  kind: 'query';
  t: Uint8Array;
  /** A method we do not know is kept by name, to answer "204 Method Unknown". */
  method: QueryMethod | 'unknown';
  id: Uint8Array;
  /** find_node */
  target?: Uint8Array;
  /** get_peers, announce_peer */
  infoHash?: Uint8Array;
  /** announce_peer */
  port?: number;
  impliedPort?: boolean;
  token?: Uint8Array;
  /** BEP 43: the querier does not answer queries; keep it out of routing tables. */
  readOnly: boolean;
  /** BEP 32 `want`: which families of nodes the querier asks for. */
  want?: { n4: boolean; n6: boolean };
}

export interface KrpcResponse {
  kind: 'response';
  t: Uint8Array;
  id: Uint8Array;
  nodes: NodeInfo[];
  nodes6: NodeInfo[];
  values: Endpoint[];
  token?: Uint8Array;
}

export interface KrpcError {
  kind: 'error';
  t: Uint8Array;
  code: number;
  message: string;
}

export type KrpcMessage = KrpcQuery | KrpcResponse | KrpcError;

/** BEP 5 error codes. */
export const ERROR_GENERIC = 201;
export const ERROR_SERVER = 202;
export const ERROR_PROTOCOL = 203;
export const ERROR_METHOD_UNKNOWN = 204;

const decoder = new TextDecoder();
/** A KRPC message is a bencoded dict, so its first byte is 'd' (uTP headers never start so). */
const CH_D = 0x64;

function bytesField(dict: BDict, key: string): Uint8Array | undefined {
  const v = dict.get(key);
  return v instanceof Uint8Array ? v : undefined;
}

function text(value: BValue | undefined): string | undefined {
  return value instanceof Uint8Array ? decoder.decode(value) : undefined;
}

function parseQuery(t: Uint8Array, top: BDict, limits: DhtLimits): KrpcQuery | null {
  const q = text(top.get('q'));
  const a = top.get('a');
  if (q === undefined || !(a instanceof Map)) return null;
  const id = bytesField(a, 'id');
  if (!isId(id)) return null;
  const ro = top.get('ro');
  const base: KrpcQuery = { kind: 'query', t, method: 'unknown', id, readOnly: ro === 1 };
  const want = a.get('want');
  if (Array.isArray(want)) {
    const names = want.map(text);
    base.want = { n4: names.includes('n4'), n6: names.includes('n6') };
  }
  switch (q) {
    case 'ping':
      return { ...base, method: 'ping' };
    case 'find_node': {
      const target = bytesField(a, 'target');
      return isId(target) ? { ...base, method: 'find_node', target } : null;
    }
    case 'get_peers': {
      const infoHash = bytesField(a, 'info_hash');
      return isId(infoHash) ? { ...base, method: 'get_peers', infoHash } : null;
    }
    case 'announce_peer': {
      const infoHash = bytesField(a, 'info_hash');
      const token = bytesField(a, 'token');
      const port = a.get('port');
      const implied = a.get('implied_port');
      if (!isId(infoHash) || !token || token.length > limits.maxTokenLength) return null;
      if (implied !== undefined && typeof implied !== 'number') return null;
      const impliedPort = implied !== undefined && implied !== 0;
      // BEP 5: with implied_port set the port argument is ignored (and may be absent).
      if (!impliedPort && (typeof port !== 'number' || port < 1 || port > 0xffff)) return null;
      // With implied_port the port argument is ignored, but a value out of range is not passed on.
      const validPort = typeof port === 'number' && Number.isInteger(port) && port >= 1 && port <= 0xffff;
      return { ...base, method: 'announce_peer', infoHash, token, impliedPort, ...(validPort ? { port } : {}) };
    }
    default:
      return base;
  }
}

function parseResponse(t: Uint8Array, top: BDict, limits: DhtLimits): KrpcResponse | null {
  const r = top.get('r');
  if (!(r instanceof Map)) return null;
  const id = bytesField(r, 'id');
  if (!isId(id)) return null;
  const out: KrpcResponse = { kind: 'response', t, id, nodes: [], nodes6: [], values: [] };
  const nodes = r.get('nodes');
  if (nodes !== undefined) {
    if (!(nodes instanceof Uint8Array)) return null;
    const list = decodeNodes(nodes, 4, limits.maxNodesAccepted);
    if (!list) return null;
    out.nodes = list;
  }
  const nodes6 = r.get('nodes6');
  if (nodes6 !== undefined) {
    if (!(nodes6 instanceof Uint8Array)) return null;
    const list = decodeNodes(nodes6, 6, limits.maxNodesAccepted);
    if (!list) return null;
    out.nodes6 = list;
  }
  const values = r.get('values');
  if (values !== undefined) {
    if (!Array.isArray(values)) return null;
    for (const v of values) {
      if (out.values.length >= limits.maxValuesAccepted) break;
      // A wrong-sized entry is skipped, not fatal: the rest of the list is still good peers.
      const peer = v instanceof Uint8Array ? decodePeer(v) : null;
      if (peer) out.values.push(peer);
    }
  }
  const token = r.get('token');
  if (token !== undefined) {
    if (!(token instanceof Uint8Array) || token.length > limits.maxTokenLength) return null;
    out.token = token.slice();
  }
  return out;
}

function parseError(t: Uint8Array, top: BDict): KrpcError | null {
  const e = top.get('e');
  if (!Array.isArray(e) || typeof e[0] !== 'number') return null;
  return { kind: 'error', t, code: e[0], message: (text(e[1]) ?? '').slice(0, 200) };
}

/** The KRPC message in a datagram, or null for anything that is not well-formed KRPC. */
export function parseKrpc(data: Uint8Array, limits: DhtLimits): KrpcMessage | null {
  if (data.length < 2 || data.length > limits.maxPacketSize || data[0] !== CH_D) return null;
  let top: BValue;
  try {
    // KRPC nests three deep at most (dict → dict → list); a deeper packet is not KRPC.
    top = decode(data, { maxTotalSize: limits.maxPacketSize, maxDepth: 6, maxTokens: 4096 });
  } catch {
    return null;
  }
  if (!(top instanceof Map)) return null;
  const t = bytesField(top, 't');
  if (!t || t.length > limits.maxTransactionIdLength) return null;
  const tid = t.slice();
  switch (text(top.get('y'))) {
    case 'q':
      return parseQuery(tid, top, limits);
    case 'r':
      return parseResponse(tid, top, limits);
    case 'e':
      return parseError(tid, top);
    default:
      return null;
  }
}

/** Our client version (BEP 5 `v`): two letters and a version. */
const VERSION = new Uint8Array([0x54, 0x45, 0x00, 0x01]); // "TE" 0.1

export interface QueryArgs {
  target?: Uint8Array;
  info_hash?: Uint8Array;
  port?: number;
  implied_port?: number;
  token?: Uint8Array;
}

export function encodeQuery(t: Uint8Array, method: QueryMethod, id: Uint8Array, args: QueryArgs = {}): Uint8Array {
  return encode({ t, y: 'q', q: method, a: { id, ...args }, v: VERSION });
}

export interface ResponseBody {
  nodes?: readonly NodeInfo[];
  nodes6?: readonly NodeInfo[];
  values?: readonly Endpoint[];
  token?: Uint8Array;
}

/**
 * A response. `requester` is echoed in `ip` (BEP 42) so the querier learns its external address.
 * Empty node lists are left out rather than sent empty.
 */
export function encodeResponse(t: Uint8Array, id: Uint8Array, body: ResponseBody, requester?: Endpoint): Uint8Array {
  const r: Record<string, BEncodable | undefined> = { id };
  if (body.nodes) r['nodes'] = encodeNodes(body.nodes, 4);
  if (body.nodes6) {
    const n6 = encodeNodes(body.nodes6, 6);
    if (n6.length > 0) r['nodes6'] = n6;
  }
  if (body.values) {
    const values: Uint8Array[] = [];
    for (const v of body.values) {
      const peer = encodePeer(v);
      if (peer) values.push(peer);
    }
    r['values'] = values;
  }
  if (body.token) r['token'] = body.token;
  const top: Record<string, BEncodable | undefined> = { t, y: 'r', r, v: VERSION };
  const ip = requester ? encodePeer(requester) : null;
  if (ip) top['ip'] = ip;
  return encode(top);
}

export function encodeError(t: Uint8Array, code: number, message: string): Uint8Array {
  return encode({ t, y: 'e', e: [code, message], v: VERSION });
}
