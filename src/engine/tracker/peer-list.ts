/** Compact peer lists (BEP 23: 6 bytes per IPv4 peer; BEP 7: 18 bytes per IPv6 peer), bounded. */
import { parseCompactPeers, parseCompactPeers6 } from '../wire/compact-peers.js';
import type { PeerAddress } from './types.js';

/**
 * Parse at most `max` peers. A trailing partial entry is ignored rather than failing the
 * whole list; port 0 (unconnectable) is dropped.
 */
export function parseCompactPeerList(bytes: Uint8Array, size: 6 | 18, max: number): PeerAddress[] {
  const count = Math.min(Math.floor(bytes.length / size), Math.max(0, max));
  if (count === 0) return [];
  const slice = bytes.subarray(0, count * size);
  const parsed = size === 6 ? parseCompactPeers(slice) : parseCompactPeers6(slice);
  return parsed.filter((peer) => isValidPort(peer.port));
}

export function isValidPort(port: number): boolean {
  return Number.isInteger(port) && port > 0 && port <= 65535;
}
