import { allowedFastSet } from '../wire/allowed-fast.js';
import { encodeAllowedFast } from '../wire/message-encoder.js';
import type { PeerConnection } from '../peer/peer-connection.js';
import type { TorrentContext } from './torrent-context.js';
import type { SwarmLimits } from './swarm-limits.js';

export type FastLimits = Pick<SwarmLimits, 'allowedFastSetSize' | 'maxAllowedFastPerPeer' | 'maxSuggestedPerPeer'>;

const NONE: ReadonlySet<number> = new Set();

/**
 * One peer's side of the BEP 6 fast extension beyond HAVE_ALL/HAVE_NONE/REJECT: the allowed-fast
 * set we give it (pieces it may request while we choke it), the allowed-fast pieces it gives us
 * (we may request those while it chokes us), and the pieces it suggests. Every set is bounded
 * by FastLimits; all of it is inert unless both sides set the fast bit.
 */
export class FastExtension {
  /** Pieces the peer lets us request while it chokes us (at most maxAllowedFastPerPeer). */
  readonly allowedByPeer = new Set<number>();
  /** Pieces the peer suggested, oldest first (at most maxSuggestedPerPeer). */
  readonly suggested = new Set<number>();
  /** Our allowed-fast set for this peer's address; made once the piece count is known. */
  private ours: ReadonlySet<number> = NONE;
  /** Pieces of `ours` already announced with ALLOWED_FAST. */
  private readonly announced = new Set<number>();
  private offered = false;

  constructor(
    private readonly conn: PeerConnection,
    private readonly ctx: TorrentContext,
    private readonly limits: FastLimits,
  ) {}

  get enabled(): boolean {
    return this.conn.remote?.fast ?? false;
  }

  /**
   * The peer's pieces and ours are known: make its allowed-fast set and announce the pieces of
   * it that we have and it lacks. Pieces we verify later are announced by onPieceVerified.
   */
  offer(peerHas: (index: number) => boolean): void {
    const meta = this.ctx.meta;
    if (this.offered || !this.enabled || !meta) return;
    this.offered = true;
    const k = this.limits.allowedFastSetSize;
    this.ours = new Set(allowedFastSet(this.conn.remoteEndpoint.host, this.ctx.infoHash, meta.pieceCount, k));
    const have = this.ctx.have;
    for (const index of this.ours) if (have?.get(index) && !peerHas(index)) this.announce(index);
  }

  /** We verified a piece: a piece of the peer's allowed-fast set becomes servable. */
  onPieceVerified(index: number): void {
    if (this.offered && this.ours.has(index) && !this.announced.has(index)) this.announce(index);
  }

  /** BEP 6: requests for allowed-fast pieces are served while the peer is choked. */
  mayServeWhileChoked(index: number): boolean {
    return this.enabled && this.ours.has(index);
  }

  onAllowedFast(index: number): void {
    if (this.allowedByPeer.size < this.limits.maxAllowedFastPerPeer) this.allowedByPeer.add(index);
  }

  onSuggest(index: number): void {
    this.suggested.delete(index); // a repeated suggestion becomes the newest
    this.suggested.add(index);
    if (this.suggested.size > this.limits.maxSuggestedPerPeer) {
      this.suggested.delete(this.suggested.values().next().value!);
    }
  }

  private announce(index: number): void {
    this.announced.add(index);
    this.conn.send(encodeAllowedFast(index));
  }
}
