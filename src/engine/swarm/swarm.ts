import type { Endpoint } from '../../platform/interfaces/index.js';
import type { PeerStream } from '../peer/transport.js';
import type { Clock } from '../util/clock.js';
import type { Random } from '../util/random.js';
import { errorMessage } from '../util/errors.js';
import { PeerConnection } from '../peer/peer-connection.js';
import type { Handshake } from '../wire/handshake.js';
import { Choker } from './choker.js';
import { PexAnnouncer } from './pex-announcer.js';
import { PeerSession, type PeerSource } from './peer-session.js';
import type { TorrentContext } from './torrent-context.js';
import type { SwarmLimits } from './swarm-limits.js';
import { formatEndpoint } from '../util/endpoint.js';

interface Candidate {
  host: string;
  port: number;
  source: PeerSource;
  failures: number;
  nextAttemptAt: number;
}

/** Connections shared by every torrent of a client (a global limit on top of `maxPeers`). */
export interface ConnectionBudget {
  /** May one more connection (dialed or accepted) open now? */
  canOpen(): boolean;
}

const RECHOKE_EVERY_MS = 10_000;
const BAN_AFTER_STRIKES = 3;

/**
 * The peers of one torrent: who we know (candidates), who we are connected to (sessions),
 * dialing with limits and backoff, bans, and the choker. Peers are told apart by address AND
 * port: many honest peers share one IP (INTEROP.md).
 */
export class Swarm {
  readonly sessions = new Map<string, PeerSession>();
  private readonly candidates = new Map<string, Candidate>();
  private readonly connecting = new Set<string>();
  /**
   * Incoming sessions by the listen address they named (BEP 10 `p`). A peer that finds us
   * (through the DHT, a tracker, LSD) while we find it ends with one connection each way, and
   * the remote closes one of them (libtorrent: "duplicate peer-id"); the one left may be its
   * own. Known this way, it is the peer we know at that address: it keeps that source, and we
   * do not dial it again while the connection lasts.
   */
  private readonly byListenAddress = new Map<string, PeerSession>();
  private readonly listenAddressOf = new Map<PeerSession, string>();
  private readonly strikes = new Map<string, number>();
  private readonly banned = new Set<string>();
  private readonly choker: Choker;
  private readonly pex = new PexAnnouncer();
  private lastRechoke = 0;
  private active = false;

  constructor(
    private readonly ctx: TorrentContext,
    /** Opens a stream to a peer (TCP or uTP, encrypted or not: see peer/connector.ts). */
    private readonly dialer: (to: Endpoint, prefer: 'tcp' | 'utp') => Promise<PeerStream>,
    private readonly clock: Clock,
    random: Random,
    private readonly limits: SwarmLimits,
    private readonly onSessionsChanged: () => void,
    private readonly budget?: ConnectionBudget,
  ) {
    this.choker = new Choker({ clock, random, uploadSlots: limits.uploadSlots });
  }

  start(): void {
    this.active = true;
    this.connectMore();
  }

  stop(reason: string): void {
    this.active = false;
    for (const session of [...this.sessions.values()]) session.close(reason);
  }

  get peerCount(): number {
    return this.sessions.size;
  }

  /** Sessions plus dials in progress: what counts against connection limits. */
  get openCount(): number {
    return this.sessions.size + this.connecting.size;
  }

  knownCount(): number {
    return this.candidates.size;
  }

  addPeers(peers: readonly { host: string; port: number }[], source: PeerSource): void {
    for (const { host, port } of peers) {
      if (port <= 0 || port > 65535) continue;
      const key = formatEndpoint(host, port);
      if (this.banned.has(key) || this.candidates.has(key)) continue;
      if (this.candidates.size >= this.limits.maxCandidates) break;
      this.candidates.set(key, { host, port, source, failures: 0, nextAttemptAt: 0 });
      const reachedUs = this.byListenAddress.get(key);
      if (reachedUs) this.adoptSource(reachedUs, source);
    }
    this.connectMore();
  }

  /** An incoming connection whose handshake named this torrent. */
  acceptIncoming(conn: PeerConnection, handshake: Handshake): void {
    if (!this.active || this.banned.has(conn.address) || this.sessions.size >= this.limits.maxPeers || (this.budget && !this.budget.canOpen())) {
      conn.close(this.active ? 'too many peers' : 'torrent is not active');
      return;
    }
    if (this.sessions.has(conn.address)) {
      conn.close('already connected');
      return;
    }
    const session = this.track(new PeerSession(conn, this.ctx, 'incoming', this.limits, (s, r) => this.onGone(s, r)));
    session.onHandshake(handshake);
  }

  /**
   * An incoming peer named its listen port: if we know (or later learn) a peer at that address,
   * it is the same peer, found both ways. Nothing is closed here: with two connections open the
   * remote picks the one to drop, and closing one ourselves could close the one it kept.
   */
  onListenPort(session: PeerSession, port: number): void {
    if (session.conn.outgoing || this.sessions.get(session.id) !== session) return;
    const key = `${session.id.slice(0, session.id.lastIndexOf(':'))}:${port}`;
    if (this.byListenAddress.has(key)) return;
    const previous = this.listenAddressOf.get(session);
    if (previous !== undefined) this.byListenAddress.delete(previous);
    this.byListenAddress.set(key, session);
    this.listenAddressOf.set(session, key);
    const candidate = this.candidates.get(key);
    if (candidate) this.adoptSource(session, candidate.source);
  }

  private adoptSource(session: PeerSession, source: PeerSource): void {
    session.source = source;
    this.onSessionsChanged();
  }

  private track(session: PeerSession): PeerSession {
    this.sessions.set(session.id, session);
    this.onSessionsChanged();
    return session;
  }

  private onGone(session: PeerSession, _reason: string): void {
    if (this.sessions.get(session.id) === session) this.sessions.delete(session.id);
    const listenAddress = this.listenAddressOf.get(session);
    if (listenAddress !== undefined) {
      this.listenAddressOf.delete(session);
      this.byListenAddress.delete(listenAddress);
    }
    this.onSessionsChanged();
    if (this.active) this.clock.setTimeout(() => this.connectMore(), 0);
  }

  /** Dial known peers while below the limits; failed peers wait longer each time. */
  connectMore(): void {
    if (!this.active) return;
    const now = this.clock.now();
    const complete = this.ctx.isComplete();
    for (const [key, candidate] of this.candidates) {
      if (this.sessions.size + this.connecting.size >= this.limits.maxPeers) return;
      if (this.connecting.size >= this.limits.maxHalfOpen) return;
      if (this.budget && !this.budget.canOpen()) return;
      if (this.sessions.has(key) || this.connecting.has(key) || this.byListenAddress.has(key) || candidate.nextAttemptAt > now) continue;
      if (complete && candidate.failures > 0) continue;
      this.dial(key, candidate);
    }
  }

  private dial(key: string, candidate: Candidate): void {
    this.connecting.add(key);
    // After a failed attempt, lead with the other transport (see Connector.dial).
    this.dialer({ host: candidate.host, port: candidate.port }, candidate.failures % 2 === 1 ? 'utp' : 'tcp')
      .then(({ socket, transport, encrypted }) => {
        this.connecting.delete(key);
        if (!this.active || this.sessions.has(key) || this.banned.has(key)) {
          socket.destroy();
          return;
        }
        const conn = new PeerConnection({ socket, outgoing: true, transport, encrypted, localPeerId: this.ctx.localPeerId, clock: this.clock });
        const session = this.track(new PeerSession(conn, this.ctx, candidate.source, this.limits, (s, r) => this.onDialedGone(s, r, candidate)));
        conn.start();
        conn.sendHandshake(this.ctx.infoHash, { extended: true, fast: true, dht: false });
        void session;
      })
      .catch((error) => {
        this.connecting.delete(key);
        this.backoff(candidate, errorMessage(error));
        if (this.active) this.clock.setTimeout(() => this.connectMore(), 0);
      });
  }

  private onDialedGone(session: PeerSession, reason: string, candidate: Candidate): void {
    // A connection that never got going counts as a failure; a working one may be retried soon.
    if (session.conn.remote === null || session.conn.downloaded.total === 0) this.backoff(candidate, reason);
    else candidate.nextAttemptAt = this.clock.now() + 5_000;
    this.onGone(session, reason);
  }

  private backoff(candidate: Candidate, _reason: string): void {
    candidate.failures++;
    if (candidate.failures > this.limits.maxConnectFailures) {
      this.candidates.delete(formatEndpoint(candidate.host, candidate.port));
      return;
    }
    const delay = Math.min(this.limits.maxRetryDelayMs, 2_000 * 2 ** (candidate.failures - 1));
    candidate.nextAttemptAt = this.clock.now() + delay;
  }

  /** A peer sent data that failed a hash check. Sole culprits are banned at once. */
  strike(address: string, soleContributor: boolean): void {
    const count = (this.strikes.get(address) ?? 0) + 1;
    this.strikes.set(address, count);
    if (soleContributor || count >= BAN_AFTER_STRIKES) this.ban(address, 'sent data that failed the hash check');
  }

  ban(address: string, reason: string): void {
    this.banned.add(address);
    this.candidates.delete(address);
    this.sessions.get(address)?.close(`banned: ${reason}`);
  }

  isBanned(address: string): boolean {
    return this.banned.has(address);
  }

  /** About once a second: pipelines, snubs, connections; rechoke every 10 s. */
  tick(): void {
    if (!this.active) return;
    const now = this.clock.now();
    for (const session of this.sessions.values()) session.tick(now);
    if (this.ctx.pexEnabled) this.pex.tick(this.sessions.values(), now);
    if (now - this.lastRechoke >= RECHOKE_EVERY_MS) this.rechoke();
    this.connectMore();
  }

  rechoke(): void {
    this.lastRechoke = this.clock.now();
    const seeding = this.ctx.isComplete();
    const peers = [...this.sessions.values()].map((s) => ({
      id: s.id,
      interested: s.peerInterested,
      downloadRate: s.conn.downloaded.rate(),
      uploadRate: s.conn.uploaded.rate(),
      unchoked: !s.amChoking,
      snubbed: s.snubbed,
      connectedAt: s.connectedAt,
    }));
    const unchoke = this.choker.rechoke(peers, seeding);
    for (const session of this.sessions.values()) session.setChoked(!unchoke.has(session.id));
  }

  /** A peer became interested: give it a slot at once if one is free, instead of waiting. */
  onInterest(session: PeerSession): void {
    if (!session.peerInterested) return;
    let unchoked = 0;
    for (const s of this.sessions.values()) if (!s.amChoking && s.peerInterested) unchoked++;
    if (session.amChoking && unchoked < this.limits.uploadSlots) session.setChoked(false);
  }

  /** Complete-to-complete connections are useless: drop seeds once we are a seed too. */
  dropSeeds(): void {
    for (const session of this.sessions.values()) if (session.peerHas === 'all') session.close('both sides are seeds');
  }

  forEach(fn: (session: PeerSession) => void): void {
    for (const session of this.sessions.values()) fn(session);
  }
}
