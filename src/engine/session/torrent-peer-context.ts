import type { TorrentMeta } from '../metainfo/index.js';
import type { Bitfield } from '../swarm/bitfield.js';
import type { PiecePicker } from '../swarm/piece-picker.js';
import type { PeerSession } from '../swarm/peer-session.js';
import type { Swarm } from '../swarm/swarm.js';
import type { RateGate, TorrentContext } from '../swarm/torrent-context.js';
import type { Clock } from '../util/clock.js';
import { TorrentError } from '../util/errors.js';
import type { MetadataFetcher } from './metadata-fetcher.js';
import type { TorrentPieces } from './torrent-pieces.js';

/** The parts of a Torrent its peers reach, looked up at call time (they come and go). */
export interface PeerContextHost {
  readonly infoHash: Uint8Array;
  readonly download: RateGate;
  readonly upload: RateGate;
  readonly clock: Clock;
  readonly localPeerId: Uint8Array;
  readonly userAgent: string;
  listenPort(): number;
  pexAllowed(): boolean;
  meta(): TorrentMeta | undefined;
  pieces(): TorrentPieces | undefined;
  fetcher(): MetadataFetcher | undefined;
  swarm(): Swarm;
  superSeeding(): boolean;
  addPexPeers(peers: { host: string; port: number }[]): void;
  /** A piece's last block arrived: hash it and write it. */
  completePiece(index: number): void;
}

/**
 * What the swarm and its peer sessions see of a torrent (TorrentContext): its data, its gates,
 * and where blocks, metadata pieces and PEX peers go. Keeps the Torrent itself to its state
 * machine.
 */
export class TorrentPeerContext implements TorrentContext {
  readonly infoHash: Uint8Array;
  readonly localPeerId: Uint8Array;
  readonly clock: Clock;
  readonly userAgent: string;
  readonly download: RateGate;
  readonly upload: RateGate;

  constructor(private readonly host: PeerContextHost) {
    this.infoHash = host.infoHash;
    this.localPeerId = host.localPeerId;
    this.clock = host.clock;
    this.userAgent = host.userAgent;
    this.download = host.download;
    this.upload = host.upload;
  }

  get listenPort(): number {
    return this.host.listenPort();
  }
  get meta(): TorrentMeta | undefined {
    return this.host.meta();
  }
  get have(): Bitfield | undefined {
    return this.host.pieces()?.have;
  }
  get picker(): PiecePicker | undefined {
    return this.host.pieces()?.picker;
  }
  get infoBytes(): Uint8Array | undefined {
    return this.host.meta()?.infoBytes;
  }
  get isPrivate(): boolean {
    return this.host.meta()?.private ?? false;
  }
  get pexEnabled(): boolean {
    return this.host.pexAllowed() && !this.isPrivate;
  }

  get superSeeding(): boolean {
    return this.host.superSeeding();
  }

  canRequest(): boolean {
    return this.host.pieces()?.canRequest() ?? false;
  }

  isComplete(): boolean {
    return this.host.pieces()?.isComplete() ?? false;
  }

  readBlock(index: number, begin: number, length: number): Promise<Uint8Array> {
    const pieces = this.host.pieces();
    if (!pieces) return Promise.reject(new TorrentError('internal', 'no storage yet'));
    return pieces.store.readBlock(index, begin, length);
  }

  onBlock(fromId: string, index: number, begin: number, block: Uint8Array, pieceComplete: boolean): void {
    this.host.pieces()!.addBlock(index, begin, block, fromId);
    if (pieceComplete) this.host.completePiece(index);
  }

  onCancelElsewhere(peerId: string, index: number, begin: number, length: number): void {
    this.host.swarm().sessions.get(peerId)?.cancel(index, begin, length);
  }

  onMetadataOffer(session: PeerSession, size: number): void {
    this.host.fetcher()?.offer(session, size);
  }

  onMetadataPiece(session: PeerSession, piece: number, _totalSize: number, data: Uint8Array): void {
    this.host.fetcher()?.onData(session, piece, data);
  }

  onMetadataRejected(session: PeerSession, piece: number): void {
    this.host.fetcher()?.onReject(session, piece);
  }

  onPexPeers(peers: { host: string; port: number }[]): void {
    this.host.addPexPeers(peers);
  }

  onInterestChanged(session: PeerSession): void {
    this.host.swarm().onInterest(session);
  }

  onListenPort(session: PeerSession, port: number): void {
    this.host.swarm().onListenPort(session, port);
  }
}
