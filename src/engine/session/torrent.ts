import type { FileStorage } from '../../platform/interfaces/index.js';
import type { TorrentMeta } from '../metainfo/index.js';
import type { Bitfield } from '../swarm/bitfield.js';
import type { Swarm } from '../swarm/swarm.js';
import type { PeerConnection } from '../peer/peer-connection.js';
import type { Handshake } from '../wire/handshake.js';
import type { ResumeRecord } from '../storage/resume-store.js';
import { Emitter } from '../util/emitter.js';
import { errorMessage, TorrentError } from '../util/errors.js';
import { toHex } from '../util/bytes.js';
import { SeedingTimer } from '../policy/seed-goals.js';
import { ResumeSaver } from './resume-saver.js';
import type { WebSeedGroup } from './web-seed-group.js';
import type { TorrentBandwidth, TorrentRateGate } from './rate-gate.js';
import { buildStats } from './torrent-stats.js';
import type { TorrentPieces } from './torrent-pieces.js';
import { TorrentNetwork } from './torrent-network.js';
import type { TorrentDeps, TorrentInit } from './torrent-deps.js';
import type { PieceFlow } from './piece-flow.js';
import { SuperSeeding } from './super-seeding.js';
import type { FileStream, FileStreams } from './file-streams.js';
import { TorrentLedger } from './torrent-ledger.js';
import type { TorrentSettings, TorrentSettingsChange } from './torrent-settings.js';
import { limitsChange, TorrentOwnSettings } from './torrent-own-settings.js';
import { MetadataPhase } from './metadata-phase.js';
import { wireTorrentParts } from './torrent-parts.js';
import { addTrackerToTiers, removeTrackerFromTiers } from './tracker-edit.js';
import { PRIORITY_NORMAL, type FilePriority, type PeerStats, TorrentEvents, TorrentState, TorrentStats } from './types.js';

export type { QueueLink, TorrentDeps, TorrentInit } from './torrent-deps.js';

/**
 * One torrent's state machine: metadata → checking → downloading → seeding, with queued,
 * paused and error on the side. Its data lives in TorrentPieces, its contact with peers and
 * trackers in TorrentNetwork (while it runs); the Client owns the sockets and the queue.
 */
export class Torrent extends Emitter<TorrentEvents> {
  readonly infoHash: Uint8Array;
  readonly infoHashHex: string;
  /** This torrent's own limits (0 = none) in front of the client's, and its payload counters. */
  readonly bandwidth: TorrentBandwidth;
  readonly seedingTimer: SeedingTimer;
  private currentState: TorrentState;
  private errorText: string | undefined;
  private storage: FileStorage | undefined;
  private pieces: TorrentPieces | undefined;
  private readonly swarm: Swarm;
  private network: TorrentNetwork | undefined;
  private stoppedNetwork: TorrentNetwork | undefined;
  private readonly metadata: MetadataPhase;
  private readonly resumeSaver: ResumeSaver;
  private readonly webSeeds: WebSeedGroup;
  private readonly flow: PieceFlow;
  private readonly superSeed: SuperSeeding;
  private readonly ledger: TorrentLedger;
  private readonly streams: FileStreams;
  private running = false;
  private userPaused: boolean;
  private readonly ownSettings: TorrentOwnSettings;

  constructor(
    private readonly deps: TorrentDeps,
    private readonly init: TorrentInit,
  ) {
    super();
    this.infoHash = init.infoHash;
    this.infoHashHex = toHex(init.infoHash);
    const clock = deps.clock;
    this.ownSettings = new TorrentOwnSettings(clock, init.settings, deps.swarmLimits, deps.globalBuckets);
    this.bandwidth = this.ownSettings.bandwidth;
    this.seedingTimer = new SeedingTimer(clock, init.record?.seedingMs ?? 0);
    this.superSeed = new SuperSeeding(init.settings.superSeed, clock, deps.random);
    this.ledger = new TorrentLedger(init, this.bandwidth);
    this.userPaused = !!(init.options.paused || init.record?.paused);
    this.currentState = init.meta ? 'checking' : 'metadata';
    this.resumeSaver = new ResumeSaver(clock, deps.resume, () => this.resumeRecord());
    this.metadata = new MetadataPhase(deps, init, this.infoHashHex, (session, reason) => this.swarm.ban(session.id, reason));
    const own = { infoHash: this.infoHash, bandwidth: this.bandwidth, swarmLimits: this.ownSettings.swarmLimits, metadata: this.metadata };
    ({ swarm: this.swarm, webSeeds: this.webSeeds, streams: this.streams, flow: this.flow } = wireTorrentParts(deps, own, {
      meta: () => this.meta,
      pieces: () => this.pieces,
      network: () => this.network,
      running: () => this.running,
      // An incomplete torrent shows what it has: super-seeding is for seeds (BEP 16).
      superSeeding: () => this.superSeed.hiding && this.currentState !== 'downloading',
      wantFile: (i) => void (this.pieces?.filePriorities[i] === 0 && this.setFilePriority(i, PRIORITY_NORMAL)),
      streamStalled: () => this.streamStalled(),
      verified: (index) => {
        this.emit('piece', index);
        this.streams.onPiece(index);
        this.markDirty();
        this.checkDone();
      },
      written: () => this.checkDone(),
      fail: (error) => this.fail(error),
    }));
  }

  /** Undefined until metadata is known (magnet links). */
  get meta(): TorrentMeta | undefined {
    return this.pieces?.meta ?? this.init.meta;
  }
  get have(): Bitfield | undefined {
    return this.pieces?.have;
  }
  get isPrivate(): boolean {
    return this.meta?.private ?? false;
  }
  /** Peers a caller names (like the CLI's `--peer`): dialed with source 'manual'. */
  addPeers(peers: { host: string; port: number }[]): void {
    this.network?.addPeers(peers, 'manual');
  }
  /** Peers found by local service discovery (BEP 14); never for private torrents (BEP 27). */
  addLocalPeers(peers: { host: string; port: number }[]): void {
    if (!this.isPrivate) this.network?.addPeers(peers, 'lsd');
  }
  isComplete(): boolean {
    return this.pieces?.isComplete() ?? false;
  }

  // --- public API ----------------------------------------------------------------------------

  get state(): TorrentState {
    return this.currentState;
  }

  get destination(): string {
    return this.init.options.destination;
  }

  /** Every wanted piece is verified and written. */
  isDone(): boolean {
    return this.isComplete();
  }

  /** Running: connected to peers and trackers (not paused, queued or failed). */
  get isRunning(): boolean {
    return this.running;
  }

  /** Paused by the user (or by a seed goal); a queued torrent is not. */
  get isPaused(): boolean {
    return this.userPaused;
  }

  /** Download or seed, as the queue counts it: before the check, as resume data last saw it. */
  get queueKind(): 'download' | 'seed' {
    if (this.pieces?.picker) return this.isComplete() ? 'seed' : 'download';
    return this.init.record?.completedAt !== undefined ? 'seed' : 'download';
  }

  /**
   * Open storage and read what the metadata says; the torrent then waits (paused or queued)
   * until `run()`. Without a queue it runs at once.
   */
  async start(): Promise<void> {
    // Saved before anything else can fail or take time: nothing the user added is ever lost,
    // even a magnet whose metadata never arrives.
    await this.flushResume();
    this.storage = await this.deps.platform.openStorage(this.destination);
    if (this.init.meta) this.pieces = this.metadata.pieces(this.init.meta, this.storage, false);
    if (this.userPaused) return this.setState('paused');
    if (this.deps.queue) return this.setState('queued');
    await this.run();
  }

  /** Start networking (the queue gave a slot, or there is no queue). Resolves after the check. */
  async run(): Promise<void> {
    if (this.running) return;
    this.userPaused = false;
    try {
      await this.activate();
    } catch (error) {
      this.fail(error);
      throw error;
    }
  }

  /** Stop networking and wait in the queue (its slot went to a torrent higher up). */
  enqueue(): void {
    if (this.running) this.deactivate('queued');
    if (!this.userPaused && this.currentState !== 'error') this.setState('queued');
  }

  pause(): void {
    this.userPaused = true;
    if (this.running) this.deactivate('paused');
    this.setState('paused');
    this.streams.failWaiting(this.streamStalled()!);
    this.deps.queue?.stopped(this);
  }

  resume(): void {
    if (this.running) return;
    this.userPaused = false;
    this.errorText = undefined;
    if (this.deps.queue) {
      if (this.currentState === 'paused' || this.currentState === 'error') this.setState('queued');
      this.deps.queue.resumed(this);
      return;
    }
    void this.run().catch(() => undefined);
  }

  setFilePriority(fileIndex: number, priority: FilePriority): void {
    if (!this.pieces) throw new TorrentError('usage', `no file ${fileIndex} in this torrent`);
    this.pieces.setFilePriority(fileIndex, priority);
    this.afterPriorities();
    this.markDirty();
  }

  /** Several files at once: the piece priorities are recomputed once. */
  setFilePriorities(changes: readonly { index: number; priority: FilePriority }[]): void {
    if (!this.pieces) throw new TorrentError('usage', 'the file list is not known yet (no metadata)');
    this.pieces.setFilePriorities(changes);
    this.afterPriorities();
    this.markDirty();
  }

  /** A tracker the user added (a new last tier); announced to at once when running. */
  addTracker(url: string): void {
    this.network?.addTracker(addTrackerToTiers(this.ledger.trackers, url));
    this.markDirty();
  }

  removeTracker(url: string): void {
    if (!removeTrackerFromTiers(this.ledger.trackers, url)) throw new TorrentError('usage', 'That tracker is not listed.');
    this.network?.removeTracker(url);
    this.markDirty();
  }

  /** The verified pieces as a BEP 3 bitfield (high bit first); undefined before metadata. */
  pieceBitfield(): Uint8Array | undefined {
    return this.have?.toBytes();
  }

  /** Set this torrent's own payload limits in bytes/s (0 = none); the client's still apply. */
  setLimits(limits: { download?: number; upload?: number }): void {
    this.changeSettings(limitsChange(limits));
  }

  /** Its own settings as they stand (saved in the resume record). */
  get settings(): TorrentSettings {
    return this.ownSettings.snapshot();
  }

  /**
   * Change its own settings (checked first: a bad value throws and changes nothing). Limits,
   * super-seeding and the connection cap apply here; goals and forced start are the client's
   * to apply (Client.setTorrentSettings).
   */
  changeSettings(change: TorrentSettingsChange): TorrentSettings {
    const next = this.ownSettings.change(change);
    this.superSeed.setWanted(next.superSeed, this.swarm.sessions.values(), this.pieces?.have, this.currentState === 'seeding' ? this.pieces?.meta.pieceCount : undefined);
    this.markDirty(true);
    return this.settings;
  }

  /** Payload received (a RateGate with its meter). */
  get download(): TorrentRateGate {
    return this.bandwidth.download;
  }

  /** Payload sent. */
  get upload(): TorrentRateGate {
    return this.bandwidth.upload;
  }

  stats(): TorrentStats {
    const pieces = this.pieces;
    const position = this.deps.queue?.position(this);
    return buildStats(this, {
      state: this.currentState,
      ...(this.errorText !== undefined ? { error: this.errorText } : {}),
      filePriorities: pieces?.filePriorities ?? [],
      downloaded: this.ledger.downloaded,
      uploaded: this.ledger.uploaded,
      hadDataAtStart: pieces?.hadDataAtStart ?? false,
      hashFailures: pieces?.hashFailures ?? 0,
      peers: [...this.swarm.sessions.values()],
      trackers: this.ledger.trackerStatus(this.network?.trackerStatus()),
      addedAt: this.ledger.addedAt,
      ...(this.ledger.completedAt !== undefined ? { completedAt: this.ledger.completedAt } : {}),
      name: this.ledger.name(this.meta, this.infoHashHex),
      seedingMs: this.seedingTimer.elapsedMs(),
      ...(position !== undefined ? { queuePosition: position } : {}),
      settings: this.settings,
    });
  }

  peerStats(): PeerStats[] {
    return [...this.swarm.sessions.values()].map((s) => s.stats());
  }

  /** Streaming: a reader of one file whose waiting reads come first in the picker (file-streams.ts). */
  openStream(fileIndex: number): FileStream {
    return this.streams.open(fileIndex);
  }

  /** Stop networking and persist; used by Client.close and remove. */
  async stop(): Promise<void> {
    this.streams.closeAll('the torrent was stopped');
    if (this.running) this.deactivate('client closing');
    await this.flushResume();
    await this.stoppedNetwork?.whenStopped();
    await this.storage?.close();
  }

  async deleteData(): Promise<void> {
    if (this.pieces) await this.pieces.store.deleteFiles();
  }

  /** Payload received, all sessions (resume data) included. */
  totalDownloaded(): number {
    return this.ledger.downloaded;
  }

  totalUploaded(): number {
    return this.ledger.uploaded;
  }

  /** Data found on disk at the check that resume data did not vouch for (ratio counts against the size). */
  get hadDataAtStart(): boolean {
    return this.pieces?.hadDataAtStart ?? false;
  }

  /** The client found a seeding goal reached (it pauses or removes the torrent next). */
  goalReached(goal: 'ratio' | 'time'): void {
    this.emit('seedGoal', goal);
  }

  /** The peer connections with their wire byte counts (for protocol overhead in the global limits). */
  *connections(): Iterable<PeerConnection> {
    for (const session of this.swarm.sessions.values()) yield session.conn;
  }

  /** Connections open or being dialed (for the client's global limit). */
  get connectionCount(): number {
    return this.swarm.openCount;
  }

  /** The blocklist changed: close sessions with addresses it now names. */
  dropBlockedPeers(): void {
    this.network?.dropBlocked();
  }

  // --- internals --------------------------------------------------------------------------

  private async activate(): Promise<void> {
    this.running = true;
    this.errorText = undefined;
    const network = new TorrentNetwork(this.deps, this.infoHash, this.swarm);
    this.network = network;
    network.start({
      trackers: this.ledger.trackers,
      isPrivate: this.isPrivate,
      peers: [...(this.init.options.peers ?? []), ...(this.init.magnet?.peers ?? [])],
      stats: () => ({ uploaded: this.upload.meter.total, downloaded: this.download.meter.total, left: this.pieces?.bytesLeft() ?? 16384 }),
      onTick: () => {
        this.metadata.fetcher?.tick();
        // Before seeds are dropped: a finished peer tells super-seeding the torrent has spread.
        this.superSeed.tick(this.swarm.sessions.values(), this.pieces?.have);
        // A peer may turn out a seed after we finished (its bitfield came late, or it completed):
        // seed-to-seed connections only hold slots other torrents could use.
        if (this.currentState === 'seeding') this.swarm.dropSeeds();
      },
    });
    if (!this.pieces) {
      this.setState('metadata');
      this.metadata.begin((info) => void this.onMetadata(info).catch((error) => this.fail(error)));
      network.announce();
      return;
    }
    if (!this.pieces.picker) await this.check();
    if (this.network !== network) return;
    network.announce();
    this.afterCheck();
  }

  private deactivate(reason: string): void {
    this.running = false;
    this.webSeeds.stop();
    this.seedingTimer.stop();
    this.superSeed.pause();
    this.metadata.end();
    this.network?.stop(reason);
    this.stoppedNetwork = this.network;
    this.network = undefined;
    this.pieces?.clearBuffers();
  }

  private async onMetadata(infoBytes: Uint8Array): Promise<void> {
    const meta = this.metadata.parse(infoBytes, this.ledger.trackers);
    // BEP 27: a private torrent is never looked up in the DHT, even if its magnet was.
    if (meta.private) this.network?.leaveDht();
    await this.metadata.save(infoBytes);
    this.pieces = this.metadata.pieces(meta, this.storage!, true);
    this.emit('metadata');
    for (const session of this.swarm.sessions.values()) session.onMetadataReady();
    if (!this.running) return;
    await this.check();
    if (this.running) this.afterCheck();
  }

  private async check(): Promise<void> {
    this.setState('checking');
    const pieces = this.pieces!;
    const record = this.init.record;
    const trusted = record && record.destination === this.destination && record.bitfield.length === Math.ceil(pieces.meta.pieceCount / 8) ? record.bitfield : null;
    await pieces.check(trusted);
    for (const session of this.swarm.sessions.values()) session.attachPicker();
  }

  private afterCheck(): void {
    this.streams.refresh();
    if (this.isComplete()) this.finish(false);
    else {
      this.setState('downloading');
      this.flow.startWebSeeds(this.init.magnet?.webSeeds ?? []);
    }
    this.markDirty();
  }

  /** Files were re-selected: a seed may have something to download again, or be done. */
  private afterPriorities(): void {
    if (this.running && this.currentState === 'seeding' && !this.isComplete()) {
      this.seedingTimer.stop();
      this.setState('downloading');
      this.flow.startWebSeeds(this.init.magnet?.webSeeds ?? []);
    }
    for (const session of this.swarm.sessions.values()) session.updateInterest();
    this.checkDone();
  }

  private checkDone(): void {
    if (this.running && this.currentState === 'downloading' && this.isComplete()) this.finish(true);
  }

  private finish(downloadedNow: boolean): void {
    void this.pieces!.store.flush().catch(() => undefined);
    if (downloadedNow) {
      this.ledger.completedAt = Date.now();
      this.network?.completed();
    }
    this.setState('seeding');
    this.seedingTimer.start();
    this.superSeed.begin(this.pieces!.meta.pieceCount);
    this.webSeeds.stop();
    this.swarm.dropSeeds();
    this.emit('done');
    void this.flushResume();
  }

  /** Paused or failed, a torrent fetches nothing: a stream's read of a missing piece is refused. */
  private streamStalled(): string | undefined {
    if (this.running) return undefined;
    if (this.currentState === 'error') return `the torrent stopped with an error (${this.errorText ?? 'unknown'}): resume it to play the rest of this file`;
    if (this.userPaused) return 'the torrent is paused: resume it to play the rest of this file';
    return undefined;
  }

  private fail(error: unknown): void {
    this.errorText = errorMessage(error);
    if (this.running) this.deactivate('torrent error');
    this.setState('error');
    this.streams.failWaiting(this.streamStalled()!);
    this.deps.queue?.stopped(this);
    this.emit('error', error instanceof Error ? error : new Error(this.errorText));
  }

  private setState(state: TorrentState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.emit('state', state);
    this.markDirty(true);
  }

  // --- resume data --------------------------------------------------------------------------

  private markDirty(now = false): void {
    this.resumeSaver.markDirty(now);
  }

  /** Save the resume record soon (totals and seeding time move without a state change). */
  saveSoon(): void {
    this.markDirty();
  }

  /** Save the resume record now (after any save in progress). */
  flushResume(): Promise<void> {
    return this.resumeSaver.flush();
  }

  private resumeRecord(): ResumeRecord {
    const pieces = this.pieces;
    return this.ledger.record({
      infoHashHex: this.infoHashHex,
      name: this.ledger.name(this.meta, this.infoHashHex),
      bitfield: pieces && pieces.picker && !pieces.checking ? pieces.have.toBytes() : undefined,
      filePriorities: pieces?.filePriorities ?? [],
      paused: this.userPaused,
      seedingMs: this.seedingTimer.elapsedMs(),
      settings: this.ownSettings.saved,
    });
  }

  // --- routing from the Client ----------------------------------------------------------------

  acceptIncoming(conn: PeerConnection, handshake: Handshake): void {
    if (this.deps.peerFilter?.blocks(conn.remoteEndpoint.host)) {
      conn.close('address is in the blocklist');
      return;
    }
    this.swarm.acceptIncoming(conn, handshake);
  }
}
