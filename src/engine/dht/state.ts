/**
 * What the DHT keeps across restarts: its node id (so other nodes' tables stay valid) and the
 * good nodes it knew (so it can rejoin without the bootstrap nodes). Bencoded
 * `{id, nodes, nodes6}` with compact node info (BEP 5 / BEP 32). A damaged state is ignored.
 */
import { decode, encode } from '../bencode/index.js';
import { decodeNodes, encodeNodes, type NodeInfo } from './compact.js';
import { isId } from './node-id.js';

export interface DhtState {
  id: Uint8Array;
  nodes: NodeInfo[];
}

export function encodeDhtState(state: DhtState): Uint8Array {
  return encode({ id: state.id, nodes: encodeNodes(state.nodes, 4), nodes6: encodeNodes(state.nodes, 6) });
}

/** The saved state, or null when the bytes are not one (then the DHT starts afresh). */
export function decodeDhtState(bytes: Uint8Array, maxNodes: number): DhtState | null {
  try {
    const top = decode(bytes, { maxDepth: 2, maxTotalSize: 1_000_000 });
    if (!(top instanceof Map)) return null;
    const id = top.get('id');
    if (!(id instanceof Uint8Array) || !isId(id)) return null;
    const nodes: NodeInfo[] = [];
    for (const [key, family] of [['nodes', 4], ['nodes6', 6]] as const) {
      const value = top.get(key);
      if (!(value instanceof Uint8Array)) continue;
      nodes.push(...(decodeNodes(value, family, maxNodes) ?? []));
    }
    return { id: id.slice(), nodes: nodes.slice(0, maxNodes) };
  } catch {
    return null;
  }
}
