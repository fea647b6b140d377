import { encodeCancel } from '../wire/message-encoder.js';
import { BLOCK_LENGTH } from '../wire/limits.js';
import { writeUint32BE } from '../util/bytes.js';
import type { PeerConnection } from '../peer/peer-connection.js';
import type { Bitfield } from './bitfield.js';
import type { FastExtension } from './fast-extension.js';
import type { TorrentContext } from './torrent-context.js';

const MIN_PIPELINE = 16;
const MAX_PIPELINE = 500;
const INITIAL_PIPELINE = 128;
/** Requests in flight at least, however low a download limit is. */
const LIMITED_MIN_PIPELINE = 2;
/** Requests worth this many seconds of the peer's rate are kept in flight. */
const PIPELINE_SECONDS = 0.5;
const SNUB_AFTER_MS = 30_000;

/** What the downloader reads of its peer session. */
export interface DownloadPeer {
  readonly id: string;
  readonly peerChoking: boolean;
  readonly amInterested: boolean;
  readonly peerHas: Bitfield | 'all' | null;
  readonly fast: FastExtension;
  updateInterest(): void;
}

/** Key for one of our outstanding requests: piece index and block number. */
function blockKey(index: number, begin: number): number {
  return index * 65536 + Math.floor(begin / BLOCK_LENGTH);
}

/**
 * Our requests to one peer: the pipeline sized to its rate, blocks in and out of the picker,
 * snubbing, download throttling. While the peer chokes us only its allowed-fast pieces are
 * requested (BEP 6); its suggestions go to the picker first.
 */
export class PeerDownloader {
  snubbed = false;
  /** Our requests in flight: block key -> time sent. */
  private readonly outstanding = new Map<number, number>();
  private pipeline = INITIAL_PIPELINE;
  private peerReqq = 250;
  private lastBlockAt: number;
  private pausedUntil = 0;

  constructor(
    private readonly conn: PeerConnection,
    private readonly ctx: TorrentContext,
    private readonly peer: DownloadPeer,
  ) {
    this.lastBlockAt = ctx.clock.now();
  }

  get outstandingCount(): number {
    return this.outstanding.size;
  }

  /** The peer's `reqq` (BEP 10): never keep more requests in flight than it queues. */
  setPeerQueue(reqq: number): void {
    this.peerReqq = Math.max(MIN_PIPELINE, reqq);
  }

  onPiece(index: number, begin: number, block: Uint8Array): void {
    if (!this.outstanding.delete(blockKey(index, begin)) || block.length === 0) return; // never requested: dropped
    const now = this.ctx.clock.now();
    this.lastBlockAt = now;
    this.snubbed = false;
    this.conn.downloaded.add(block.length);
    const picker = this.ctx.picker;
    if (picker) {
      const result = picker.onBlockReceived(this.peer.id, index, begin);
      if (result.accepted) this.ctx.onBlock(this.peer.id, index, begin, block, result.pieceComplete);
      for (const other of result.cancelFrom) this.ctx.onCancelElsewhere(other, index, begin, block.length);
    }
    const wait = this.ctx.download.spend(block.length);
    if (wait > 0) this.throttle(now, wait);
    this.fill();
  }

  onReject(index: number, begin: number): void {
    if (this.outstanding.delete(blockKey(index, begin))) this.ctx.picker?.onRequestFailed(this.peer.id, index, begin);
  }

  /** BEP 6: with the fast extension a choke does not cancel requests; rejects will. */
  onChoke(): void {
    if (!this.peer.fast.enabled) this.releaseAll();
  }

  /** Another peer delivered a block we also asked this one for (endgame). */
  cancel(index: number, begin: number, length: number): void {
    if (this.outstanding.delete(blockKey(index, begin))) this.conn.send(encodeCancel(index, begin, length));
  }

  /**
   * Streaming seeked: requests for pieces outside the new time-critical window are cancelled
   * (CANCEL in one batch, blocks back to the picker) so the peer's queue does not hold the
   * window's blocks back; then the pipeline is refilled, window first.
   */
  yieldTo(isCritical: (index: number) => boolean): void {
    const picker = this.ctx.picker;
    if (!picker || this.outstanding.size === 0) return;
    const cancels: Uint8Array[] = [];
    for (const key of [...this.outstanding.keys()]) {
      const index = Math.floor(key / 65536);
      if (isCritical(index)) continue;
      const begin = (key % 65536) * BLOCK_LENGTH;
      this.outstanding.delete(key);
      picker.onRequestFailed(this.peer.id, index, begin);
      cancels.push(encodeCancel(index, begin, picker.geometry.blockLengthAt(index, begin)));
    }
    if (cancels.length === 0) return;
    const batch = new Uint8Array(cancels.length * 17);
    cancels.forEach((c, i) => batch.set(c, i * 17));
    this.conn.send(batch);
    this.fill();
  }

  /** Keep the pipeline full; picks in batches so picking stays off the per-block path. */
  fill(): void {
    const { peer, ctx } = this;
    const picker = ctx.picker;
    const has = peer.peerHas;
    if (!peer.amInterested || !picker || !has || this.snubbed) return;
    let fastAllowed: ReadonlySet<number> | undefined;
    if (peer.peerChoking) {
      if (!peer.fast.enabled || peer.fast.allowedByPeer.size === 0) return;
      fastAllowed = peer.fast.allowedByPeer;
    }
    if (this.pausedUntil > 0 || !ctx.canRequest()) return;
    const pipeline = Math.min(this.pipeline, this.rateCap());
    const room = pipeline - this.outstanding.size;
    if (room <= 0 || (this.outstanding.size > 0 && room < pipeline / 4)) return;
    const suggested = peer.fast.suggested.size > 0 ? peer.fast.suggested : undefined;
    const blocks = picker.pickBlocks(peer.id, has, room, fastAllowed, suggested);
    if (blocks.length === 0) {
      if (!fastAllowed && this.outstanding.size === 0 && !picker.isPeerInteresting(peer.id)) peer.updateInterest();
      return;
    }
    const now = ctx.clock.now();
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

  /**
   * Under a download limit, no more in flight than half a second at that limit: otherwise the
   * first pipeline (128 blocks, 2 MiB) arrives at full speed before the gate can slow anything.
   */
  private rateCap(): number {
    const limit = this.ctx.download.limit?.() ?? 0;
    return limit > 0 ? Math.max(LIMITED_MIN_PIPELINE, Math.ceil((limit * PIPELINE_SECONDS) / BLOCK_LENGTH)) : Infinity;
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
    this.fill();
  }

  /** Every outstanding request goes back to the picker (peer gone, snubbed, or a plain choke). */
  releaseAll(): void {
    const picker = this.ctx.picker;
    for (const key of this.outstanding.keys()) {
      const index = Math.floor(key / 65536);
      picker?.onRequestFailed(this.peer.id, index, (key % 65536) * BLOCK_LENGTH);
    }
    this.outstanding.clear();
  }

  private throttle(now: number, wait: number): void {
    if (this.pausedUntil > now) return;
    this.pausedUntil = now + wait;
    this.conn.pauseReading();
    this.ctx.clock.setTimeout(() => {
      this.pausedUntil = 0;
      if (this.conn.closed) return;
      this.conn.resumeReading();
      this.fill();
    }, wait);
  }
}
