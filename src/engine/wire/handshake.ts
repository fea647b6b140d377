/**
 * BEP 3 handshake: <pstrlen=19><"BitTorrent protocol"><8 reserved bytes><info_hash 20><peer_id 20>.
 */
import { TorrentError } from '../util/errors.js';

export const PROTOCOL = 'BitTorrent protocol';
export const HANDSHAKE_LENGTH = 68;

const PROTOCOL_BYTES = Uint8Array.from(PROTOCOL, (c) => c.charCodeAt(0));

export interface Handshake {
  readonly infoHash: Uint8Array;
  readonly peerId: Uint8Array;
  /** BEP 10 extension protocol: reserved[5] & 0x10. */
  readonly extended: boolean;
  /** BEP 6 fast extension: reserved[7] & 0x04. */
  readonly fast: boolean;
  /** BEP 5 DHT (the peer sends PORT): reserved[7] & 0x01. */
  readonly dht: boolean;
}

export interface HandshakeOptions {
  readonly infoHash: Uint8Array;
  readonly peerId: Uint8Array;
  readonly extended?: boolean;
  readonly fast?: boolean;
  readonly dht?: boolean;
}

export function encodeHandshake(options: HandshakeOptions): Uint8Array {
  if (options.infoHash.length !== 20) throw new TorrentError('internal', 'handshake info hash must be 20 bytes');
  if (options.peerId.length !== 20) throw new TorrentError('internal', 'handshake peer id must be 20 bytes');
  const out = new Uint8Array(HANDSHAKE_LENGTH);
  out[0] = 19;
  out.set(PROTOCOL_BYTES, 1);
  if (options.extended) out[20 + 5]! |= 0x10;
  if (options.fast) out[20 + 7]! |= 0x04;
  if (options.dht) out[20 + 7]! |= 0x01;
  out.set(options.infoHash, 28);
  out.set(options.peerId, 48);
  return out;
}

/** True if `bytes` could still be the start of a handshake (used to fail fast on junk). */
export function isHandshakePrefix(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 20);
  if (n > 0 && bytes[0] !== 19) return false;
  for (let i = 1; i < n; i++) if (bytes[i] !== PROTOCOL_BYTES[i - 1]) return false;
  return true;
}

/** Parse exactly 68 bytes; throws TorrentError('protocol') if they are not a BEP 3 handshake. */
export function parseHandshake(bytes: Uint8Array): Handshake {
  if (bytes.length !== HANDSHAKE_LENGTH) {
    throw new TorrentError('protocol', `peer handshake is ${bytes.length} bytes, expected ${HANDSHAKE_LENGTH}`);
  }
  if (!isHandshakePrefix(bytes)) {
    throw new TorrentError('protocol', 'peer did not send a BitTorrent handshake (wrong protocol string)');
  }
  const reserved5 = bytes[20 + 5]!;
  const reserved7 = bytes[20 + 7]!;
  return {
    infoHash: bytes.slice(28, 48),
    peerId: bytes.slice(48, 68),
    extended: (reserved5 & 0x10) !== 0,
    fast: (reserved7 & 0x04) !== 0,
    dht: (reserved7 & 0x01) !== 0,
  };
}
