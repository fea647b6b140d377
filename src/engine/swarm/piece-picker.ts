import { TorrentError } from '../util/errors.js';
import { systemClock, type Clock } from '../util/clock.js';
import type { Random } from '../util/random.js';
import { ACCEPTED, PICKER_DEFAULTS, REJECTED, type BlockResult, type PeerState, type PickerOptions } from './picker-options.js';
import { Bitfield } from './bitfield.js';
import { Endgame } from './endgame.js';
import { InterestScan } from './interest-scan.js';
import { PieceDeadlines } from './piece-deadlines.js';
import { FreshPieces, MAX_PRIORITY } from './fresh-pieces.js';
import type { PieceDownload } from './piece-download.js';
import { PiecesInProgress } from './pieces-in-progress.js';
import { PadBlocks } from './pad-blocks.js';
import { PieceGeometry, type BlockRef } from './piece-geometry.js';

export type { BlockRef } from './piece-geometry.js';

export { PICKER_DEFAULTS, type BlockResult, type PickerOptions } from './picker-options.js';

/**
 * Which blocks to ask which peer for. Per-block calls are O(1); starting a piece looks it up in
 * availability buckets (see FreshPieces) instead of scanning all pieces.
 *
 * Order: time-critical pieces first (streaming: PieceDeadlines), in deadline order, a late one
 * also from a second peer; then pieces in progress (each one is buffered in memory until
 * verified, so fewer at once is better, and a fast peer gets more blocks of the same piece); then
 * new pieces — the streamed file's read-ahead in order, at random for the first few, then rarest
 * first, higher priority first, or lowest index first in sequential mode; then, when every
 * wanted block is requested, endgame duplicates.
 */
export class PiecePicker {
  /** Pieces and blocks: sizes, and block keys (index * blocksPerPiece + block). */
  readonly geometry: PieceGeometry;
  /** Blocks wholly in padding files: zeros, marked received when their piece starts. */
  readonly padBlocks: PadBlocks;
  private readonly pieceCount: number;
  private readonly random: Random;
  private readonly randomFirstPieces: number;
  private readonly endgame: Endgame;
  private readonly clock: Clock;
  private readonly deadlines: PieceDeadlines;
  private readonly have: Bitfield;
  /** Wanted (priority > 0) and not verified: what makes a peer interesting. */
  private readonly needed: Bitfield;
  private readonly priority: Uint8Array;
  /** How many bitfield peers have each piece; seeds are in seedCount, so they never move a piece. */
  private readonly availability: Uint32Array;
  private seedCount = 0;
  private readonly fresh: FreshPieces;
  private readonly inProgress: PiecesInProgress;
  private readonly peers = new Map<string, PeerState>();
  /** Peers whose last scan found no new piece they have; woken when that may change. */
  private readonly exhausted = new Set<PeerState>();
  private sequential = false;
  private readonly interestScan = new InterestScan();
  private wanted = 0;

  constructor(options: PickerOptions) {
    const { pieceCount, have } = options;
    const blockLength = options.blockLength ?? PICKER_DEFAULTS.blockLength;
    this.geometry = new PieceGeometry(pieceCount, options.pieceLength, options.lastPieceLength, blockLength);
    if (have.size !== pieceCount) {
      throw new TorrentError('internal', `picker: ${pieceCount} pieces but a bitfield of ${have.size}`);
    }
    this.pieceCount = pieceCount;
    this.random = options.random;
    this.randomFirstPieces = options.randomFirstPieces ?? PICKER_DEFAULTS.randomFirstPieces;
    this.endgame = new Endgame(options.endgameMaxHolders ?? PICKER_DEFAULTS.endgameMaxHolders);
    this.clock = options.clock ?? systemClock;
    this.deadlines = new PieceDeadlines(pieceCount, options.deadlines);
    this.have = have.clone();
    this.needed = new Bitfield(pieceCount);
    this.priority = new Uint8Array(pieceCount).fill(1);
    this.availability = new Uint32Array(pieceCount);
    this.fresh = new FreshPieces(pieceCount, this.random);
    this.padBlocks = new PadBlocks(this.geometry, options.files ?? []);
    this.inProgress = new PiecesInProgress(this.geometry, this.padBlocks.empty ? undefined : this.padBlocks);
    for (let i = 0; i < pieceCount; i++) {
      if (this.have.get(i)) continue;
      this.needed.set(i);
      this.fresh.add(i, 1, 0);
    }
    this.wanted = this.needed.count;
  }

  // --- availability -------------------------------------------------------------------------

  addPeer(peerId: string, has: Bitfield | 'all'): void {
    if (has !== 'all') this.checkSize(has);
    // Announced again (or after a HAVE): replace what it has, keep its requests.
    const peer = this.peerState(peerId);
    this.uncount(peer);
    this.exhausted.delete(peer);
    peer.known = true;
    if (has === 'all' || has.hasAll()) {
      peer.has = 'all';
      this.seedCount++;
      return;
    }
    peer.has = has.clone();
    peer.has.forEachSet((i) => this.changeAvailability(i, 1));
    peer.interesting = peer.has.countAnd(this.needed);
  }

  /** A HAVE message. */
  peerHas(peerId: string, index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.pieceCount) return;
    const peer = this.peerState(peerId);
    if (peer.has === 'all' || peer.has.get(index)) return;
    peer.has.set(index);
    this.changeAvailability(index, 1);
    if (this.needed.get(index)) peer.interesting++;
    if (this.fresh.has(index)) this.exhausted.delete(peer);
  }

  /** The peer is gone: forget what it has, and put its requested blocks back in the pool. */
  removePeer(peerId: string): void {
    const peer = this.peers.get(peerId);
    if (!peer) return;
    for (const key of peer.outstanding) {
      const download = this.inProgress.get(this.geometry.indexOfKey(key));
      if (download) this.release(download, this.geometry.blockOfKey(key), peerId);
    }
    peer.outstanding.clear();
    this.uncount(peer);
    this.peers.delete(peerId);
    this.exhausted.delete(peer);
  }

  // --- priorities ---------------------------------------------------------------------------

  /** 0 = skip, 1 = normal .. 7 = top, per piece. Pieces in progress are finished regardless. */
  setPiecePriorities(priorities: Uint8Array): void {
    if (priorities.length !== this.pieceCount) {
      throw new TorrentError('internal', `picker: ${priorities.length} priorities for ${this.pieceCount} pieces`);
    }
    for (let i = 0; i < this.pieceCount; i++) {
      const p = Math.min(MAX_PRIORITY, priorities[i]!);
      if (p === this.priority[i]) continue;
      this.priority[i] = p;
      if (this.have.get(i)) continue;
      if (p === 0) {
        this.needed.clear(i);
        this.fresh.remove(i);
      } else {
        this.needed.set(i);
        if (this.fresh.has(i)) this.fresh.move(i, p, this.availability[i]!);
        else if (!this.inProgress.has(i)) this.fresh.add(i, p, this.availability[i]!);
      }
    }
    this.wanted = this.needed.count;
    for (const peer of this.peers.values()) {
      peer.interesting = peer.has === 'all' ? 0 : peer.has.countAnd(this.needed);
    }
    this.exhausted.clear();
  }

  /** Streaming: lowest wanted index first (higher priorities still first). */
  setSequential(on: boolean): void {
    this.sequential = on;
    this.exhausted.clear();
  }

  /**
   * Streaming (libtorrent's set_piece_deadline): these pieces come before any other, in deadline
   * order (`withinMs` from now); once one is late, its missing blocks are also asked of a second
   * peer. Replaces the previous window; an empty list clears it. Only wanted pieces are picked.
   */
  setPieceDeadlines(pieces: readonly { index: number; withinMs: number }[]): void {
    const now = this.clock.now();
    this.deadlines.setCritical(pieces.map((p) => ({ index: p.index, deadline: now + p.withinMs })));
    this.exhausted.clear();
  }

  /** Streaming: pieces first..last (the rest of the file) are picked in order before rarest first. */
  setReadAhead(range: { first: number; last: number } | null): void {
    this.deadlines.setReadAhead(range);
    this.exhausted.clear();
  }

  isTimeCritical(index: number): boolean {
    return this.deadlines.isCritical(index);
  }

  /** Pieces with a deadline not verified yet (streaming's window). */
  get timeCriticalCount(): number {
    return this.deadlines.criticalCount;
  }

  // --- requests -----------------------------------------------------------------------------

  /**
   * Up to `max` blocks to request from this peer, marked as requested by it. With `fastAllowed`
   * (BEP 6: we are choked but may request these pieces) only pieces in that set are picked.
   * `suggested` (BEP 6 SUGGEST_PIECE, a small bounded set) is tried before any other new piece.
   */
  pickBlocks(
    peerId: string,
    peerHas: Bitfield | 'all',
    max: number,
    fastAllowed?: ReadonlySet<number>,
    suggested?: ReadonlySet<number>,
  ): BlockRef[] {
    const out: BlockRef[] = [];
    if (max <= 0 || this.wanted === 0) return out;
    const peer = this.peerState(peerId);
    const has = (i: number): boolean =>
      (peerHas === 'all' || peerHas.get(i)) && (fastAllowed === undefined || fastAllowed.has(i));
    let allowed = has;
    if (this.deadlines.criticalCount > 0) {
      this.pickCritical(peerId, peer, has, out, max);
      allowed = (i) => has(i) && !this.deadlines.isCritical(i);
    }
    for (const download of this.inProgress.open) {
      if (out.length >= max) return out;
      if (allowed(download.index)) this.inProgress.take(download, peerId, peer.outstanding, out, max);
    }
    while (out.length < max) {
      const index = this.nextNewPiece(peer, peerHas, allowed, fastAllowed, suggested);
      if (index < 0) break;
      this.inProgress.take(this.start(index), peerId, peer.outstanding, out, max);
    }
    if (out.length < max && this.isEndgame) this.endgame.pick(this.inProgress.values(), this.geometry, peerId, peer.outstanding, allowed, out, max);
    return out;
  }

  // --- results ------------------------------------------------------------------------------

  onBlockReceived(peerId: string, index: number, begin: number): BlockResult {
    const download = this.inProgress.get(index);
    if (!download) return REJECTED;
    const block = this.geometry.blockOf(index, begin);
    if (block < 0 || !download.isRequested(block) || !download.isHolder(block, peerId)) return REJECTED;
    const key = this.geometry.key(index, block);
    this.peers.get(peerId)?.outstanding.delete(key);
    const others = download.receive(block, peerId);
    for (const other of others) this.peers.get(other)?.outstanding.delete(key);
    const pieceComplete = download.complete;
    if (!pieceComplete && others.length === 0) return ACCEPTED;
    return { accepted: true, pieceComplete, cancelFrom: others };
  }

  /** REJECT, timeout or choke: the block goes back to the pool. */
  onRequestFailed(peerId: string, index: number, begin: number): void {
    const download = this.inProgress.get(index);
    if (!download) return;
    const block = this.geometry.blockOf(index, begin);
    if (block < 0) return;
    this.peers.get(peerId)?.outstanding.delete(this.geometry.key(index, block));
    this.release(download, block, peerId);
  }

  onPieceVerified(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.pieceCount) return;
    this.forget(index);
    this.fresh.remove(index);
    this.deadlines.done(index);
    if (this.have.get(index)) return;
    this.have.set(index);
    if (!this.needed.get(index)) return;
    this.needed.clear(index);
    this.wanted--;
    for (const peer of this.peers.values()) {
      if (peer.has !== 'all' && peer.has.get(index)) peer.interesting--;
    }
  }

  /** Hash failure: every block of the piece goes back to the pool. */
  onPieceFailed(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.pieceCount) return;
    this.forget(index);
    if (this.needed.get(index)) this.addFresh(index);
  }

  // --- state --------------------------------------------------------------------------------

  /** Every wanted block is requested: duplicates are allowed now. */
  get isEndgame(): boolean {
    return this.endgame.active(this.wanted, this.fresh.size, this.inProgress.open.size);
  }

  /** Wanted pieces not verified yet. */
  wantedRemaining(): number {
    return this.wanted;
  }

  /** Does the peer have a wanted piece we lack? See InterestScan. Prefer isPeerInteresting. */
  isInteresting(peerHas: Bitfield | 'all'): boolean {
    if (peerHas === 'all') return this.wanted > 0;
    return this.wanted > 0 && this.interestScan.hasNeeded(peerHas, this.needed);
  }

  /** Same as isInteresting for a peer added with addPeer, in O(1) (kept up to date on HAVE). */
  isPeerInteresting(peerId: string): boolean {
    const peer = this.peers.get(peerId);
    if (!peer) return false;
    return peer.has === 'all' ? this.wanted > 0 : peer.interesting > 0;
  }

  outstandingFor(peerId: string): number {
    return this.peers.get(peerId)?.outstanding.size ?? 0;
  }

  // --- internals ----------------------------------------------------------------------------

  private nextNewPiece(
    peer: PeerState,
    peerHas: Bitfield | 'all',
    allowed: (i: number) => boolean,
    fastAllowed: ReadonlySet<number> | undefined,
    suggested: ReadonlySet<number> | undefined,
  ): number {
    if (this.fresh.size === 0) return -1;
    if (fastAllowed) {
      // The allowed-fast set is small (BEP 6 suggests 10): rank it directly.
      let best = -1;
      for (const i of fastAllowed) {
        if (!this.fresh.has(i) || !allowed(i)) continue;
        if (best < 0 || this.fresh.compare(i, best) < 0) best = i;
      }
      return best;
    }
    if (this.exhausted.has(peer)) return -1;
    if (suggested) for (const i of suggested) if (this.fresh.has(i) && allowed(i)) return i;
    const ahead = this.deadlines.nextReadAhead((i) => this.fresh.has(i), allowed);
    if (ahead >= 0) return ahead;
    if (!this.sequential && !this.deadlines.readAhead && this.have.count < this.randomFirstPieces) {
      for (let t = 0; t < PICKER_DEFAULTS.randomFirstTries; t++) {
        const i = this.fresh.randomTopPriority();
        if (i >= 0 && allowed(i)) return i;
      }
    }
    // A known bitfield peer only has pieces someone (it) has: skip the availability-0 bucket.
    const minAvailability = peer.known && peer.has !== 'all' && peerHas !== 'all' ? 1 : 0;
    const index = this.sequential ? this.fresh.findLowest(allowed) : this.fresh.findRarest(minAvailability, allowed);
    if (index < 0 && peer.known) this.exhausted.add(peer);
    return index;
  }

  private start(index: number): PieceDownload {
    this.fresh.remove(index);
    return this.inProgress.start(index);
  }

  /** The time-critical window, at most `criticalBlocksPerPick` blocks for this peer. */
  private pickCritical(peerId: string, peer: PeerState, allowed: (i: number) => boolean, out: BlockRef[], max: number): void {
    const limit = Math.min(max, out.length + this.deadlines.criticalBlocksPerPick);
    const now = this.clock.now();
    for (const { index, deadline } of this.deadlines.ordered()) {
      if (out.length >= limit) return;
      if (!this.needed.get(index) || !allowed(index)) continue;
      const download = this.inProgress.get(index) ?? (this.fresh.has(index) ? this.start(index) : undefined);
      if (!download) continue;
      this.inProgress.take(download, peerId, peer.outstanding, out, limit);
      // Late: its missing blocks are asked of this peer too (first copy in wins, the rest are cancelled).
      if (now >= deadline && download.free === 0) this.inProgress.askAgain(download, peerId, peer.outstanding, out, limit, this.deadlines.lateHolders);
    }
  }

  /** Drop one peer's request for a block; an idle piece goes back among the new ones. */
  private release(download: PieceDownload, block: number, peerId: string): void {
    if (this.inProgress.release(download, block, peerId) && this.needed.get(download.index)) this.addFresh(download.index);
  }

  /** Drop a piece's progress and every request for it. */
  private forget(index: number): void {
    this.inProgress.forget(index, (peerId, key) => this.peers.get(peerId)?.outstanding.delete(key));
  }

  private addFresh(index: number): void {
    if (this.fresh.has(index) || this.inProgress.has(index)) return;
    this.fresh.add(index, this.priority[index]!, this.availability[index]!);
    this.deadlines.returned(index);
    for (const peer of this.exhausted) {
      if (peer.has === 'all' || peer.has.get(index)) this.exhausted.delete(peer);
    }
  }

  private changeAvailability(index: number, delta: number): void {
    const availability = (this.availability[index] = this.availability[index]! + delta);
    this.fresh.move(index, this.priority[index]!, availability);
  }

  /** Take a peer's pieces out of the availability counts. */
  private uncount(peer: PeerState): void {
    if (peer.has === 'all') this.seedCount--;
    else peer.has.forEachSet((i) => this.changeAvailability(i, -1));
    peer.has = new Bitfield(this.pieceCount);
    peer.interesting = 0;
  }

  /** A peer's state; one we never heard of gets an empty record (availability stays exact). */
  private peerState(peerId: string): PeerState {
    let peer = this.peers.get(peerId);
    if (!peer) {
      peer = { has: new Bitfield(this.pieceCount), interesting: 0, outstanding: new Set(), known: false };
      this.peers.set(peerId, peer);
    }
    return peer;
  }

  private checkSize(bitfield: Bitfield): void {
    if (bitfield.size !== this.pieceCount) {
      throw new TorrentError('internal', `picker: a bitfield of ${bitfield.size} for ${this.pieceCount} pieces`);
    }
  }
}
