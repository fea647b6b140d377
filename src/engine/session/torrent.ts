import type { FileStorage, Platform } from '../../platform/interfaces/index.js';
import { parseInfo, type MagnetLink, type TorrentMeta } from '../metainfo/index.js';
import { Announcer } from '../tracker/announcer.js';
import type { UdpTrackerClient } from '../tracker/udp-tracker.js';
import { Bitfield } from '../swarm/bitfield.js';
import { PiecePicker } from '../swarm/piece-picker.js';
import type { PeerSession } from '../swarm/peer-session.js';
import { Swarm } from '../swarm/swarm.js';
import type { SwarmLimits } from '../swarm/swarm-limits.js';
import type { TorrentContext } from '../swarm/torrent-context.js';
import type { PeerConnection } from '../peer/peer-connection.js';
import type { Connector } from '../peer/connector.js';
import type { PeerDiscovery } from '../peer/transport.js';
import type { Handshake } from '../wire/handshake.js';
import { PieceStore } from '../storage/piece-store.js';
import type { ResumeRecord, ResumeStore } from '../storage/resume-store.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import type { Random } from '../util/random.js';
import { Emitter } from '../util/emitter.js';
import { errorMessage, TorrentError } from '../util/errors.js';
import { toHex } from '../util/bytes.js';
import { PieceBuffers } from './piece-buffers.js';
import { ResumeSaver } from './resume-saver.js';
import { WebSeedGroup } from './web-seed-group.js';
import { MetadataFetcher } from './metadata-fetcher.js';
import { TorrentRateGate, type Bucket } from './rate-gate.js';
import { checkExistingData } from './data-check.js';
import { buildStats } from './torrent-stats.js';
import { filePrioritiesToPieces } from './file-priorities.js';
import { addTrackerToTiers, removeTrackerFromTiers } from './tracker-edit.js';
import {
  PRIORITY_NORMAL,
  PRIORITY_SKIP,
  type AddTorrentOptions,
  type FilePriority,
  type PeerStats,
  type TorrentEvents,
  type TorrentState,
  type TorrentStats,
} from './types.js';

/** What a Torrent borrows from its Client. */
export interface TorrentDeps {
  platform: Platform;
  clock: Clock;
  random: Random;
  peerId: Uint8Array;
  userAgent: string;
  listenPort(): number;
  udp: UdpTrackerClient;
  connector: Connector;
  /** Peer exchange allowed by the client's settings. */
  pex: boolean;
  /** The DHT, when on (never used for private torrents, BEP 27). */
  discovery?: PeerDiscovery;
  resume: ResumeStore;
  swarmLimits: SwarmLimits;
  globalBuckets: { download: () => readonly Bucket[]; upload: () => readonly Bucket[] };
}

export interface TorrentInit {
  infoHash: Uint8Array;
  meta?: TorrentMeta;
  magnet?: MagnetLink;
  /** The magnet link as the user gave it (kept in resume data: peers, name, trackers). */
  magnetUri?: string;
  options: AddTorrentOptions;
  record?: ResumeRecord;
}

/**
 * Verified pieces waiting for the disk at most (in bytes; at least two pieces). Past this the
 * sessions stop requesting, so a slow disk slows the download instead of growing memory.
 */
const MAX_PENDING_WRITE_BYTES = 32 * 1024 * 1024;

/**
 * One torrent's state machine: metadata → checking → downloading → seeding, with paused and
 * error on the side. Owns its pieces, swarm and announcer; the Client owns the sockets.
 */
export class Torrent extends Emitter<TorrentEvents> implements TorrentContext {
  readonly infoHash: Uint8Array;
  readonly infoHashHex: string;
  meta: TorrentMeta | undefined;
  have: Bitfield | undefined;
  readonly download: TorrentRateGate;
  readonly upload: TorrentRateGate;
  private currentState: TorrentState;
  private errorText: string | undefined;
  private store: PieceStore | undefined;
  private storage: FileStorage | undefined;
  private activePicker: PiecePicker | undefined;
  private readonly swarm: Swarm;
  private announcer: Announcer | undefined;
  private fetcher: MetadataFetcher | undefined;
  private buffers: PieceBuffers | undefined;
  private filePriorities: FilePriority[] = [];
  private writesInFlight = 0;
  private ticker: TimerHandle | null = null;
  private readonly resumeSaver: ResumeSaver;
  private readonly webSeeds: WebSeedGroup;
  private readonly trackers: string[][];
  private readonly addedAt: number;
  private completedAt: number | undefined;
  private restoredDownloaded: number;
  private restoredUploaded: number;
  private hadDataAtStart = false;
  private hashFailures = 0;
  private running = false;
  private checking = false;

  constructor(
    private readonly deps: TorrentDeps,
    private readonly init: TorrentInit,
  ) {
    super();
    this.infoHash = init.infoHash;
    this.infoHashHex = toHex(init.infoHash);
    this.download = new TorrentRateGate(deps.clock, deps.globalBuckets.download);
    this.upload = new TorrentRateGate(deps.clock, deps.globalBuckets.upload);
    const record = init.record;
    this.addedAt = record?.addedAt || Date.now();
    this.completedAt = record?.completedAt;
    this.restoredDownloaded = record?.downloaded ?? 0;
    this.restoredUploaded = record?.uploaded ?? 0;
    this.trackers = mergeTiers(init.meta?.announce ?? [], init.magnet ? [init.magnet.trackers] : [], init.options.trackers ?? [], record?.trackers ?? []);
    this.currentState = init.meta ? 'checking' : 'metadata';
    this.webSeeds = new WebSeedGroup(deps.platform.http, deps.clock);
    this.resumeSaver = new ResumeSaver(deps.clock, deps.resume, () => this.resumeRecord());
    this.swarm = new Swarm(this, (to, prefer) => deps.connector.dial(to, this.infoHash, prefer), deps.clock, deps.random, deps.swarmLimits, () => undefined);
    if (init.meta) this.meta = init.meta;
  }

  // --- TorrentContext ---------------------------------------------------------------------

  get localPeerId(): Uint8Array {
    return this.deps.peerId;
  }
  get clock(): Clock {
    return this.deps.clock;
  }
  get listenPort(): number {
    return this.deps.listenPort();
  }
  get userAgent(): string {
    return this.deps.userAgent;
  }
  get isPrivate(): boolean {
    return this.meta?.private ?? false;
  }
  get pexEnabled(): boolean {
    return this.deps.pex && !this.isPrivate;
  }
  get picker(): PiecePicker | undefined {
    return this.activePicker;
  }
  get infoBytes(): Uint8Array | undefined {
    return this.meta?.infoBytes;
  }

  canRequest(): boolean {
    const pieceLength = this.meta?.pieceLength ?? 0;
    return this.writesInFlight < 2 || this.writesInFlight * pieceLength < MAX_PENDING_WRITE_BYTES;
  }

  isComplete(): boolean {
    return !!this.activePicker && this.activePicker.wantedRemaining() === 0 && this.writesInFlight === 0;
  }

  readBlock(index: number, begin: number, length: number): Promise<Uint8Array> {
    if (!this.store) return Promise.reject(new TorrentError('internal', 'no storage yet'));
    return this.store.readBlock(index, begin, length);
  }

  onBlock(fromId: string, index: number, begin: number, block: Uint8Array, pieceComplete: boolean): void {
    this.buffers!.add(index, begin, block, fromId);
    if (pieceComplete) void this.completePiece(index);
  }

  onCancelElsewhere(peerId: string, index: number, begin: number, length: number): void {
    this.swarm.sessions.get(peerId)?.cancel(index, begin, length);
  }

  onMetadataOffer(session: PeerSession, size: number): void {
    this.fetcher?.offer(session, size);
  }
  onMetadataPiece(session: PeerSession, piece: number, _totalSize: number, data: Uint8Array): void {
    this.fetcher?.onData(session, piece, data);
  }
  onMetadataRejected(session: PeerSession, piece: number): void {
    this.fetcher?.onReject(session, piece);
  }
  onPexPeers(peers: { host: string; port: number }[]): void {
    this.swarm.addPeers(peers, 'pex');
  }
  onInterestChanged(session: PeerSession): void {
    this.swarm.onInterest(session);
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

  async start(): Promise<void> {
    // Saved before anything else can fail or take time: nothing the user added is ever lost,
    // even a magnet whose metadata never arrives.
    await this.flushResume();
    this.storage = await this.deps.platform.openStorage(this.destination);
    if (this.meta) await this.setupMeta(this.meta, false);
    if (this.init.options.paused || this.init.record?.paused) {
      this.setState('paused');
      return;
    }
    await this.activate();
  }

  pause(): void {
    if (this.currentState === 'paused' || !this.running) {
      this.setState('paused');
      return;
    }
    this.deactivate('paused');
    this.setState('paused');
  }

  resume(): void {
    if (this.running) return;
    this.errorText = undefined;
    void this.activate().catch((error) => this.fail(error));
  }

  setFilePriority(fileIndex: number, priority: FilePriority): void {
    if (!this.meta || fileIndex < 0 || fileIndex >= this.meta.files.length) throw new TorrentError('usage', `no file ${fileIndex} in this torrent`);
    this.filePriorities[fileIndex] = priority;
    this.applyPriorities();
    this.markDirty();
  }

  /** Several files at once: the piece priorities are recomputed once. */
  setFilePriorities(changes: readonly { index: number; priority: FilePriority }[]): void {
    const count = this.meta?.files.length ?? 0;
    for (const c of changes) {
      if (!Number.isInteger(c.index) || c.index < 0 || c.index >= count) throw new TorrentError('usage', `no file ${c.index} in this torrent`);
      if (!Number.isInteger(c.priority) || c.priority < 0 || c.priority > 7) throw new TorrentError('usage', `file priority must be 0..7, not ${c.priority}`);
    }
    for (const c of changes) this.filePriorities[c.index] = c.priority;
    this.applyPriorities();
    this.markDirty();
  }

  /** A tracker the user added (a new last tier); announced to at once when running. */
  addTracker(url: string): void {
    const added = addTrackerToTiers(this.trackers, url);
    this.announcer?.addTracker(added);
    this.markDirty();
  }

  removeTracker(url: string): void {
    if (!removeTrackerFromTiers(this.trackers, url)) throw new TorrentError('usage', 'That tracker is not listed.');
    this.announcer?.removeTracker(url);
    this.markDirty();
  }

  /** The verified pieces as a BEP 3 bitfield (high bit first); undefined before metadata. */
  pieceBitfield(): Uint8Array | undefined {
    return this.have?.toBytes();
  }

  stats(): TorrentStats {
    return buildStats(this, {
      state: this.currentState,
      ...(this.errorText !== undefined ? { error: this.errorText } : {}),
      filePriorities: this.filePriorities,
      downloaded: this.totalDownloaded(),
      uploaded: this.totalUploaded(),
      hadDataAtStart: this.hadDataAtStart,
      hashFailures: this.hashFailures,
      peers: [...this.swarm.sessions.values()],
      trackers: this.announcer?.status() ?? this.trackers.flatMap((tier, i) => tier.map((url) => ({ url, tier: i, state: 'idle' as const, peersReceived: 0 }))),
      addedAt: this.addedAt,
      ...(this.completedAt !== undefined ? { completedAt: this.completedAt } : {}),
      name: this.displayName(),
    });
  }

  peerStats(): PeerStats[] {
    return [...this.swarm.sessions.values()].map((s) => s.stats());
  }

  /** Stop networking and persist; used by Client.close and remove. */
  async stop(): Promise<void> {
    if (this.running) this.deactivate('client closing');
    await this.flushResume();
    await this.announcerStopped;
    await this.storage?.close();
  }

  async deleteData(): Promise<void> {
    if (this.store) await this.store.deleteFiles();
  }

  // --- internals --------------------------------------------------------------------------

  private announcerStopped: Promise<void> = Promise.resolve();
  private stopLookup: (() => void) | undefined;

  /** Private (BEP 27) as far as we know: a magnet's metadata may still say otherwise. */
  private isPrivateTorrent(): boolean {
    return this.meta?.private ?? false;
  }

  private displayName(): string {
    return this.meta?.name ?? this.init.magnet?.name ?? this.init.record?.name ?? this.infoHashHex;
  }

  totalDownloaded(): number {
    return this.restoredDownloaded + this.download.meter.total;
  }

  totalUploaded(): number {
    return this.restoredUploaded + this.upload.meter.total;
  }

  private async activate(): Promise<void> {
    this.running = true;
    this.errorText = undefined;
    const deps = this.deps;
    this.announcer = new Announcer({
      tiers: this.trackers,
      infoHash: this.infoHash,
      peerId: deps.peerId,
      port: deps.listenPort(),
      http: deps.platform.http,
      udp: deps.udp,
      clock: deps.clock,
      random: deps.random,
      stats: () => ({ uploaded: this.upload.meter.total, downloaded: this.download.meter.total, left: this.bytesLeft() }),
    });
    this.announcer.on('peers', (peers) => this.swarm.addPeers(peers, 'tracker'));
    this.swarm.start();
    if (deps.discovery && !this.isPrivateTorrent()) {
      this.stopLookup = deps.discovery.lookup(this.infoHash, {
        announcePort: deps.listenPort(),
        onPeers: (peers) => this.swarm.addPeers(peers, 'dht'),
      });
    }
    this.swarm.addPeers(this.init.options.peers ?? [], 'manual');
    this.swarm.addPeers(this.init.magnet?.peers ?? [], 'manual');
    this.scheduleTick();
    if (!this.meta) {
      this.setState('metadata');
      this.fetcher = new MetadataFetcher(
        this.infoHash,
        (bytes) => deps.platform.hasher.sha1(bytes),
        deps.clock,
        (info) => void this.onMetadata(info).catch((error) => this.fail(error)),
        (session, reason) => this.swarm.ban(session.id, reason),
      );
      this.announcer.start();
      return;
    }
    if (!this.activePicker) await this.check();
    if (!this.running) return;
    this.announcer.start();
    this.afterCheck();
  }

  private deactivate(reason: string): void {
    this.running = false;
    this.webSeeds.stop();
    this.stopLookup?.();
    this.stopLookup = undefined;
    if (this.ticker !== null) this.deps.clock.clearTimeout(this.ticker);
    this.ticker = null;
    this.swarm.stop(reason);
    const announcer = this.announcer;
    this.announcer = undefined;
    this.announcerStopped = announcer ? announcer.stop(5_000).catch(() => undefined) : Promise.resolve();
    this.buffers?.clear();
  }

  private scheduleTick(): void {
    this.ticker = this.deps.clock.setTimeout(() => {
      if (!this.running) return;
      this.swarm.tick();
      this.fetcher?.tick();
      this.scheduleTick();
    }, 1_000);
  }

  private async onMetadata(infoBytes: Uint8Array): Promise<void> {
    const meta = parseInfo(infoBytes, { announce: this.trackers });
    this.fetcher = undefined;
    if (meta.private) {
      // BEP 27: a private torrent is never looked up in the DHT, even if its magnet was.
      this.stopLookup?.();
      this.stopLookup = undefined;
    }
    await this.deps.resume.saveInfo(this.infoHashHex, infoBytes);
    await this.setupMeta(meta, true);
    this.emit('metadata');
    for (const session of this.swarm.sessions.values()) session.onMetadataReady();
    if (!this.running) return;
    await this.check();
    if (this.running) this.afterCheck();
  }

  /** Metadata known: storage layout, priorities, an empty have-set (check fills it). */
  private async setupMeta(meta: TorrentMeta, fromMagnet: boolean): Promise<void> {
    this.meta = meta;
    this.store = new PieceStore(meta, this.storage!, this.deps.platform.hasher);
    this.have = new Bitfield(meta.pieceCount);
    this.buffers = new PieceBuffers((i) => this.store!.map.pieceLength(i));
    const saved = this.init.record?.filePriorities ?? [];
    const selected = this.init.options.selectedFiles ?? (fromMagnet || this.init.magnet ? this.init.magnet?.selectOnly : undefined);
    const selectedSet = selected ? new Set(selected) : null;
    this.filePriorities = meta.files.map((file, i) => {
      if (saved.length === meta.files.length) return saved[i] as FilePriority;
      if (selectedSet && !selectedSet.has(i)) return PRIORITY_SKIP;
      return file.padding ? PRIORITY_SKIP : PRIORITY_NORMAL;
    });
  }

  private async check(): Promise<void> {
    this.checking = true;
    this.setState('checking');
    const meta = this.meta!;
    const record = this.init.record;
    const trusted = record && record.destination === this.destination && record.bitfield.length === Math.ceil(meta.pieceCount / 8) ? record.bitfield : null;
    const found = await checkExistingData(this.store!, this.have!, trusted);
    this.hadDataAtStart = found > 0 && !trusted;
    this.checking = false;
    await this.store!.createEmptyFiles((i) => (this.filePriorities[i] ?? 0) > 0);
    this.activePicker = new PiecePicker({
      pieceCount: meta.pieceCount,
      pieceLength: meta.pieceLength,
      lastPieceLength: meta.lastPieceLength,
      random: this.deps.random,
      have: this.have!,
    });
    this.applyPriorities();
    for (const session of this.swarm.sessions.values()) session.attachPicker();
  }

  private afterCheck(): void {
    if (this.isComplete()) this.finish(false);
    else {
      this.setState('downloading');
      this.startWebSeeds();
    }
    this.markDirty();
  }

  private applyPriorities(): void {
    if (!this.meta || !this.activePicker || !this.store) return;
    this.activePicker.setPiecePriorities(filePrioritiesToPieces(this.meta, this.store.map, this.filePriorities));
    if (this.running && this.currentState === 'seeding' && !this.isComplete()) {
      this.setState('downloading');
      this.startWebSeeds();
    }
    for (const session of this.swarm.sessions.values()) session.updateInterest();
    this.checkDone();
  }

  private async completePiece(index: number): Promise<void> {
    const buffer = this.buffers?.take(index);
    const store = this.store;
    const picker = this.activePicker;
    if (!buffer || !store || !picker) return;
    this.writesInFlight++;
    try {
      const checked = await store.verifyLent(index, buffer.data);
      buffer.data = checked.data;
      if (!checked.ok) {
        picker.onPieceFailed(index);
        this.hashFailures++;
        for (const peer of buffer.contributors) {
          if (!this.webSeeds.onHashFailure(peer, index)) this.swarm.strike(peer, buffer.contributors.size === 1);
        }
        return;
      }
      await store.writePiece(index, buffer.data);
      if (!this.running) return;
      this.have!.set(index);
      picker.onPieceVerified(index);
      for (const session of this.swarm.sessions.values()) session.announceHave(index);
      this.emit('piece', index);
      this.markDirty();
    } catch (error) {
      picker.onPieceFailed(index);
      this.fail(error);
    } finally {
      this.buffers?.recycle(buffer);
      const wasBlocked = !this.canRequest();
      this.writesInFlight--;
      this.checkDone();
      if (wasBlocked && this.running) {
        for (const session of this.swarm.sessions.values()) session.fillRequests();
        this.webSeeds.wake();
      }
    }
  }

  /** BEP 19 web seeds from the torrent's url-list and the magnet's ws= entries. */
  private startWebSeeds(): void {
    const meta = this.meta;
    const picker = this.activePicker;
    if (!meta || !picker || !this.running) return;
    const urls = [...meta.urlList, ...(this.init.magnet?.webSeeds ?? [])];
    if (urls.length === 0) return;
    this.webSeeds.start(urls, {
      meta,
      picker,
      download: this.download,
      canRequest: () => this.canRequest(),
      onBlock: (id, index, begin, block, done) => this.onBlock(id, index, begin, block, done),
      onCancelElsewhere: (peer, index, begin, length) => this.onCancelElsewhere(peer, index, begin, length),
    });
  }

  private checkDone(): void {
    if (this.running && this.currentState === 'downloading' && this.isComplete()) this.finish(true);
  }

  private finish(downloadedNow: boolean): void {
    void this.store!.flush().catch(() => undefined);
    if (downloadedNow) {
      this.completedAt = Date.now();
      this.announcer?.completed();
    }
    this.setState('seeding');
    this.webSeeds.stop();
    this.swarm.dropSeeds();
    this.emit('done');
    void this.flushResume();
  }

  private fail(error: unknown): void {
    this.errorText = errorMessage(error);
    if (this.running) this.deactivate('torrent error');
    this.setState('error');
    this.emit('error', error instanceof Error ? error : new Error(this.errorText));
  }

  private bytesLeft(): number {
    if (!this.meta || !this.have) return 16384;
    const wanted = this.activePicker?.wantedRemaining() ?? this.meta.pieceCount - this.have.count;
    return Math.min(this.meta.totalLength, wanted * this.meta.pieceLength);
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

  /** Save the resume record now (after any save in progress). */
  flushResume(): Promise<void> {
    return this.resumeSaver.flush();
  }

  private resumeRecord(): ResumeRecord {
    const magnet = this.init.magnetUri ?? this.init.record?.magnet;
    return {
      infoHash: this.infoHashHex,
      destination: this.destination,
      bitfield: this.have && !this.checking ? this.have.toBytes() : (this.init.record?.bitfield ?? new Uint8Array(0)),
      filePriorities: this.filePriorities,
      uploaded: this.totalUploaded(),
      downloaded: this.totalDownloaded(),
      addedAt: this.addedAt,
      ...(this.completedAt !== undefined ? { completedAt: this.completedAt } : {}),
      paused: this.currentState === 'paused',
      name: this.displayName(),
      trackers: this.trackers,
      ...(magnet ? { magnet } : {}),
    };
  }

  // --- routing from the Client ----------------------------------------------------------------

  acceptIncoming(conn: PeerConnection, handshake: Handshake): void {
    this.swarm.acceptIncoming(conn, handshake);
  }
}

function mergeTiers(...lists: string[][][]): string[][] {
  const seen = new Set<string>();
  const out: string[][] = [];
  for (const tiers of lists) {
    for (const tier of tiers) {
      const fresh = tier.filter((u) => u && !seen.has(u) && seen.add(u));
      if (fresh.length > 0) out.push(fresh);
    }
  }
  return out;
}
