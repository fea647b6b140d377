/**
 * BEP 11 ut_pex: a bencoded dict of compact peer lists, `added` / `added6` (with one flags
 * byte per peer in `added.f` / `added6.f`) and `dropped` / `dropped6`.
 */
import { encode } from '../bencode/index.js';
import { TorrentError } from '../util/errors.js';
import type { BDict } from '../bencode/index.js';
import { bytesField, decodePeerDict } from './bvalue.js';
import {
  COMPACT_PEER6_LENGTH,
  COMPACT_PEER_LENGTH,
  encodeCompactPeers,
  encodeCompactPeers6,
  parseCompactPeers,
  parseCompactPeers6,
  type PeerAddress,
} from './compact-peers.js';
import { wireLimits, type WireLimits } from './limits.js';

/** BEP 11 flag bits in `added.f`. */
export const PexFlags = Object.freeze({
  prefersEncryption: 0x01,
  seed: 0x02,
  utp: 0x04,
  holepunch: 0x08,
  reachable: 0x10,
});

export interface PexPeer extends PeerAddress {
  readonly flags: number;
}

export interface PexMessage {
  readonly added: PexPeer[];
  readonly added6: PexPeer[];
  readonly dropped: PeerAddress[];
  readonly dropped6: PeerAddress[];
  /** True if some list held more than limits.maxPexPeers peers; the rest were ignored. */
  readonly truncated: boolean;
}

export interface PexUpdate {
  readonly added?: readonly (PeerAddress & { readonly flags?: number })[];
  readonly added6?: readonly (PeerAddress & { readonly flags?: number })[];
  readonly dropped?: readonly PeerAddress[];
  readonly dropped6?: readonly PeerAddress[];
}

function flagBytes(peers: readonly { readonly flags?: number }[]): Uint8Array {
  return Uint8Array.from(peers, (p) => (p.flags ?? 0) & 0xff);
}

/** The bencoded payload for extended message id = the peer's `m.ut_pex`. */
export function encodePex(update: PexUpdate): Uint8Array {
  const added = update.added ?? [];
  const added6 = update.added6 ?? [];
  return encode(
    new Map<string, Uint8Array>([
      ['added', encodeCompactPeers(added)],
      ['added.f', flagBytes(added)],
      ['added6', encodeCompactPeers6(added6)],
      ['added6.f', flagBytes(added6)],
      ['dropped', encodeCompactPeers(update.dropped ?? [])],
      ['dropped6', encodeCompactPeers6(update.dropped6 ?? [])],
    ]),
  );
}

/** Throws TorrentError('protocol') on bad bencode or a compact list of the wrong length. */
export function parsePex(payload: Uint8Array, limits?: Partial<WireLimits>): PexMessage {
  const { maxPexPeers } = wireLimits(limits);
  const dict = decodePeerDict(payload, 'a ut_pex message');
  let truncated = false;
  const list = (key: string, entryLength: number, parse: typeof parseCompactPeers): PeerAddress[] => {
    const bytes = bytesField(dict, key);
    if (bytes === undefined) return [];
    if (bytes.length % entryLength !== 0) {
      throw new TorrentError('protocol', `peer sent ut_pex '${key}' of ${bytes.length} bytes, not a multiple of ${entryLength}`);
    }
    if (bytes.length / entryLength > maxPexPeers) truncated = true;
    return parse(bytes, maxPexPeers);
  };
  const withFlags = (peers: PeerAddress[], key: string): PexPeer[] => {
    const flags = flagsFor(dict, key, peers.length);
    return peers.map((p, i) => ({ host: p.host, port: p.port, flags: flags?.[i] ?? 0 }));
  };
  const added = withFlags(list('added', COMPACT_PEER_LENGTH, parseCompactPeers), 'added.f');
  const added6 = withFlags(list('added6', COMPACT_PEER6_LENGTH, parseCompactPeers6), 'added6.f');
  const dropped = list('dropped', COMPACT_PEER_LENGTH, parseCompactPeers);
  const dropped6 = list('dropped6', COMPACT_PEER6_LENGTH, parseCompactPeers6);
  return { added, added6, dropped, dropped6, truncated };
}

/** Flags are advisory: a missing or short `.f` list just means "no flags". */
function flagsFor(dict: BDict, key: string, count: number): Uint8Array | undefined {
  const flags = bytesField(dict, key);
  return flags !== undefined && flags.length >= count ? flags : undefined;
}
