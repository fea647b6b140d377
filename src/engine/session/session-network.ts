import type { Endpoint, TcpListener, TcpSocket } from '../../platform/interfaces/index.js';
import type { Handshake } from '../wire/handshake.js';
import { PeerConnection } from '../peer/peer-connection.js';
import { Connector } from '../peer/connector.js';
import type { StreamEncryption, UtpTransport } from '../peer/transport.js';
import { createDht, type Dht } from '../dht/index.js';
import { createUtpTransport } from '../utp/index.js';
import { limitsForSocket } from '../utp/limits.js';
import { createStreamEncryption } from '../crypto/mse/index.js';
import { startLocalDiscovery } from '../lsd/start-local-discovery.js';
import type { LocalDiscovery } from '../lsd/index.js';
import type { SwarmLimits } from '../swarm/swarm-limits.js';
import { toHex } from '../util/bytes.js';
import type { Clock } from '../util/clock.js';
import { TorrentError } from '../util/errors.js';
import type { Random } from '../util/random.js';
import { UdpMux } from './udp-mux.js';
import type { ClientOptions } from './types.js';

/** The routing table saved at close, so a restart does not bootstrap from scratch. */
const DHT_STATE_KEY = 'dht-state';
/** Well-known public DHT routers (BEP 5 bootstrap); unreachable ones cost nothing. */
const DEFAULT_DHT_BOOTSTRAP: Endpoint[] = [
  { host: 'router.bittorrent.com', port: 6881 },
  { host: 'dht.transmissionbt.com', port: 6881 },
  { host: 'router.utorrent.com', port: 6881 },
];

/** What the network asks of the session about its torrents. */
export interface SessionNetworkHooks {
  /** False once the session closes, or for an address the blocklist names. */
  admits(host: string): boolean;
  /** Every torrent's infohash (MSE finds an incoming peer's torrent among them). */
  infoHashes(): Uint8Array[];
  /** The torrent a peer's handshake names, if we have it. */
  torrentFor(infoHashHex: string): { acceptIncoming(conn: PeerConnection, handshake: Handshake): void } | undefined;
  /** A peer found by local service discovery (BEP 14). */
  localPeer(infoHashHex: string, peer: Endpoint): void;
}

/**
 * The session's sockets: one TCP listener, and one UDP socket at the same port shared by the DHT
 * and uTP (as libtorrent has it), LSD, stream encryption, and the connector torrents dial with.
 * Incoming connections are routed to their torrent by the infohash in the handshake.
 */
export class SessionNetwork {
  private listener: TcpListener | null = null;
  private mux: UdpMux | null = null;
  private utp: UtpTransport | undefined;
  private readonly encryption: StreamEncryption | undefined;
  /** The DHT, when on and UDP could be bound. */
  dht: Dht | undefined;
  /** Local service discovery, when asked for and the platform has multicast. */
  lsd: LocalDiscovery | undefined;
  /** How torrents dial peers (TCP or uTP, with or without MSE). */
  connector: Connector;

  private constructor(
    private readonly options: ClientOptions,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly peerId: Uint8Array,
    private readonly limits: SwarmLimits,
    private readonly hooks: SessionNetworkHooks,
  ) {
    const policy = options.encryption ?? 'preferred';
    this.encryption = policy === 'disabled' ? undefined : createStreamEncryption({ randomBytes: (n) => options.platform.randomBytes(n), clock });
    this.connector = this.makeConnector();
  }

  /** Listening on TCP, with UDP (DHT, uTP) and LSD as the options ask. */
  static async start(
    options: ClientOptions,
    clock: Clock,
    random: Random,
    peerId: Uint8Array,
    limits: SwarmLimits,
    hooks: SessionNetworkHooks,
  ): Promise<SessionNetwork> {
    const network = new SessionNetwork(options, clock, random, peerId, limits, hooks);
    await network.listen(options.port ?? 0);
    await network.startUdp();
    if (options.lsd) {
      network.lsd = await startLocalDiscovery(options, clock, random, () => network.port, (hex, peer) => hooks.localPeer(hex, peer));
    }
    return network;
  }

  get port(): number {
    return this.listener?.port ?? 0;
  }

  /** Close every socket; the DHT's routing table is saved for the next start. */
  async close(): Promise<void> {
    await this.listener?.close().catch(() => undefined);
    if (this.dht) {
      await this.options.platform.kv.set(DHT_STATE_KEY, this.dht.saveState()).catch(() => undefined);
      this.dht.stop();
    }
    this.utp?.close();
    this.mux?.close();
    this.lsd?.stop();
  }

  private makeConnector(): Connector {
    return new Connector({
      network: this.options.platform.network,
      ...(this.utp ? { utp: this.utp } : {}),
      ...(this.encryption ? { encryption: this.encryption } : {}),
      policy: this.options.encryption ?? 'preferred',
      connectTimeoutMs: this.limits.connectTimeoutMs,
    });
  }

  private async listen(port: number): Promise<void> {
    const host = this.options.listenHost ?? '0.0.0.0';
    try {
      this.listener = await this.options.platform.network.listen(port, host, (socket) => this.onIncoming(socket));
    } catch (error) {
      throw new TorrentError('network', `cannot listen on ${host}:${port}: ${(error as Error).message}`);
    }
  }

  /** Without UDP (the port is taken, or the platform refuses) the session still works over TCP. */
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

  private onIncoming(socket: TcpSocket, transport: 'tcp' | 'utp' = 'tcp'): void {
    if (!this.hooks.admits(socket.remote.host)) return socket.destroy();
    const encryption = this.encryption;
    if (!encryption) return this.acceptPeer(socket, transport, false);
    // MSE or plaintext: the first bytes tell (a plaintext handshake is replayed to us).
    encryption
      .incoming(socket, () => this.hooks.infoHashes(), this.options.encryption ?? 'preferred')
      .then((stream) => this.acceptPeer(stream.socket, transport, stream.encrypted))
      .catch(() => socket.destroy());
  }

  private acceptPeer(socket: TcpSocket, transport: 'tcp' | 'utp', encrypted: boolean): void {
    if (!this.hooks.admits(socket.remote.host)) return socket.destroy();
    const conn = new PeerConnection({ socket, outgoing: false, transport, encrypted, localPeerId: this.peerId, clock: this.clock });
    conn.handler = {
      onHandshake: (handshake) => {
        const torrent = this.hooks.torrentFor(toHex(handshake.infoHash));
        if (!torrent) throw new TorrentError('protocol', 'peer asked for a torrent we do not have');
        conn.handler = null;
        torrent.acceptIncoming(conn, handshake);
      },
      onMessage: () => undefined,
      onClose: () => undefined,
    };
    conn.start();
  }
}
