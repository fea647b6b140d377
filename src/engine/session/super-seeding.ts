import { SuperSeeder, type SuperSeedPeer } from '../policy/super-seed.js';
import type { Bitfield } from '../swarm/bitfield.js';
import type { PeerSession } from '../swarm/peer-session.js';
import type { Clock } from '../util/clock.js';
import type { Random } from '../util/random.js';

/**
 * BEP 16 for one torrent: while on, peers are told we have nothing (see PeerSession's have
 * state) and are shown pieces one at a time as the SuperSeeder decides. When every piece has
 * reached the swarm it ends, and each peer is told the pieces it still lacks.
 */
export class SuperSeeding {
  private seeder: SuperSeeder | undefined;
  private ended = false;
  /** Pieces each peer was shown (not shown again at the end). */
  private readonly shown = new WeakMap<PeerSession, Set<number>>();

  constructor(
    /** Asked for by the user (AddTorrentOptions.superSeed, or switched later). */
    private wanted: boolean,
    private readonly clock: Clock,
    private readonly random: Random,
  ) {}

  /** Our pieces are hidden from peers (on from the start when wanted, until every piece spread). */
  get hiding(): boolean {
    return this.wanted && !this.ended;
  }

  /** We seed now: start offering (once; a restart of the torrent starts afresh). */
  begin(pieceCount: number): void {
    if (!this.hiding || this.seeder) return;
    this.seeder = new SuperSeeder(pieceCount, this.clock, this.random);
  }

  /**
   * Switched by the user. On while seeding (`seedingPieces` given): offering starts now; peers
   * already connected know our pieces, new ones are shown one at a time. Off: every peer is
   * told the pieces it still lacks, as when super-seeding ends by itself.
   */
  setWanted(on: boolean, sessions: Iterable<PeerSession>, have: Bitfield | undefined, seedingPieces: number | undefined): void {
    if (on === this.wanted) return;
    this.wanted = on;
    if (on) {
      this.ended = false;
      if (seedingPieces !== undefined) this.begin(seedingPieces);
      return;
    }
    const wasOffering = this.seeder !== undefined;
    this.seeder = undefined;
    if (wasOffering && have) this.revealRest(sessions, have);
  }

  /** Networking stopped: the next run starts over (peers will be new). */
  pause(): void {
    this.seeder = undefined;
  }

  /** About once a second while running. */
  tick(sessions: Iterable<PeerSession>, have: Bitfield | undefined): void {
    const seeder = this.seeder;
    if (!seeder || !have) return;
    const bySession = new Map<string, PeerSession>();
    const peers: SuperSeedPeer[] = [];
    for (const session of sessions) {
      if (session.conn.remote === null) continue; // handshakes not exchanged yet
      bySession.set(session.id, session);
      const has = session.peerHas;
      peers.push({ id: session.id, has: (i) => peerHas(session, i), complete: has === 'all' || (has !== null && has.hasAll()) });
    }
    for (const offer of seeder.update(peers)) {
      const session = bySession.get(offer.peerId);
      if (!session) continue;
      session.announceHave(offer.piece);
      let shown = this.shown.get(session);
      if (!shown) this.shown.set(session, (shown = new Set()));
      shown.add(offer.piece);
    }
    if (!seeder.done) return;
    // Every piece is out there: from now on we are an ordinary seed.
    this.ended = true;
    this.seeder = undefined;
    this.revealRest(bySession.values(), have);
  }

  private revealRest(sessions: Iterable<PeerSession>, have: Bitfield): void {
    for (const session of sessions) {
      if (session.conn.remote === null) continue;
      const shown = this.shown.get(session);
      for (let i = 0; i < have.size; i++) if (have.get(i) && !peerHas(session, i) && !shown?.has(i)) session.announceHave(i);
    }
  }
}

function peerHas(session: PeerSession, index: number): boolean {
  const has = session.peerHas;
  return has === 'all' || (has !== null && has.get(index));
}
