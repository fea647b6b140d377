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
 */
export class MetadataFetcher {
  private assembler: MetadataAssembler | null = null;
  private readonly asked: Asked[] = [];
  private readonly offers = new Set<PeerSession>();
  private readonly badSizes = new Set<number>();
  private readonly contributors = new Set<PeerSession>();
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
    if (this.done || this.badSizes.has(size)) return;
    if (!this.assembler) {
      try {
        this.assembler = new MetadataAssembler(size, this.infoHash, this.sha1);
      } catch (error) {
        this.onBadPeer(session, (error as Error).message);
        return;
      }
    }
    if (size !== this.assembler.size) return; // another size is being fetched; this peer may help later
    this.offers.add(session);
    this.requestFrom(session);
  }

  forget(session: PeerSession): void {
    this.offers.delete(session);
    for (let i = this.asked.length - 1; i >= 0; i--) {
      const a = this.asked[i]!;
      if (a.session === session) {
        this.assembler?.release(a.piece);
        this.asked.splice(i, 1);
      }
    }
    this.pump();
  }

  onData(session: PeerSession, piece: number, data: Uint8Array): void {
    const assembler = this.assembler;
    if (!assembler || this.done) return;
    const at = this.asked.findIndex((a) => a.session === session && a.piece === piece);
    if (at < 0) return; // not asked of this peer: ignored
    this.asked.splice(at, 1);
    if (!assembler.addPiece(piece, data)) {
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
    // Someone lied. A lone contributor is certainly the liar; otherwise distrust the size.
    if (this.contributors.size === 1) for (const s of this.contributors) this.onBadPeer(s, 'sent metadata that does not match the infohash');
    else this.badSizes.add(size);
    this.contributors.clear();
    if (this.badSizes.has(size)) {
      this.assembler = null;
      this.offers.clear();
    }
    this.pump();
  }

  private pump(): void {
    for (const session of this.offers) this.requestFrom(session);
  }

  private requestFrom(session: PeerSession): void {
    const assembler = this.assembler;
    if (!assembler || this.done || this.verifying) return;
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
