import type { TorrentMeta } from '../metainfo/index.js';
import type { Clock } from '../util/clock.js';
import type { Bitfield } from './bitfield.js';
import type { PiecePicker } from './piece-picker.js';
import type { PeerSession } from './peer-session.js';

/**
 * What a PeerSession may see and do of its torrent. Kept narrow on purpose: a session never
 * reaches into the Torrent's other parts.
 */
export interface TorrentContext {
  readonly infoHash: Uint8Array;
  readonly localPeerId: Uint8Array;
  readonly clock: Clock;
  readonly listenPort: number;
  readonly userAgent: string;
  /** Undefined until metadata is known (magnet links). */
  readonly meta: TorrentMeta | undefined;
  readonly picker: PiecePicker | undefined;
  readonly have: Bitfield | undefined;
  /** False while too many verified pieces wait for the disk: stop requesting more. */
  canRequest(): boolean;
  /** True when no wanted piece is missing. */
  isComplete(): boolean;
  /** Private torrents (BEP 27) disable PEX and DHT. */
  readonly isPrivate: boolean;
  /** Peer exchange on for this torrent: the client allows it and the torrent is not private. */
  readonly pexEnabled: boolean;
  readonly download: RateGate;
  readonly upload: RateGate;
  readBlock(index: number, begin: number, length: number): Promise<Uint8Array>;
  /** An accepted block of a piece we requested (from a peer or a web seed, by id). `block` may be a view: copy if kept. */
  onBlock(fromId: string, index: number, begin: number, block: Uint8Array, pieceComplete: boolean): void;
  /** Endgame: `peerId` also had this block requested; send it a CANCEL. */
  onCancelElsewhere(peerId: string, index: number, begin: number, length: number): void;
  /** The raw info dict, for serving ut_metadata. */
  readonly infoBytes: Uint8Array | undefined;
  /** A metadata piece arrived from a peer (magnet). */
  onMetadataPiece(session: PeerSession, piece: number, totalSize: number, data: Uint8Array): void;
  onMetadataRejected(session: PeerSession, piece: number): void;
  /** The peer's ut_metadata support and size became known. */
  onMetadataOffer(session: PeerSession, size: number): void;
  /** Peers learned from ut_pex. */
  onPexPeers(peers: { host: string; port: number }[]): void;
  /** BEP 16 super-seeding: tell new peers we have nothing; pieces are revealed one by one. */
  readonly superSeeding?: boolean;
  /** The peer's interest changed (the choker may want to act early). */
  onInterestChanged(session: PeerSession): void;
  /** The peer named the port it listens on (BEP 10 `p`). */
  onListenPort?(session: PeerSession, port: number): void;
}

/**
 * Bandwidth as a session sees it: spend bytes already moved, learn how long to hold off.
 * Spending first and waiting after keeps the hot path to one call per block.
 */
export interface RateGate {
  /** Record `bytes` moved; returns milliseconds to wait before moving more (0 = go on). */
  spend(bytes: number): number;
  /** The tightest limit in force, bytes/s (0 = none): requests in flight are sized to it. */
  limit?(): number;
}
