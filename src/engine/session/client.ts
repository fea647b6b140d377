import type { Platform } from '../../platform/interfaces/index.js';
import { parseInfo, parseMagnet, parseTorrent, type MagnetLink, type TorrentMeta } from '../metainfo/index.js';
import { ResumeStore } from '../storage/resume-store.js';
import { DEFAULT_SWARM_LIMITS, type SwarmLimits } from '../swarm/swarm-limits.js';
import { UdpTrackerClient } from '../tracker/udp-tracker.js';
import { toHex, utf8 } from '../util/bytes.js';
import { systemClock, type Clock } from '../util/clock.js';
import { Emitter } from '../util/emitter.js';
import { TorrentError } from '../util/errors.js';
import { mathRandom, type Random } from '../util/random.js';
import { Torrent } from './torrent.js';
import { SessionPolicies } from './session-policies.js';
import { SessionNetwork } from './session-network.js';
import type { SessionStatistics } from './session-totals.js';
import type { QueueLimits, QueueStanding } from '../policy/queue-policy.js';
import type { SeedGoalAction, SeedGoals } from '../policy/seed-goals.js';
import type { IpBlocklist } from '../policy/ip-blocklist.js';
import type { AltSpeedSchedule, AltSpeedStatus } from '../policy/alt-speed.js';
import type { AddTorrentOptions, ClientOptions, TorrentSource } from './types.js';
import { optionsWithSaved, settingsFromOptions, type TorrentSettings, type TorrentSettingsChange } from './torrent-settings.js';

export const CLIENT_VERSION = '0.1.0';
/** Azureus-style peer id prefix (BEP 20): TE = TorrentEdge, version 0100. */
const PEER_ID_PREFIX = '-TE0100-';
export { DEFAULT_MAX_CONNECTIONS } from './session-policies.js';

interface ClientEvents {
  added(torrent: Torrent): void;
  removed(infoHash: string): void;
  /** A torrent reached a seeding goal and was paused or removed. */
  seedGoal(infoHash: string, goal: 'ratio' | 'time', action: SeedGoalAction): void;
}

/**
 * The session: many torrents sharing one listening port, one UDP tracker socket and the global
 * rate limits. Routes incoming connections to their torrent by the infohash in the handshake.
 */
export class Client extends Emitter<ClientEvents> {
  private readonly torrents = new Map<string, Torrent>();
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly peerId: Uint8Array;
  private readonly udp: UdpTrackerClient;
  private readonly resume: ResumeStore;
  private readonly swarmLimits: SwarmLimits;
  private network!: SessionNetwork;
  private closed = false;
  private readonly policies: SessionPolicies;

  private constructor(private readonly options: ClientOptions) {
    super();
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? mathRandom;
    this.peerId = options.peerId ?? makePeerId(options.platform);
    this.udp = new UdpTrackerClient({ network: options.platform.network, clock: this.clock, random: this.random });
    this.resume = new ResumeStore(options.platform.kv);
    this.policies = new SessionPolicies(this.clock, options, {
      torrents: () => this.torrents.values(),
      remove: (hex) => this.remove(hex),
      goalReached: (torrent, goal, action) => {
        torrent.goalReached(goal);
        this.emit('seedGoal', torrent.infoHashHex, goal, action);
      },
    });
    this.swarmLimits = { ...DEFAULT_SWARM_LIMITS, ...(options.maxPeersPerTorrent ? { maxPeers: options.maxPeersPerTorrent } : {}) };
    if (options.uploadSlots !== undefined) this.swarmLimits = { ...this.swarmLimits, uploadSlots: options.uploadSlots };
  }

  /** A client listening for peers. */
  static async create(options: ClientOptions): Promise<Client> {
    const client = new Client(options);
    client.network = await SessionNetwork.start(options, client.clock, client.random, client.peerId, client.swarmLimits, {
      admits: (host) => !client.closed && !client.policies.blocks(host),
      infoHashes: () => [...client.torrents.values()].map((t) => t.infoHash),
      torrentFor: (hex) => client.torrents.get(hex),
      localPeer: (hex, peer) => client.torrents.get(hex)?.addLocalPeers([peer]),
    });
    await client.policies.start();
    return client;
  }

  get port(): number {
    return this.network.port;
  }

  list(): Torrent[] {
    return [...this.torrents.values()];
  }

  get(infoHashHex: string): Torrent | undefined {
    return this.torrents.get(infoHashHex.toLowerCase());
  }

  /** Add a torrent (or return it if it is already here with the same destination). */
  async add(source: TorrentSource, given: AddTorrentOptions): Promise<Torrent> {
    if (this.closed) throw new TorrentError('usage', 'the client is closed');
    let options = given;
    let meta: TorrentMeta | undefined;
    let magnet: MagnetLink | undefined;
    if (source.kind === 'torrent') meta = parseTorrent(source.bytes);
    else magnet = parseMagnet(source.uri);
    const infoHash = meta ? meta.infoHash : magnet!.infoHash;
    const hex = toHex(infoHash);
    const existing = this.torrents.get(hex);
    if (existing) return existing;
    const record = await this.resume.load(hex);
    const usable = record && record.destination === options.destination ? record : undefined;
    // Its own settings come back from resume data (limits, goals, forced start…) unless given.
    options = optionsWithSaved(options, usable?.settings);
    const settings = settingsFromOptions(options);
    if (!meta) {
      const info = await this.resume.loadInfo(hex);
      if (info) {
        try {
          meta = parseInfo(info, { announce: magnet ? [magnet.trackers] : [] });
        } catch {
          meta = undefined; // unreadable: fetch the metadata again
        }
      }
    }
    const torrent = new Torrent(
      {
        platform: this.options.platform,
        clock: this.clock,
        random: this.random,
        peerId: this.peerId,
        userAgent: this.options.userAgent ?? `TorrentEdge/${CLIENT_VERSION}`,
        listenPort: () => this.port,
        udp: this.udp,
        connector: this.network.connector,
        ...(this.network.dht ? { discovery: this.network.dht } : {}),
        pex: this.options.pex ?? true,
        resume: this.resume,
        swarmLimits: this.swarmLimits,
        globalBuckets: { download: [this.policies.downloadBucket], upload: [this.policies.uploadBucket] },
        queue: this.policies.queue,
        peerFilter: this.policies.peerFilter,
        connectionBudget: this.policies.connectionBudget,
      },
      {
        infoHash,
        ...(meta ? { meta } : {}),
        ...(magnet ? { magnet } : {}),
        ...(source.kind === 'magnet' ? { magnetUri: source.uri } : {}),
        options,
        settings,
        ...(usable ? { record: usable } : {}),
      },
    );
    this.torrents.set(hex, torrent);
    if (meta && !(await this.resume.loadInfo(hex))) await this.resume.saveInfo(hex, meta.infoBytes);
    try {
      await torrent.start();
    } catch (error) {
      this.torrents.delete(hex);
      await torrent.stop().catch(() => undefined);
      throw error;
    }
    const lsd = this.network.lsd;
    if (lsd && !torrent.isPrivate) {
      lsd.add(hex);
      // A magnet's metadata may turn out private (BEP 27): stop announcing it then.
      torrent.on('metadata', () => torrent.isPrivate && lsd.remove(hex));
    }
    this.policies.added(torrent, options);
    this.emit('added', torrent);
    // Started at once when the queue has a slot: resolves after its check, as a plain start did.
    await this.policies.queue.apply();
    return torrent;
  }

  /** Bring back every torrent saved in resume data (the extension does this at start). */
  async restore(): Promise<Torrent[]> {
    const restored: Torrent[] = [];
    // In the queue order the user left (torrents the saved order does not know come last).
    const order = await SessionPolicies.savedOrder(this.options.platform.kv);
    const rank = (hex: string): number => {
      const at = order.indexOf(hex);
      return at < 0 ? order.length : at;
    };
    const hexes = (await this.resume.list()).sort((a, b) => rank(a) - rank(b));
    for (const hex of hexes) {
      const record = await this.resume.load(hex);
      if (!record || this.torrents.has(hex)) continue;
      const info = await this.resume.loadInfo(hex);
      const source: TorrentSource = info
        ? { kind: 'torrent', bytes: wrapInfo(info) }
        : { kind: 'magnet', uri: record.magnet || `magnet:?xt=urn:btih:${hex}` };
      try {
        restored.push(await this.add(source, { destination: record.destination, trackers: record.trackers }));
      } catch {
        // A record we cannot use is left in place for the user to see, never deleted silently.
      }
    }
    return restored;
  }

  async remove(infoHashHex: string, options: { deleteData?: boolean } = {}): Promise<void> {
    const hex = infoHashHex.toLowerCase();
    const torrent = this.torrents.get(hex);
    if (!torrent) throw new TorrentError('usage', `no torrent ${infoHashHex}`);
    this.torrents.delete(hex);
    this.network.lsd?.remove(hex);
    this.policies.removed(torrent);
    await torrent.stop();
    if (options.deleteData) await torrent.deleteData();
    await this.resume.delete(hex);
    this.emit('removed', hex);
  }

  /** Global payload limits in bytes/s (0 = none); while alternative speeds apply, they take over. */
  setLimits(limits: { download?: number; upload?: number }): void {
    this.policies.setLimits(limits);
  }

  /** Alternative speeds and their schedule (undefined: none). */
  setAltSpeed(schedule: AltSpeedSchedule | undefined): void {
    this.policies.setAltSpeed(schedule);
  }

  /** Switch the alternative speeds by hand (undefined: back to the schedule). */
  setAltSpeedManual(on: boolean | undefined): void {
    this.policies.setAltSpeedManual(on);
  }

  get altSpeedActive(): boolean {
    return this.policies.altSpeedActive;
  }

  /** Whether the alternative speeds apply and who turned them on (undefined: none set up). */
  altSpeedStatus(): AltSpeedStatus | undefined {
    return this.policies.altSpeedStatus();
  }

  setQueueLimits(limits: Partial<QueueLimits>): void {
    this.policies.queue.policy.setLimits(limits);
    void this.policies.queue.apply();
  }

  /** Run a torrent past the queue's limits (or end that); kept in its resume record. */
  forceStart(infoHashHex: string, forced = true): void {
    this.setTorrentSettings(infoHashHex, { forced });
  }

  /**
   * Change a torrent's own settings (checked first: a bad value throws and changes nothing):
   * limits, seeding goals (null: the client's), super-seeding, its connection cap, forced start.
   * Kept in its resume record, so a restart brings them back.
   */
  setTorrentSettings(infoHashHex: string, change: TorrentSettingsChange): TorrentSettings {
    const torrent = this.need(infoHashHex);
    const next = torrent.changeSettings(change);
    if (change.seedGoals !== undefined || change.seedGoalAction !== undefined) this.policies.goals.setOwn(torrent.infoHashHex, next.seedGoals, next.seedGoalAction);
    if (change.forced !== undefined) this.policies.queue.forceStart(torrent, next.forced);
    return next;
  }

  /** One torrent, or several keeping their order among themselves. */
  moveInQueue(infoHashHex: string | readonly string[], where: 'up' | 'down' | 'top' | 'bottom'): void {
    if (typeof infoHashHex === 'string') this.policies.queue.move(this.need(infoHashHex), where);
    else this.policies.queue.moveMany(infoHashHex.map((hex) => this.need(hex)), where);
  }

  /** Infohashes, top of the queue first. */
  queueOrder(): string[] {
    return this.policies.queue.policy.ids();
  }

  queueStanding(infoHashHex: string): QueueStanding {
    return this.policies.queue.standing(this.need(infoHashHex));
  }

  setSeedGoals(goals: SeedGoals, action?: SeedGoalAction): void {
    this.policies.goals.setGlobal(goals, action);
  }

  /** A torrent's own goals; undefined goes back to the client's. */
  setTorrentSeedGoals(infoHashHex: string, goals: SeedGoals | undefined, action?: SeedGoalAction): void {
    this.setTorrentSettings(infoHashHex, { seedGoals: goals ?? null, seedGoalAction: action ?? null });
  }

  /** Replace the blocklist; connected peers it names are dropped at once. */
  setBlocklist(list: IpBlocklist | undefined): void {
    this.policies.setBlocklist(list);
  }

  setMaxConnections(max: number): void {
    this.policies.setMaxConnections(max);
  }

  /** Peer connections (and dials in progress) across every torrent. */
  openConnections(): number {
    return this.policies.openConnections();
  }

  /** Payload and time for this session and for all time (kept in the platform's key-value store). */
  sessionStats(): SessionStatistics {
    return this.policies.sessionStats();
  }

  private need(infoHashHex: string): Torrent {
    const torrent = this.torrents.get(infoHashHex.toLowerCase());
    if (!torrent) throw new TorrentError('usage', `no torrent ${infoHashHex}`);
    return torrent;
  }

  /** Stop every torrent (announcing `stopped`, bounded in time) and persist resume data. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.policies.close();
    await Promise.all([...this.torrents.values()].map((t) => t.stop().catch(() => undefined)));
    this.udp.close();
    await this.network.close();
  }
}

function makePeerId(platform: Platform): Uint8Array {
  const id = new Uint8Array(20);
  id.set(utf8(PEER_ID_PREFIX));
  const random = platform.randomBytes(12);
  // Printable characters only: some trackers log peer ids.
  const alphabet = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  for (let i = 0; i < 12; i++) id[8 + i] = alphabet.charCodeAt(random[i]! % alphabet.length);
  return id;
}

/** A .torrent made of nothing but an info dict: enough to restore a torrent from resume data. */
function wrapInfo(info: Uint8Array): Uint8Array {
  const head = utf8('d4:info');
  const out = new Uint8Array(head.length + info.length + 1);
  out.set(head);
  out.set(info, head.length);
  out[out.length - 1] = 0x65; // 'e'
  return out;
}
