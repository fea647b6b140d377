/**
 * Super-seeding (BEP 16) for an initial seeder: we pose as a peer with no pieces and reveal one
 * piece at a time to each peer (a HAVE), the one offered least so far. A peer is shown its next
 * piece once the piece it was given shows up at another peer, i.e. once it passed it on; so
 * each piece we upload is spread by the swarm rather than uploaded again by us.
 *
 * Two escapes from a strict wait, as libtorrent has them: a lone peer gets its next piece as
 * soon as it has the last one (nobody else could show it), and a peer that has held its piece
 * for `stuckAfterMs` without anyone taking it gets another (peers that never upload must not
 * stall the swarm). Once every piece has been seen at some peer, super-seeding ends.
 *
 * Pure: peers' bitfields are read through `has`, time comes from the injected clock.
 */
import type { Clock } from '../util/clock.js';
import type { Random } from '../util/random.js';

export interface SuperSeedPeer {
  id: string;
  /** Does the peer have this piece (from its bitfield and HAVEs)? */
  has(index: number): boolean;
  /** The peer has every piece (a finished leecher): the whole torrent has reached the swarm. */
  complete?: boolean;
}

export interface SuperSeedOffer {
  peerId: string;
  piece: number;
}

export const SUPER_SEED_DEFAULTS = Object.freeze({
  /** A peer holding its offered piece this long, with nobody taking it, gets another. */
  stuckAfterMs: 30_000,
});

interface Offer {
  piece: number;
  /** When the peer was first seen holding the piece (undefined: not yet). */
  heldSince: number | undefined;
}

export class SuperSeeder {
  private readonly offers = new Map<string, Offer>();
  /** Times each piece was offered (fewest first when choosing). */
  private readonly offeredCount: Uint32Array;
  /** Pieces seen at some peer. */
  private readonly seen: Uint8Array;
  private seenCount = 0;
  private readonly stuckAfterMs: number;

  constructor(
    private readonly pieceCount: number,
    private readonly clock: Clock,
    private readonly random: Random,
    options: { stuckAfterMs?: number } = {},
  ) {
    this.offeredCount = new Uint32Array(pieceCount);
    this.seen = new Uint8Array(pieceCount);
    this.stuckAfterMs = options.stuckAfterMs ?? SUPER_SEED_DEFAULTS.stuckAfterMs;
  }

  /** Every piece has reached the swarm: reveal everything from now on. */
  get done(): boolean {
    return this.seenCount >= this.pieceCount;
  }

  /** The piece a peer is being shown now, if any. */
  offeredTo(peerId: string): number | undefined {
    return this.offers.get(peerId)?.piece;
  }

  peerGone(peerId: string): void {
    this.offers.delete(peerId);
  }

  /**
   * Look at the peers (about once a second, and when one connects): returns the HAVEs to send.
   * O(peers²) in the worst case, peers being a torrent's connections (tens).
   */
  update(peers: readonly SuperSeedPeer[]): SuperSeedOffer[] {
    if (this.done) return [];
    const now = this.clock.now();
    const present = new Set<string>();
    for (const peer of peers) present.add(peer.id);
    for (const id of [...this.offers.keys()]) if (!present.has(id)) this.offers.delete(id);
    if (peers.some((p) => p.complete)) {
      for (let i = 0; i < this.pieceCount; i++) this.markSeen(i);
      return [];
    }
    // Offered pieces that reached a peer count as seen.
    for (const offer of this.offers.values()) {
      if (this.seen[offer.piece]) continue;
      if (peers.some((p) => p.has(offer.piece))) this.markSeen(offer.piece);
    }
    const out: SuperSeedOffer[] = [];
    for (const peer of peers) {
      const offer = this.offers.get(peer.id);
      if (offer && !this.shouldAdvance(peer, offer, peers, now)) continue;
      const piece = this.choose(peer);
      if (piece === undefined) {
        this.offers.delete(peer.id);
        continue;
      }
      this.offers.set(peer.id, { piece, heldSince: undefined });
      this.offeredCount[piece]!++;
      out.push({ peerId: peer.id, piece });
    }
    return out;
  }

  private shouldAdvance(peer: SuperSeedPeer, offer: Offer, peers: readonly SuperSeedPeer[], now: number): boolean {
    if (peers.some((p) => p !== peer && p.has(offer.piece))) return true; // BEP 16: passed on
    if (!peer.has(offer.piece)) return false;
    offer.heldSince ??= now;
    return peers.length === 1 || now - offer.heldSince >= this.stuckAfterMs;
  }

  /** A piece the peer lacks, offered fewest times so far (random among equals). */
  private choose(peer: SuperSeedPeer): number | undefined {
    let best: number | undefined;
    let bestCount = Infinity;
    let ties = 0;
    for (let i = 0; i < this.pieceCount; i++) {
      if (peer.has(i)) {
        this.markSeen(i);
        continue;
      }
      const count = this.offeredCount[i]!;
      if (count > bestCount) continue;
      if (count < bestCount) {
        best = i;
        bestCount = count;
        ties = 1;
      } else if (this.random.int(++ties) === 0) best = i;
    }
    return best;
  }

  private markSeen(piece: number): void {
    if (this.seen[piece]) return;
    this.seen[piece] = 1;
    this.seenCount++;
  }
}
