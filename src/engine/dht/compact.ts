/**
 * Compact node and peer info: "compact node info" is the 20-byte id followed by the compact peer
 * info, 4-byte IPv4 and 2-byte port (BEP 5: 26 bytes); BEP 32 uses 16-byte IPv6 (38 bytes).
 * Hosts are text as the platform gives them ("127.0.0.1", "::1").
 */
import type { Endpoint } from '../../platform/interfaces/index.js';
import { readUint16BE, writeUint16BE } from '../util/bytes.js';
import { ID_LENGTH } from './node-id.js';

export interface NodeInfo {
  id: Uint8Array;
  endpoint: Endpoint;
}

export const COMPACT_NODE_V4 = ID_LENGTH + 6;
export const COMPACT_NODE_V6 = ID_LENGTH + 18;

/** The 4 bytes of a dotted-quad IPv4 address (an IPv4-mapped IPv6 address counts), or null. */
export function parseIPv4(host: string): Uint8Array | null {
  const text = host.startsWith('::ffff:') ? host.slice(7) : host;
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!/^\d{1,3}$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    out[i] = n;
  }
  return out;
}

/** The 16 bytes of a textual IPv6 address (with `::` and an optional dotted-quad tail), or null. */
export function parseIPv6(host: string): Uint8Array | null {
  let text = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (!text.includes(':')) return null;
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (part: string): number[] | null => {
    if (part === '') return [];
    const out: number[] = [];
    const items = part.split(':');
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      if (i === items.length - 1 && item.includes('.')) {
        const v4 = parseIPv4(item);
        if (!v4) return null;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(item)) {
        out.push(parseInt(item, 16));
      } else {
        return null;
      }
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const all = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) writeUint16BE(out, i * 2, all[i]!);
  return out;
}

function formatIPv6(bytes: Uint8Array, offset: number): string {
  const groups: string[] = [];
  for (let i = 0; i < 8; i++) groups.push(readUint16BE(bytes, offset + i * 2).toString(16));
  return groups.join(':');
}

export function isIPv6Host(host: string): boolean {
  return host.includes(':') && !host.startsWith('::ffff:');
}

/** 6 bytes (IPv4) or 18 bytes (IPv6) for an endpoint, or null when its host is not an IP address. */
export function encodePeer(endpoint: Endpoint): Uint8Array | null {
  if (!Number.isInteger(endpoint.port) || endpoint.port < 0 || endpoint.port > 0xffff) return null;
  const ip = parseIPv4(endpoint.host) ?? parseIPv6(endpoint.host);
  if (!ip) return null;
  const out = new Uint8Array(ip.length + 2);
  out.set(ip);
  writeUint16BE(out, ip.length, endpoint.port);
  return out;
}

/** Reads a 6- or 18-byte compact peer; null for any other length or for port 0. */
export function decodePeer(bytes: Uint8Array, offset = 0, length = bytes.length - offset): Endpoint | null {
  let host: string;
  if (length === 6) host = `${bytes[offset]}.${bytes[offset + 1]}.${bytes[offset + 2]}.${bytes[offset + 3]}`;
  else if (length === 18) host = formatIPv6(bytes, offset);
  else return null;
  const port = readUint16BE(bytes, offset + length - 2);
  if (port === 0) return null;
  return { host, port };
}

/**
 * Compact node infos of one family (`nodes`: IPv4, `nodes6`: IPv6). Null when the length is not
 * a multiple of the entry size; entries with port 0 are skipped; at most `max` are read.
 */
export function decodeNodes(bytes: Uint8Array, family: 4 | 6, max: number): NodeInfo[] | null {
  const size = family === 4 ? COMPACT_NODE_V4 : COMPACT_NODE_V6;
  if (bytes.length % size !== 0) return null;
  const out: NodeInfo[] = [];
  for (let at = 0; at < bytes.length && out.length < max; at += size) {
    const endpoint = decodePeer(bytes, at + ID_LENGTH, size - ID_LENGTH);
    if (!endpoint) continue;
    out.push({ id: bytes.slice(at, at + ID_LENGTH), endpoint });
  }
  return out;
}

/** Compact node infos of the given family; nodes of the other family are left out. */
export function encodeNodes(nodes: readonly NodeInfo[], family: 4 | 6): Uint8Array {
  const size = family === 4 ? COMPACT_NODE_V4 : COMPACT_NODE_V6;
  const parts: Uint8Array[] = [];
  for (const node of nodes) {
    const peer = encodePeer(node.endpoint);
    if (!peer || peer.length !== size - ID_LENGTH) continue;
    parts.push(node.id, peer);
  }
  const out = new Uint8Array((parts.length / 2) * size);
  for (let i = 0; i < parts.length; i += 2) {
    out.set(parts[i]!, (i / 2) * size);
    out.set(parts[i + 1]!, (i / 2) * size + ID_LENGTH);
  }
  return out;
}

/** "host:port", the key peers and nodes are told apart by (many share 127.0.0.1: INTEROP.md). */
export function endpointKey(endpoint: Endpoint): string {
  return `${endpoint.host}:${endpoint.port}`;
}
