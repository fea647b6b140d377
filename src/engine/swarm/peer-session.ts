import type { Handshake } from '../wire/handshake.js';
import type { WireMessage } from '../wire/messages.js';
import {
  encodeBitfield,
  encodeCancel,
  encodeChoke,
  encodeExtended,
  encodeHave,
  encodeHaveAll,
  encodeHaveNone,
  encodeInterested,
  encodeNotInterested,
  encodeUnchoke,
} from '../wire/message-encoder.js';
import { encodeExtendedHandshake, parseExtendedHandshake } from '../wire/extension-handshake.js';
import { encodeMetadataData, encodeMetadataReject, encodeMetadataRequest, parseMetadataMessage } from '../wire/ut-metadata.js';
import { parsePex } from '../wire/ut-pex.js';
import { BLOCK_LENGTH } from '../wire/limits.js';
import { equalBytes, writeUint32BE } from '../util/bytes.js';
import { errorMessage, TorrentError } from '../util/errors.js';
import { Bitfield } from './bitfield.js';
import { MAX_UPLOAD_QUEUE, PeerUploader } from './peer-uploader.js';
import type { PeerConnection, PeerConnectionHandler } from '../peer/peer-connection.js';
import type { TorrentContext } from './torrent-context.js';
import type { PeerStats } from '../session/types.js';

/** Our BEP 10 extension ids (what peers must use when sending to us). */
export const LOCAL_EXTENSIONS = { ut_metadata: 1, ut_pex: 2 } as const;

const MIN_PIPELINE = 16;
const MAX_PIPELINE = 500;
const INITIAL_PIPELINE = 128;
/** Requests worth this many seconds of the peer's rate are kept in flight. */
const PIPELINE_SECONDS = 0.5;
const SNUB_AFTER_MS = 30_000;

export type PeerSource = PeerStats['source'];

/** Key for one of our outstanding requests: piece index and block number. */
function blockKey(index: number, begin: number): number {
  return index * 65536 + Math.floor(begin / BLOCK_LENGTH);
}

/**
 * One peer in one torrent: choke/interest state, the request pipeline sized to the peer's rate,
 * serving its requests, and the extension protocol (ut_metadata, ut_pex).
 */
export class PeerSession implements PeerConnectionHandler {
  readonly id: string;
  amChoking = true;
  amInterested = false;
  peerChoking = true;
  peerInterested = false;
  snubbed = false;
  /** What the peer has; null until it says (or until we know the piece count). */
  peerHas: Bitfield | 'all' | null = null;
  clientName: string | undefined;
  listenPort: number | undefined;
  remoteExtensions = new Map<string, number>();
  metadataSize: number | undefined;
  readonly connectedAt: number;
  /** Our requests in flight: block key -> time sent. */
  private readonly outstanding = new Map<number, number>();
  private pipeline = INITIAL_PIPELINE;
  private peerReqq = 250;
  private lastBlockAt: number;
  private readonly uploader: PeerUploader;
  private downloadPausedUntil = 0;
  private pendingBits: Uint8Array | null = null;
  private pendingHaves: number[] = [];
  private pendingHaveAll = false;
  private pendingHaveNone = false;
  private started = false;
  private inPicker = false;

  constructor(
    readonly conn: PeerConnection,
    private readonly ctx: TorrentContext,
    readonly source: PeerSource,
    private readonly onGone: (session: PeerSession, reason: string) => void,
  ) {
    this.id = conn.address;
    this.connectedAt = this.lastBlockAt = ctx.clock.now();
    conn.handler = this;
    this.uploader = new PeerUploader(conn, ctx, () => this.supportsFast, (reason) => this.close(reason));
    conn.onDrain = () => this.uploader.pump();
  }

  get supportsFast(): boolean {
    return this.conn.remote?.fast ?? false;
  }

  get outstandingCount(): number {
    return this.outstanding.size;
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
    if (remote.extended) this.sendExtendedHandshake();
    this.sendHaveState();
  }

  onClose(reason: string): void {
    this.releaseAll();
    this.ctx.picker?.removePeer(this.id);
    this.onGone(this, reason);
  }

  close(reason: string): void {
    this.conn.close(reason);
  }

  private sendExtendedHandshake(): void {
    const payload = encodeExtendedHandshake({
      m: this.ctx.pexEnabled ? { ...LOCAL_EXTENSIONS } : { ut_metadata: LOCAL_EXTENSIONS.ut_metadata },
      ...(this.ctx.infoBytes ? { metadataSize: this.ctx.infoBytes.length } : {}),
      clientName: this.ctx.userAgent,
      listenPort: this.ctx.listenPort,
      reqq: MAX_UPLOAD_QUEUE,
    });
    this.conn.send(encodeExtended(0, payload));
  }

  private sendHaveState(): void {
    const have = this.ctx.superSeeding ? undefined : this.ctx.have;
    const fast = this.supportsFast;
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
        return this.onPiece(m.index, m.begin, m.block);
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
        // BEP 6: with the fast extension, a choke does not cancel requests; rejects will.
        if (!this.supportsFast) this.releaseAll();
        return;
      case 'unchoke':
        this.peerChoking = false;
        return this.fillRequests();
      case 'interested':
        this.peerInterested = true;
        return this.ctx.onInterestChanged(this);
      case 'not-interested':
        this.peerInterested = false;
        return this.ctx.onInterestChanged(this);
      case 'cancel':
        return this.uploader.cancel(m.index, m.begin, m.length);
      case 'reject':
        return this.onReject(m.index, m.begin);
      case 'extended':
        return this.onExtended(m.id, m.payload);
      case 'keep-alive':
      case 'port':
      case 'suggest':
      case 'allowed-fast':
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
  }

  /** The torrent's picker now exists (after checking): register what the peer has. */
  attachPicker(): void {
    const picker = this.ctx.picker;
    if (!picker || this.inPicker) return;
    if (this.peerHas) {
      picker.addPeer(this.id, this.peerHas);
      this.inPicker = true;
    }
    this.updateInterest();
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

  private onPiece(index: number, begin: number, block: Uint8Array): void {
    const key = blockKey(index, begin);
    if (!this.outstanding.delete(key) || block.length === 0) return; // never requested: dropped
    const now = this.ctx.clock.now();
    this.lastBlockAt = now;
    this.snubbed = false;
    this.conn.downloaded.add(block.length);
    const picker = this.ctx.picker;
    if (picker) {
      const result = picker.onBlockReceived(this.id, index, begin);
      if (result.accepted) this.ctx.onBlock(this.id, index, begin, block, result.pieceComplete);
      for (const other of result.cancelFrom) this.ctx.onCancelElsewhere(other, index, begin, block.length);
    }
    const wait = this.ctx.download.spend(block.length);
    if (wait > 0) this.throttleDownload(now, wait);
    this.fillRequests();
  }

  private throttleDownload(now: number, wait: number): void {
    if (this.downloadPausedUntil > now) return;
    this.downloadPausedUntil = now + wait;
    this.conn.pauseReading();
    this.ctx.clock.setTimeout(() => {
      this.downloadPausedUntil = 0;
      if (this.conn.closed) return;
      this.conn.resumeReading();
      this.fillRequests();
    }, wait);
  }

  private onReject(index: number, begin: number): void {
    if (this.outstanding.delete(blockKey(index, begin))) this.ctx.picker?.onRequestFailed(this.id, index, begin);
  }

  /** Another peer delivered a block we also asked this one for (endgame). */
  cancel(index: number, begin: number, length: number): void {
    if (this.outstanding.delete(blockKey(index, begin))) this.conn.send(encodeCancel(index, begin, length));
  }

  // --- downloading ------------------------------------------------------------------------

  updateInterest(): void {
    const picker = this.ctx.picker;
    const interested = !!picker && this.peerHas !== null && picker.isPeerInteresting(this.id);
    if (interested !== this.amInterested) {
      this.amInterested = interested;
      this.conn.send(interested ? encodeInterested() : encodeNotInterested());
    }
    if (interested) this.fillRequests();
  }

  /** Keep the pipeline full; picks in batches so picking stays off the per-block path. */
  fillRequests(): void {
    const picker = this.ctx.picker;
    if (this.peerChoking || !this.amInterested || !picker || !this.peerHas || this.snubbed) return;
    if (this.downloadPausedUntil > 0 || !this.ctx.canRequest()) return;
    const room = this.pipeline - this.outstanding.size;
    if (room <= 0 || (this.outstanding.size > 0 && room < this.pipeline / 4)) return;
    const blocks = picker.pickBlocks(this.id, this.peerHas, room);
    if (blocks.length === 0) {
      if (this.outstanding.size === 0 && !picker.isPeerInteresting(this.id)) this.updateInterest();
      return;
    }
    const now = this.ctx.clock.now();
    const batch = new Uint8Array(blocks.length * 17);
    for (let i = 0; i < blocks.length; i++) {
      const b = blocks[i]!;
      const o = i * 17;
      writeUint32BE(batch, o, 13);
      batch[o + 4] = 6;
      writeUint32BE(batch, o + 5, b.index);
      writeUint32BE(batch, o + 9, b.begin);
      writeUint32BE(batch, o + 13, b.length);
      this.outstanding.set(blockKey(b.index, b.begin), now);
    }
    this.conn.send(batch);
  }

  /** Periodic upkeep (about once a second): pipeline size, snubbing. */
  tick(now: number): void {
    const rate = this.conn.downloaded.rate();
    const wanted = Math.ceil((rate * PIPELINE_SECONDS) / BLOCK_LENGTH) + MIN_PIPELINE;
    this.pipeline = Math.max(MIN_PIPELINE, Math.min(wanted, MAX_PIPELINE, this.peerReqq));
    if (this.outstanding.size > 0 && now - this.lastBlockAt > SNUB_AFTER_MS && !this.snubbed) {
      this.snubbed = true;
      this.releaseAll();
    }
    this.fillRequests();
  }

  private releaseAll(): void {
    const picker = this.ctx.picker;
    for (const key of this.outstanding.keys()) {
      const index = Math.floor(key / 65536);
      picker?.onRequestFailed(this.id, index, (key % 65536) * BLOCK_LENGTH);
    }
    this.outstanding.clear();
  }

  /** We completed a piece: tell the peer, and drop interest if nothing is left to want. */
  announceHave(index: number): void {
    this.conn.send(encodeHave(index));
    if (this.amInterested && this.peerHas && this.ctx.picker && !this.ctx.picker.isPeerInteresting(this.id) && this.outstanding.size === 0) {
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

  private onExtended(id: number, payload: Uint8Array): void {
    if (id === 0) return this.onExtendedHandshake(payload);
    if (id === LOCAL_EXTENSIONS.ut_metadata) return this.onMetadataMessage(payload);
    if (id === LOCAL_EXTENSIONS.ut_pex && this.ctx.pexEnabled) {
      const pex = parsePex(payload);
      if (pex.added.length > 0) this.ctx.onPexPeers(pex.added);
    }
  }

  private onExtendedHandshake(payload: Uint8Array): void {
    const hs = parseExtendedHandshake(payload);
    for (const [name, localId] of hs.m) {
      if (localId === 0) this.remoteExtensions.delete(name);
      else this.remoteExtensions.set(name, localId);
    }
    if (hs.clientName !== undefined) this.clientName = hs.clientName;
    if (hs.listenPort !== undefined) this.listenPort = hs.listenPort;
    if (hs.reqq !== undefined) this.peerReqq = Math.max(MIN_PIPELINE, hs.reqq);
    if (hs.metadataSize !== undefined && this.remoteExtensions.has('ut_metadata')) {
      this.metadataSize = hs.metadataSize;
      this.ctx.onMetadataOffer(this, hs.metadataSize);
    }
  }

  requestMetadataPiece(piece: number): void {
    const id = this.remoteExtensions.get('ut_metadata');
    if (id) this.conn.send(encodeExtended(id, encodeMetadataRequest(piece)));
  }

  private onMetadataMessage(payload: Uint8Array): void {
    const message = parseMetadataMessage(payload);
    const remoteId = this.remoteExtensions.get('ut_metadata');
    if (message.type === 'request') {
      if (!remoteId) return;
      const info = this.ctx.infoBytes;
      const start = message.piece * 16384;
      if (!info || start >= info.length) {
        this.conn.send(encodeExtended(remoteId, encodeMetadataReject(message.piece)));
        return;
      }
      const data = info.subarray(start, Math.min(info.length, start + 16384));
      this.conn.send(encodeExtended(remoteId, encodeMetadataData(message.piece, info.length, data)));
    } else if (message.type === 'data') {
      this.ctx.onMetadataPiece(this, message.piece, message.totalSize, message.data);
    } else if (message.type === 'reject') {
      this.ctx.onMetadataRejected(this, message.piece);
    }
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


