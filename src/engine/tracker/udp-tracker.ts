/**
 * BEP 15 UDP tracker client. One per engine Client: it owns a single UDP socket (bound on
 * first use) and multiplexes every torrent's requests over it by transaction id.
 */
import type { Endpoint, Network, UdpSocket } from '../../platform/interfaces/net.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import { TorrentError, errorMessage } from '../util/errors.js';
import type { Random } from '../util/random.js';
import { resolveTrackerLimits, type TrackerLimits } from './limits.js';
import { parseCompactPeerList } from './peer-list.js';
import type { AnnounceRequest, AnnounceResponse, ScrapeResponse } from './types.js';
import { decodeUdpResponse, encodeAnnounce, encodeConnect, encodeScrape, type UdpResponse } from './udp-packets.js';
import { formatEndpoint } from '../util/endpoint.js';

export interface UdpTrackerClientOptions {
  network: Network;
  clock: Clock;
  random: Random;
  limits?: Partial<TrackerLimits>;
  /** Local address to bind: '0.0.0.0' (default) or '::' for an IPv6 socket. */
  bindHost?: string;
}

interface Pending {
  accept(response: UdpResponse): boolean;
  resolve(response: UdpResponse): void;
  reject(error: Error): void;
  timer: TimerHandle;
}

/** A try that got no answer in time; retried by request(), never seen by callers. */
class UdpTimeout extends Error {}

export class UdpTrackerClient {
  private readonly limits: TrackerLimits;
  private readonly bindHost: string;
  private socket: Promise<UdpSocket> | undefined;
  private readonly pending = new Map<number, Pending>();
  private readonly connectionIds = new Map<string, { id: Uint8Array; expiresAt: number }>();
  private readonly connecting = new Map<string, Promise<Uint8Array>>();
  private closed = false;

  constructor(private readonly options: UdpTrackerClientOptions) {
    this.limits = resolveTrackerLimits(options.limits);
    this.bindHost = options.bindHost ?? '0.0.0.0';
  }

  async announce(url: string, request: AnnounceRequest): Promise<AnnounceResponse> {
    const to = parseUdpTrackerUrl(url);
    const response = await this.request(
      to,
      (connectionId, tid) => encodeAnnounce(connectionId, tid, request),
      (r) => r.action === 'announce',
    );
    if (response.action !== 'announce') throw new TorrentError('internal', 'unexpected UDP tracker response');
    const peers = parseCompactPeerList(response.peers, this.peerSize(to.host), this.limits.maxPeersPerResponse);
    return { interval: response.interval, peers, complete: response.seeders, incomplete: response.leechers };
  }

  async scrape(url: string, infoHash: Uint8Array): Promise<ScrapeResponse> {
    const to = parseUdpTrackerUrl(url);
    const response = await this.request(
      to,
      (connectionId, tid) => encodeScrape(connectionId, tid, [infoHash]),
      (r) => r.action === 'scrape' && r.entries.length >= 1,
    );
    if (response.action !== 'scrape') throw new TorrentError('internal', 'unexpected UDP tracker response');
    return response.entries[0]!;
  }

  /** Fails every request in flight and releases the socket. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const [tid, p] of this.pending) {
      this.options.clock.clearTimeout(p.timer);
      this.pending.delete(tid);
      p.reject(closedError());
    }
    this.socket?.then((s) => s.close()).catch(() => undefined);
  }

  /**
   * BEP 15 retransmission: try n waits base * 2^n. A connection id is fetched (or reused while
   * fresh) before each try, since a retry may outlive it.
   */
  private async request(
    to: Endpoint,
    build: (connectionId: Uint8Array, transactionId: number) => Uint8Array,
    accept: (r: UdpResponse) => boolean,
  ): Promise<UdpResponse> {
    const key = endpointKey(to);
    for (let n = 0; ; n++) {
      const timeoutMs = this.limits.udpBaseTimeoutMs * 2 ** n;
      try {
        const connectionId = await this.connectionId(to, key, timeoutMs);
        return await this.exchange(to, (tid) => build(connectionId, tid), accept, timeoutMs);
      } catch (error) {
        if (!(error instanceof UdpTimeout)) throw error;
        // The tracker may have restarted and forgotten our id: get a fresh one next time.
        this.connectionIds.delete(key);
        if (n + 1 >= this.limits.udpMaxTries) {
          throw new TorrentError('tracker', `tracker ${key} did not answer over UDP (${n + 1} tries)`);
        }
      }
    }
  }

  private connectionId(to: Endpoint, key: string, timeoutMs: number): Promise<Uint8Array> {
    const cached = this.connectionIds.get(key);
    if (cached && cached.expiresAt > this.options.clock.now()) return Promise.resolve(cached.id);
    let inFlight = this.connecting.get(key);
    if (!inFlight) {
      inFlight = this.exchange(to, encodeConnect, (r) => r.action === 'connect', timeoutMs)
        .then((r) => {
          if (r.action !== 'connect') throw new TorrentError('internal', 'unexpected UDP tracker response');
          const expiresAt = this.options.clock.now() + this.limits.udpConnectionIdLifetimeMs;
          this.connectionIds.set(key, { id: r.connectionId, expiresAt });
          return r.connectionId;
        })
        .finally(() => this.connecting.delete(key));
      this.connecting.set(key, inFlight);
    }
    return inFlight;
  }

  /** Send one packet and wait for the response with its transaction id (or time out). */
  private async exchange(
    to: Endpoint,
    build: (transactionId: number) => Uint8Array,
    accept: (r: UdpResponse) => boolean,
    timeoutMs: number,
  ): Promise<UdpResponse> {
    const socket = await this.openSocket();
    if (this.closed) throw closedError();
    const tid = this.newTransactionId();
    return new Promise<UdpResponse>((resolve, reject) => {
      const timer = this.options.clock.setTimeout(() => {
        this.pending.delete(tid);
        reject(new UdpTimeout());
      }, timeoutMs);
      this.pending.set(tid, { accept, resolve, reject, timer });
      try {
        socket.send(build(tid), to);
      } catch (error) {
        this.options.clock.clearTimeout(timer);
        this.pending.delete(tid);
        reject(new TorrentError('tracker', `could not send to tracker ${endpointKey(to)}: ${errorMessage(error)}`));
      }
    });
  }

  private onMessage(data: Uint8Array): void {
    const response = decodeUdpResponse(data, this.limits.maxMessageLength);
    if (!response) return;
    const p = this.pending.get(response.transactionId);
    if (!p) return;
    if (response.action === 'error') {
      this.settle(response.transactionId, p);
      p.reject(new TorrentError('tracker', `tracker said: ${response.message || 'unknown error'}`));
    } else if (p.accept(response)) {
      this.settle(response.transactionId, p);
      p.resolve(response);
    }
    // Anything else (wrong action, short scrape) is ignored: the try times out and is resent.
  }

  private settle(tid: number, p: Pending): void {
    this.options.clock.clearTimeout(p.timer);
    this.pending.delete(tid);
  }

  private openSocket(): Promise<UdpSocket> {
    if (this.closed) return Promise.reject(closedError());
    if (!this.socket) {
      this.socket = this.options.network.bindUdp(0, this.bindHost).then(
        (socket) => {
          if (this.closed) {
            socket.close();
            throw closedError();
          }
          socket.setHandler((data) => this.onMessage(data));
          return socket;
        },
        (error: unknown) => {
          this.socket = undefined;
          throw new TorrentError('network', `could not open a UDP socket for trackers: ${errorMessage(error)}`);
        },
      );
    }
    return this.socket;
  }

  private newTransactionId(): number {
    for (;;) {
      const tid = this.options.random.int(0x1_0000_0000) >>> 0;
      if (!this.pending.has(tid)) return tid;
    }
  }

  /**
   * BEP 15: an IPv6 exchange carries 18-byte peers. The tracker's family is known for an IP
   * literal; for a host name the adapter resolves, so we go by our socket's family.
   */
  private peerSize(host: string): 6 | 18 {
    if (host.includes(':')) return 18;
    if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) return 6;
    return this.bindHost.includes(':') ? 18 : 6;
  }
}

/** `udp://host:port[/path]`; BEP 15 has no default port. IPv6 hosts come in brackets. */
export function parseUdpTrackerUrl(url: string): Endpoint {
  const match = /^udp:\/\/(\[[0-9a-fA-F:.]+\]|[^:/?#[\]@\s]+):(\d{1,5})(?:[/?#]|$)/i.exec(url);
  const port = match ? Number(match[2]) : 0;
  if (!match || port < 1 || port > 65535) throw new TorrentError('tracker', `not a valid UDP tracker URL: ${url}`);
  const host = match[1]!.startsWith('[') ? match[1]!.slice(1, -1) : match[1]!;
  return { host, port };
}

function endpointKey(to: Endpoint): string {
  return formatEndpoint(to.host, to.port);
}

function closedError(): TorrentError {
  return new TorrentError('tracker', 'UDP tracker client is closed');
}
