import { MetadataAssembler } from '../wire/ut-metadata.js';
import type { PeerSession } from '../swarm/peer-session.js';
import type { Clock } from '../util/clock.js';

const PIECES_IN_FLIGHT_PER_PEER = 2;
const REQUEST_TIMEOUT_MS = 15_000;

interface Asked {
  session: PeerSession;
  piece: number;
  at: number;
}

/**
 * Fetches the info dict of a magnet link from peers with ut_metadata (BEP 9), a few pieces per
 * peer at a time, and hands it over only once its SHA-1 matches the infohash.
 *
 * Liars: a lone contributor to a bad info dict is banned. When several contributed, the next
 * try takes every piece from one peer, so the try after a failure always names a liar or
 * succeeds. Every offered size is remembered: when no peer is left offering the size being
 * fetched (its liar was banned), the fetch starts over with a size another peer offered.
 */
export class MetadataFetcher {
  private assembler: MetadataAssembler | null = null;
  private readonly asked: Asked[] = [];
  /** Peers offering metadata, and the size each announced. */
  private readonly offers = new Map<PeerSession, number>();
  private readonly contributors = new Set<PeerSession>();
  /** After a failure with several contributors: fetch from one peer only. */
  private soloMode = false;
  private solo: PeerSession | null = null;
  private verifying = false;
  private done = false;

  constructor(
    private readonly infoHash: Uint8Array,
    private readonly sha1: (bytes: Uint8Array) => Promise<Uint8Array>,
    private readonly clock: Clock,
    private readonly onInfo: (infoBytes: Uint8Array) => void,
    private readonly onBadPeer: (session: PeerSession, reason: string) => void,
  ) {}

  offer(session: PeerSession, size: number): void {
    if (this.done) return;
    if (!this.assembler && !this.startAssembler(size, session)) return;
    this.offers.set(session, size); // another size than the one being fetched may be needed later
    if (size === this.assembler!.size) this.requestFrom(session);
  }

  private startAssembler(size: number, session: PeerSession): boolean {
    try {
      this.assembler = new MetadataAssembler(size, this.infoHash, this.sha1);
      return true;
    } catch (error) {
      this.offers.delete(session);
      this.onBadPeer(session, (error as Error).message);
      return false;
    }
  }

  forget(session: PeerSession): void {
    this.drop(session);
    this.pump();
  }

  private drop(session: PeerSession): void {
    this.offers.delete(session);
    if (this.solo === session) this.solo = null;
    for (let i = this.asked.length - 1; i >= 0; i--) {
      const a = this.asked[i]!;
      if (a.session === session) {
        this.assembler?.release(a.piece);
        this.asked.splice(i, 1);
      }
    }
  }

  onData(session: PeerSession, piece: number, data: Uint8Array): void {
    const assembler = this.assembler;
    if (!assembler || this.done) return;
    const at = this.asked.findIndex((a) => a.session === session && a.piece === piece);
    if (at < 0) return; // not asked of this peer: ignored
    this.asked.splice(at, 1);
    if (!assembler.addPiece(piece, data)) {
      this.drop(session);
      this.onBadPeer(session, 'sent a metadata piece of the wrong size');
      return;
    }
    this.contributors.add(session);
    if (assembler.isComplete()) void this.verify();
    else this.pump();
  }

  onReject(session: PeerSession, piece: number): void {
    const at = this.asked.findIndex((a) => a.session === session && a.piece === piece);
    if (at >= 0) {
      this.asked.splice(at, 1);
      this.assembler?.release(piece);
    }
    this.offers.delete(session); // it will not give us the metadata
    this.pump();
  }

  /** Re-ask pieces that timed out. */
  tick(): void {
    const now = this.clock.now();
    for (let i = this.asked.length - 1; i >= 0; i--) {
      const a = this.asked[i]!;
      if (now - a.at > REQUEST_TIMEOUT_MS) {
        this.assembler?.release(a.piece);
        this.asked.splice(i, 1);
      }
    }
    this.pump();
  }

  private async verify(): Promise<void> {
    if (this.verifying || !this.assembler) return;
    this.verifying = true;
    const size = this.assembler.size;
    const info = await this.assembler.verify();
    this.verifying = false;
    if (info) {
      this.done = true;
      this.onInfo(info);
      return;
    }
    // Someone lied. A lone contributor is certainly the liar; otherwise ask one peer for all.
    const liars = this.contributors.size === 1 ? [...this.contributors] : [];
    this.soloMode = liars.length === 0;
    this.solo = null;
    this.contributors.clear();
    for (const liar of liars) {
      this.drop(liar);
      this.onBadPeer(liar, `sent metadata of ${size} bytes that does not match the infohash`);
    }
    this.pump();
  }

  private pump(): void {
    for (const [session] of this.offers) if (session.conn.closed) this.drop(session);
    // Nobody offers the size being fetched any more: start over with a size someone offers.
    if (!this.done && !this.verifying && (!this.assembler || ![...this.offers.values()].includes(this.assembler.size))) {
      this.assembler = null;
      this.asked.length = 0;
      this.contributors.clear();
      this.soloMode = false;
      const next = this.offers.entries().next();
      if (next.done || !this.startAssembler(next.value[1], next.value[0])) return;
    }
    for (const [session, size] of this.offers) if (size === this.assembler?.size) this.requestFrom(session);
  }

  private requestFrom(session: PeerSession): void {
    const assembler = this.assembler;
    if (!assembler || this.done || this.verifying || session.conn.closed) return;
    if (this.soloMode) {
      if (this.solo === null || this.solo.conn.closed) this.solo = session;
      if (session !== this.solo) return;
    }
    let inFlight = 0;
    for (const a of this.asked) if (a.session === session) inFlight++;
    while (inFlight < PIECES_IN_FLIGHT_PER_PEER) {
      const piece = assembler.nextPieceToRequest();
      if (piece === null) return;
      this.asked.push({ session, piece, at: this.clock.now() });
      session.requestMetadataPiece(piece);
      inFlight++;
    }
  }
}
