import type { Handshake } from '../wire/handshake.js';
import type { WireMessage } from '../wire/messages.js';
import {
  encodeBitfield,
  encodeChoke,
  encodeHave,
  encodeHaveAll,
  encodeHaveNone,
  encodeInterested,
  encodeNotInterested,
  encodeUnchoke,
} from '../wire/message-encoder.js';
import { equalBytes } from '../util/bytes.js';
import { errorMessage, TorrentError } from '../util/errors.js';
import { Bitfield } from './bitfield.js';
import { FastExtension, type FastLimits } from './fast-extension.js';
import { PeerDownloader } from './peer-downloader.js';
import { PeerExtensions } from './peer-extensions.js';
import { PeerUploader } from './peer-uploader.js';
import type { PeerConnection, PeerConnectionHandler } from '../peer/peer-connection.js';
import type { TorrentContext } from './torrent-context.js';
import type { PeerStats } from '../session/types.js';

export { LOCAL_EXTENSIONS } from './peer-extensions.js';

export type PeerSource = PeerStats['source'];

/**
 * One peer in one torrent: choke/interest state, what the peer has, and the message dispatch.
 * The work is in parts with one job each: PeerDownloader (our requests), PeerUploader (its
 * requests), PeerExtensions (BEP 10: ut_metadata, ut_pex), FastExtension (BEP 6 allowed-fast
 * and suggestions).
 */
export class PeerSession implements PeerConnectionHandler {
  readonly id: string;
  amChoking = true;
  amInterested = false;
  peerChoking = true;
  peerInterested = false;
  /** What the peer has; null until it says (or until we know the piece count). */
  peerHas: Bitfield | 'all' | null = null;
  readonly connectedAt: number;
  readonly fast: FastExtension;
  private readonly extensions: PeerExtensions;
  private readonly downloader: PeerDownloader;
  private readonly uploader: PeerUploader;
  private pendingBits: Uint8Array | null = null;
  private pendingHaves: number[] = [];
  private pendingHaveAll = false;
  private pendingHaveNone = false;
  private started = false;
  private inPicker = false;
  /** Our have-state went out before the check ended (or before the metadata): HAVEs follow it. */
  private haveStateDeferred = false;

  constructor(
    readonly conn: PeerConnection,
    private readonly ctx: TorrentContext,
    /**
     * How we learned of this peer. An incoming peer whose listen port (BEP 10 `p`) is a peer we
     * already knew takes that peer's source (Swarm.onListenPort); the 'I' flag still says who dialed.
     */
    public source: PeerSource,
    fastLimits: FastLimits,
    private readonly onGone: (session: PeerSession, reason: string) => void,
  ) {
    this.id = conn.address;
    this.connectedAt = ctx.clock.now();
    conn.handler = this;
    this.fast = new FastExtension(conn, ctx, fastLimits);
    this.downloader = new PeerDownloader(conn, ctx, this);
    this.extensions = new PeerExtensions(conn, ctx, this, (reqq) => this.downloader.setPeerQueue(reqq));
    this.uploader = new PeerUploader(conn, ctx, this.fast, (reason) => this.close(reason));
    conn.onDrain = () => this.uploader.pump();
  }

  get supportsFast(): boolean {
    return this.fast.enabled;
  }

  get outstandingCount(): number {
    return this.downloader.outstandingCount;
  }

  get snubbed(): boolean {
    return this.downloader.snubbed;
  }

  get remoteExtensions(): ReadonlyMap<string, number> {
    return this.extensions.remote;
  }

  get clientName(): string | undefined {
    return this.extensions.clientName;
  }

  get listenPort(): number | undefined {
    return this.extensions.listenPort;
  }

  get metadataSize(): number | undefined {
    return this.extensions.metadataSize;
  }

  // --- lifecycle -------------------------------------------------------------------------

  onHandshake(handshake: Handshake): void {
    if (!equalBytes(handshake.infoHash, this.ctx.infoHash)) throw new TorrentError('protocol', 'peer handshake is for another torrent');
    if (equalBytes(handshake.peerId, this.ctx.localPeerId)) throw new TorrentError('protocol', 'connected to ourselves');
    this.conn.sendHandshake(this.ctx.infoHash, { extended: true, fast: true, dht: false });
    this.begin();
  }

  /** Called once both handshakes are exchanged. */
  private begin(): void {
    if (this.started) return;
    this.started = true;
    const remote = this.conn.remote!;
    if (remote.extended) this.extensions.sendHandshake();
    this.sendHaveState();
  }

  onClose(reason: string): void {
    this.downloader.releaseAll();
    this.ctx.picker?.removePeer(this.id);
    this.onGone(this, reason);
  }

  close(reason: string): void {
    this.conn.close(reason);
  }

  private sendHaveState(): void {
    const fast = this.supportsFast;
    if (!this.ctx.superSeeding && !this.ctx.picker) {
      // No metadata yet, or the data on disk is still being checked (`have` grows as it goes):
      // nothing is claimed now, and every piece found is announced once the check is done.
      this.haveStateDeferred = true;
      if (fast) this.conn.send(encodeHaveNone());
      return;
    }
    const have = this.ctx.superSeeding ? undefined : this.ctx.have;
    if (!have || have.count === 0) {
      if (fast) this.conn.send(encodeHaveNone());
    } else if (have.hasAll() && fast) {
      this.conn.send(encodeHaveAll());
    } else {
      this.conn.send(encodeBitfield(have.toBytes()));
    }
  }

  /** Metadata just arrived (magnet): interpret what the peer told us before. */
  onMetadataReady(): void {
    const meta = this.ctx.meta!;
    this.conn.setPieceCount(meta.pieceCount);
    try {
      if (this.pendingHaveAll) this.setPeerHas('all');
      else if (this.pendingBits) this.setPeerHas(Bitfield.fromBytes(this.pendingBits, meta.pieceCount));
      else if (this.pendingHaveNone || this.pendingHaves.length > 0) this.setPeerHas(new Bitfield(meta.pieceCount));
      for (const index of this.pendingHaves) {
        if (index >= meta.pieceCount) throw new TorrentError('protocol', `peer announced piece ${index} of ${meta.pieceCount}`);
        this.onHave(index);
      }
    } catch (error) {
      this.close(errorMessage(error));
      return;
    }
    this.pendingBits = null;
    this.pendingHaves = [];
    this.updateInterest();
  }

  // --- messages ---------------------------------------------------------------------------

  onMessage(m: WireMessage): void {
    switch (m.type) {
      case 'piece':
        return this.downloader.onPiece(m.index, m.begin, m.block);
      case 'request':
        return this.uploader.request(m.index, m.begin, m.length);
      case 'have':
        if (!this.ctx.meta) this.pendingHaves.push(m.index);
        else this.onHave(m.index);
        return;
      case 'bitfield':
        if (!this.ctx.meta) this.pendingBits = m.bits.slice(); // the view is only lent
        else this.setPeerHas(Bitfield.fromBytes(m.bits, this.ctx.meta.pieceCount));
        return this.updateInterest();
      case 'have-all':
        if (!this.ctx.meta) this.pendingHaveAll = true;
        else this.setPeerHas('all');
        return this.updateInterest();
      case 'have-none':
        if (!this.ctx.meta) this.pendingHaveNone = true;
        else this.setPeerHas(new Bitfield(this.ctx.meta.pieceCount));
        return;
      case 'choke':
        this.peerChoking = true;
        return this.downloader.onChoke();
      case 'unchoke':
        this.peerChoking = false;
        return this.downloader.fill();
      case 'interested':
        this.peerInterested = true;
        return this.ctx.onInterestChanged(this);
      case 'not-interested':
        this.peerInterested = false;
        return this.ctx.onInterestChanged(this);
      case 'cancel':
        return this.uploader.cancel(m.index, m.begin, m.length);
      case 'reject':
        return this.downloader.onReject(m.index, m.begin);
      case 'allowed-fast':
        // Advisory (BEP 6); before the metadata the index cannot be checked, so it is dropped.
        if (!this.ctx.meta || !this.supportsFast) return;
        this.fast.onAllowedFast(m.index);
        return this.downloader.fill();
      case 'suggest':
        if (this.ctx.meta && this.supportsFast) this.fast.onSuggest(m.index);
        return;
      case 'extended':
        return this.extensions.onMessage(m.id, m.payload);
      case 'keep-alive':
      case 'port':
        return;
    }
  }

  private setPeerHas(has: Bitfield | 'all'): void {
    if (has !== 'all' && has.hasAll()) has = 'all';
    const picker = this.ctx.picker;
    if (picker && this.inPicker) picker.removePeer(this.id);
    this.peerHas = has;
    if (picker) {
      picker.addPeer(this.id, has);
      this.inPicker = true;
    }
    // BEP 6: a peer that lacks pieces learns which ones it may fetch while we choke it.
    if (has !== 'all') this.fast.offer((i) => has.get(i));
  }

  /** The torrent's picker now exists (after checking): register what the peer has. */
  attachPicker(): void {
    const picker = this.ctx.picker;
    if (!picker) return;
    if (this.haveStateDeferred) this.announceFoundPieces();
    if (this.inPicker) return;
    if (this.peerHas) {
      picker.addPeer(this.id, this.peerHas);
      this.inPicker = true;
    }
    this.updateInterest();
  }

  /** What the check found, for a peer that was told nothing while it ran: one HAVE per piece. */
  private announceFoundPieces(): void {
    this.haveStateDeferred = false;
    const have = this.ctx.have;
    if (!have || this.ctx.superSeeding) return;
    have.forEachSet((index) => this.conn.send(encodeHave(index)));
  }

  private onHave(index: number): void {
    if (this.peerHas === 'all') return;
    if (!this.peerHas) this.setPeerHas(new Bitfield(this.ctx.meta!.pieceCount));
    const bits = this.peerHas as Bitfield;
    if (bits.get(index)) return;
    bits.set(index);
    this.ctx.picker?.peerHas(this.id, index);
    if (bits.hasAll()) this.peerHas = 'all';
    if (!this.amInterested && this.ctx.have && !this.ctx.have.get(index)) this.updateInterest();
  }

  /** Another peer delivered a block we also asked this one for (endgame). */
  cancel(index: number, begin: number, length: number): void {
    this.downloader.cancel(index, begin, length);
  }

  // --- downloading ------------------------------------------------------------------------

  updateInterest(): void {
    const picker = this.ctx.picker;
    const interested = !!picker && this.peerHas !== null && picker.isPeerInteresting(this.id);
    if (interested !== this.amInterested) {
      this.amInterested = interested;
      this.conn.send(interested ? encodeInterested() : encodeNotInterested());
    }
    if (interested) this.downloader.fill();
  }

  fillRequests(): void {
    this.downloader.fill();
  }

  /** Streaming seeked: requests outside the time-critical window make way (PeerDownloader.yieldTo). */
  yieldTo(isCritical: (index: number) => boolean): void {
    this.downloader.yieldTo(isCritical);
  }

  /** Periodic upkeep (about once a second): pipeline size, snubbing. */
  tick(now: number): void {
    this.downloader.tick(now);
  }

  /** We completed a piece: tell the peer, and drop interest if nothing is left to want. */
  announceHave(index: number): void {
    this.conn.send(encodeHave(index));
    this.fast.onPieceVerified(index);
    const picker = this.ctx.picker;
    if (this.amInterested && this.peerHas && picker && !picker.isPeerInteresting(this.id) && this.downloader.outstandingCount === 0) {
      this.updateInterest();
    }
  }

  // --- uploading --------------------------------------------------------------------------

  setChoked(choke: boolean): void {
    if (choke === this.amChoking) return;
    this.amChoking = choke;
    this.conn.send(choke ? encodeChoke() : encodeUnchoke());
    this.uploader.setChoked(choke);
  }

  // --- extension protocol (BEP 10) ---------------------------------------------------------

  requestMetadataPiece(piece: number): void {
    this.extensions.requestMetadataPiece(piece);
  }

  // --- stats ------------------------------------------------------------------------------

  stats(): PeerStats {
    const meta = this.ctx.meta;
    const count = this.peerHas === 'all' ? (meta?.pieceCount ?? 1) : (this.peerHas?.count ?? 0);
    let flags = '';
    if (this.amInterested && !this.peerChoking) flags += 'D';
    else if (this.amInterested) flags += 'd';
    if (this.peerInterested && !this.amChoking) flags += 'U';
    else if (this.peerInterested) flags += 'u';
    if (this.snubbed) flags += 'S';
    if (!this.conn.outgoing) flags += 'I';
    if (this.conn.encrypted) flags += 'E';
    if (this.conn.transport === 'utp') flags += 'P';
    return {
      address: this.id,
      ...(this.clientName !== undefined ? { client: this.clientName } : {}),
      downloadRate: this.conn.downloaded.rate(),
      uploadRate: this.conn.uploaded.rate(),
      downloaded: this.conn.downloaded.total,
      uploaded: this.conn.uploaded.total,
      progress: meta ? count / meta.pieceCount : 0,
      flags,
      source: this.source,
    };
  }
}


