/**
 * Compact peer lists: 4-byte IPv4 + 2-byte port (BEP 23), 16-byte IPv6 + 2-byte port (BEP 7),
 * both big-endian. Used by trackers, ut_pex (BEP 11) and the DHT.
 */
import { readUint16BE, writeUint16BE } from '../util/bytes.js';
import { TorrentError } from '../util/errors.js';
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from './ip-address.js';

export interface PeerAddress {
  readonly host: string;
  readonly port: number;
}

export const COMPACT_PEER_LENGTH = 6;
export const COMPACT_PEER6_LENGTH = 18;

function parseCompact(
  bytes: Uint8Array,
  entryLength: number,
  format: (b: Uint8Array, offset: number) => string,
  maxPeers: number,
): PeerAddress[] {
  if (bytes.length % entryLength !== 0) {
    throw new TorrentError(
      'protocol',
      `compact peer list of ${bytes.length} bytes is not a multiple of ${entryLength}`,
    );
  }
  const count = Math.min(bytes.length / entryLength, maxPeers);
  const peers: PeerAddress[] = new Array(count);
  const addressLength = entryLength - 2;
  for (let i = 0; i < count; i++) {
    const offset = i * entryLength;
    peers[i] = { host: format(bytes, offset), port: readUint16BE(bytes, offset + addressLength) };
  }
  return peers;
}

/**
 * IPv4 peers; throws TorrentError('protocol') if the length is not a multiple of 6. Entries
 * are returned as they are (port 0 included); at most `maxPeers` are read.
 */
export function parseCompactPeers(bytes: Uint8Array, maxPeers = Infinity): PeerAddress[] {
  return parseCompact(bytes, COMPACT_PEER_LENGTH, formatIPv4, maxPeers);
}

/** IPv6 peers with canonical host text ("::1"); the length must be a multiple of 18. */
export function parseCompactPeers6(bytes: Uint8Array, maxPeers = Infinity): PeerAddress[] {
  return parseCompact(bytes, COMPACT_PEER6_LENGTH, formatIPv6, maxPeers);
}

function encodeCompact(
  peers: readonly PeerAddress[],
  entryLength: number,
  parse: (host: string) => Uint8Array | null,
  family: string,
): Uint8Array {
  const out = new Uint8Array(peers.length * entryLength);
  peers.forEach((peer, i) => {
    const address = parse(peer.host);
    if (!address) throw new TorrentError('internal', `not an ${family} address: ${peer.host}`);
    if (!Number.isInteger(peer.port) || peer.port < 0 || peer.port > 0xffff) {
      throw new TorrentError('internal', `not a port number: ${peer.port}`);
    }
    out.set(address, i * entryLength);
    writeUint16BE(out, i * entryLength + entryLength - 2, peer.port);
  });
  return out;
}

/** Throws TorrentError('internal') on a host that is not IPv4 text or a bad port. */
export function encodeCompactPeers(peers: readonly PeerAddress[]): Uint8Array {
  return encodeCompact(peers, COMPACT_PEER_LENGTH, parseIPv4, 'IPv4');
}

export function encodeCompactPeers6(peers: readonly PeerAddress[]): Uint8Array {
  return encodeCompact(peers, COMPACT_PEER6_LENGTH, parseIPv6, 'IPv6');
}
