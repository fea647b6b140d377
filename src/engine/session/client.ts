import type { Endpoint, Platform, TcpListener, TcpSocket } from '../../platform/interfaces/index.js';
import { parseInfo, parseMagnet, parseTorrent, type MagnetLink, type TorrentMeta } from '../metainfo/index.js';
import { PeerConnection } from '../peer/peer-connection.js';
import { Connector } from '../peer/connector.js';
import type { StreamEncryption, UtpTransport } from '../peer/transport.js';
import { createDht, type Dht } from '../dht/index.js';
import { createUtpTransport } from '../utp/index.js';
import { limitsForSocket } from '../utp/limits.js';
import { createStreamEncryption } from '../crypto/mse/index.js';
import { UdpMux } from './udp-mux.js';
import { startLocalDiscovery } from '../lsd/start-local-discovery.js';
import type { LocalDiscovery } from '../lsd/index.js';
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
import type { SessionStatistics } from './session-totals.js';
import type { QueueLimits, QueueStanding } from '../policy/queue-policy.js';
import type { SeedGoalAction, SeedGoals } from '../policy/seed-goals.js';
import type { IpBlocklist } from '../policy/ip-blocklist.js';
import type { AltSpeedSchedule } from '../policy/alt-speed.js';
import type { AddTorrentOptions, ClientOptions, TorrentSource } from './types.js';

export const CLIENT_VERSION = '0.1.0';
/** Azureus-style peer id prefix (BEP 20): TE = TorrentEdge, version 0100. */
const PEER_ID_PREFIX = '-TE0100-';
/** The routing table saved at close, so a restart does not bootstrap from scratch. */
const DHT_STATE_KEY = 'dht-state';
/** Well-known public DHT routers (BEP 5 bootstrap); unreachable ones cost nothing. */
export { DEFAULT_MAX_CONNECTIONS } from './session-policies.js';
const DEFAULT_DHT_BOOTSTRAP: Endpoint[] = [
  { host: 'router.bittorrent.com', port: 6881 },
  { host: 'dht.transmissionbt.com', port: 6881 },
  { host: 'router.utorrent.com', port: 6881 },
];

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
  private connector: Connector;
  private mux: UdpMux | null = null;
  private dht: Dht | undefined;
  private utp: UtpTransport | undefined;
  private lsd: LocalDiscovery | undefined;
  private readonly encryption: StreamEncryption | undefined;
  private listener: TcpListener | null = null;
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
    const policy = options.encryption ?? 'preferred';
    this.encryption = policy === 'disabled' ? undefined : createStreamEncryption({ randomBytes: (n) => options.platform.randomBytes(n), clock: this.clock });
    this.connector = this.makeConnector();
  }

  /** A client listening for peers. */
  static async create(options: ClientOptions): Promise<Client> {
    const client = new Client(options);
    await client.listen(options.port ?? 0);
    await client.startUdp();
    if (options.lsd) {
      const onPeer = (hex: string, peer: Endpoint): void => client.torrents.get(hex)?.addLocalPeers([peer]);
      client.lsd = await startLocalDiscovery(options, client.clock, client.random, () => client.port, onPeer);
    }
    await client.policies.start();
    return client;
  }

  private makeConnector(): Connector {
    return new Connector({
      network: this.options.platform.network,
      ...(this.utp ? { utp: this.utp } : {}),
      ...(this.encryption ? { encryption: this.encryption } : {}),
      policy: this.options.encryption ?? 'preferred',
      connectTimeoutMs: this.swarmLimits.connectTimeoutMs,
    });
  }

  /**
   * One UDP socket at the listening port for the DHT and uTP, as libtorrent has it. Without UDP
   * (the port is taken, or the platform refuses) the client still works over TCP with trackers.
   */
  private async startUdp(): Promise<void> {
    const wantDht = this.options.dht ?? true;
    const wantUtp = this.options.utp ?? true;
    if (!wantDht && !wantUtp) return;
    try {
      this.mux = new UdpMux(await this.options.platform.network.bindUdp(this.port, this.options.listenHost ?? '0.0.0.0'));
    } catch {
      return;
    }
    const mux = this.mux;
    const send = (data: Uint8Array, to: Endpoint): void => mux.send(data, to);
    if (wantDht) {
      const savedState = await this.options.platform.kv.get(DHT_STATE_KEY).catch(() => undefined);
      const dht = createDht({
        send,
        clock: this.clock,
        random: this.random,
        randomBytes: (n) => this.options.platform.randomBytes(n),
        bootstrap: this.options.dhtBootstrap ?? DEFAULT_DHT_BOOTSTRAP,
        ipv6: (this.options.listenHost ?? '').includes(':'), // a socket on :: or an IPv6 address reaches IPv6 nodes (BEP 32)
        ...(savedState ? { savedState } : {}),
      });
      mux.add((data, from) => dht.handlePacket(data, from));
      dht.start();
      this.dht = dht;
    }
    if (wantUtp) {
      const utp = createUtpTransport({ send, clock: this.clock, random: this.random, limits: limitsForSocket(mux.socket.receiveBufferBytes) });
      mux.add((data, from) => utp.handlePacket(data, from));
      utp.onIncoming((socket) => this.onIncoming(socket, 'utp'));
      this.utp = utp;
    }
    this.connector = this.makeConnector();
  }

  get port(): number {
    return this.listener?.port ?? 0;
  }

  private async listen(port: number): Promise<void> {
    const host = this.options.listenHost ?? '0.0.0.0';
    try {
      this.listener = await this.options.platform.network.listen(port, host, (socket) => this.onIncoming(socket));
    } catch (error) {
      throw new TorrentError('network', `cannot listen on ${host}:${port}: ${(error as Error).message}`);
    }
  }

  private onIncoming(socket: TcpSocket, transport: 'tcp' | 'utp' = 'tcp'): void {
    if (this.closed || this.policies.blocks(socket.remote.host)) return socket.destroy();
    const encryption = this.encryption;
    if (!encryption) return this.acceptPeer(socket, transport, false);
    // MSE or plaintext: the first bytes tell (a plaintext handshake is replayed to us).
    encryption
      .incoming(socket, () => [...this.torrents.values()].map((t) => t.infoHash), this.options.encryption ?? 'preferred')
      .then((stream) => this.acceptPeer(stream.socket, transport, stream.encrypted))
      .catch(() => socket.destroy());
  }

  private acceptPeer(socket: TcpSocket, transport: 'tcp' | 'utp', encrypted: boolean): void {
    if (this.closed) return socket.destroy();
    const conn = new PeerConnection({ socket, outgoing: false, transport, encrypted, localPeerId: this.peerId, clock: this.clock });
    conn.handler = {
      onHandshake: (handshake) => {
        const torrent = this.torrents.get(toHex(handshake.infoHash));
        if (!torrent) throw new TorrentError('protocol', 'peer asked for a torrent we do not have');
        conn.handler = null;
        torrent.acceptIncoming(conn, handshake);
      },
      onMessage: () => undefined,
      onClose: () => undefined,
    };
    conn.start();
  }

  list(): Torrent[] {
    return [...this.torrents.values()];
  }

  get(infoHashHex: string): Torrent | undefined {
    return this.torrents.get(infoHashHex.toLowerCase());
  }

  /** Add a torrent (or return it if it is already here with the same destination). */
  async add(source: TorrentSource, options: AddTorrentOptions): Promise<Torrent> {
    if (this.closed) throw new TorrentError('usage', 'the client is closed');
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
        connector: this.connector,
        ...(this.dht ? { discovery: this.dht } : {}),
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
    if (this.lsd && !torrent.isPrivate) {
      this.lsd.add(hex);
      // A magnet's metadata may turn out private (BEP 27): stop announcing it then.
      torrent.on('metadata', () => torrent.isPrivate && this.lsd?.remove(hex));
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
    this.lsd?.remove(hex);
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

  setQueueLimits(limits: Partial<QueueLimits>): void {
    this.policies.queue.policy.setLimits(limits);
    void this.policies.queue.apply();
  }

  /** Run a torrent past the queue's limits (or end that). */
  forceStart(infoHashHex: string, forced = true): void {
    this.policies.queue.forceStart(this.need(infoHashHex), forced);
  }

  moveInQueue(infoHashHex: string, where: 'up' | 'down' | 'top' | 'bottom'): void {
    this.policies.queue.move(this.need(infoHashHex), where);
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
    this.policies.goals.setOwn(this.need(infoHashHex).infoHashHex, goals, action);
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
    await this.listener?.close().catch(() => undefined);
    this.udp.close();
    if (this.dht) {
      await this.options.platform.kv.set(DHT_STATE_KEY, this.dht.saveState()).catch(() => undefined);
      this.dht.stop();
    }
    this.utp?.close();
    this.mux?.close();
    this.lsd?.stop();
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
