import type { Endpoint, UdpSocket } from '../../platform/interfaces/index.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import type { Random } from '../util/random.js';
import { DEFAULT_LSD_LIMITS, type LsdLimits } from './lsd-limits.js';
import { encodeLsdAnnounce, INFOHASH_HEADER_BYTES, parseLsdAnnounce } from './lsd-message.js';
import { formatEndpoint } from '../util/endpoint.js';

export interface LocalDiscoveryOptions {
  /** Joined to `group` (Network.bindMulticast). */
  socket: UdpSocket;
  group: Endpoint;
  clock: Clock;
  random: Random;
  /** The TCP port we accept peers on (announced as Port). */
  listenPort: () => number;
  /** A peer on the local network announced a torrent (hex infohash); the caller filters. */
  onPeer: (infoHashHex: string, peer: Endpoint) => void;
  limits?: Partial<LsdLimits>;
}

/**
 * Local service discovery (BEP 14): announces the torrents it is given on a multicast group and
 * reports the peers others announce. Each torrent is announced at once and then every 5 minutes;
 * datagrams go out at most once a minute, several infohashes each (under 1400 bytes), oldest due
 * first. Our own announces, recognised by a random cookie, are ignored. The caller keeps private
 * torrents (BEP 27) out.
 */
export class LocalDiscovery {
  private readonly limits: LsdLimits;
  private readonly cookie: string;
  private readonly host: string;
  /** Torrents announced, hex infohash -> when next due. */
  private readonly due = new Map<string, number>();
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private timer: TimerHandle | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private windowStart = Number.NEGATIVE_INFINITY;
  private windowCount = 0;
  private stopped = false;
  /** Announces seen and dropped, for diagnostics and tests. */
  readonly counters = { sent: 0, received: 0, own: 0, malformed: 0, overLimit: 0 };

  constructor(private readonly options: LocalDiscoveryOptions) {
    this.limits = { ...DEFAULT_LSD_LIMITS, ...options.limits };
    this.cookie = Array.from({ length: 8 }, () => options.random.int(16).toString(16)).join('');
    const { host, port } = options.group;
    this.host = formatEndpoint(host, port);
    options.socket.setHandler((data, from) => this.onDatagram(data, from));
  }

  /** Announce this torrent (now, or as soon as the once-a-minute limit allows). */
  add(infoHashHex: string): void {
    const hash = infoHashHex.toLowerCase();
    if (this.stopped || this.due.has(hash)) return;
    this.due.set(hash, this.options.clock.now());
    this.schedule();
  }

  remove(infoHashHex: string): void {
    this.due.delete(infoHashHex.toLowerCase());
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.due.clear();
    this.options.socket.close();
  }

  private schedule(): void {
    if (this.stopped || this.due.size === 0) return;
    let earliest = Number.POSITIVE_INFINITY;
    for (const at of this.due.values()) earliest = Math.min(earliest, at);
    const at = Math.max(earliest, this.lastSentAt + this.limits.minSendIntervalMs);
    if (this.timer !== undefined && this.timerAt <= at) return;
    if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = this.options.clock.setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Number.POSITIVE_INFINITY;
      this.send();
      this.schedule();
    }, Math.max(0, at - this.options.clock.now()));
  }

  /** One datagram with the torrents that are due, oldest first, as many as fit. */
  private send(): void {
    const now = this.options.clock.now();
    const ready = [...this.due].filter(([, at]) => at <= now).sort((a, b) => a[1] - b[1]);
    if (ready.length === 0) return;
    const base = encodeLsdAnnounce(this.host, { port: this.options.listenPort(), infoHashes: [], cookie: this.cookie }).length;
    const room = Math.max(1, Math.floor((this.limits.maxPacketBytes - base) / INFOHASH_HEADER_BYTES));
    const chosen = ready.slice(0, room).map(([hash]) => hash);
    const packet = encodeLsdAnnounce(this.host, { port: this.options.listenPort(), infoHashes: chosen, cookie: this.cookie });
    this.options.socket.send(packet, this.options.group);
    this.counters.sent++;
    this.lastSentAt = now;
    for (const hash of chosen) this.due.set(hash, now + this.limits.announceIntervalMs);
  }

  private onDatagram(data: Uint8Array, from: Endpoint): void {
    if (this.stopped) return;
    const now = this.options.clock.now();
    if (now - this.windowStart >= 60_000) {
      this.windowStart = now;
      this.windowCount = 0;
    }
    if (++this.windowCount > this.limits.maxIncomingPerMinute) {
      this.counters.overLimit++;
      return;
    }
    let announce;
    try {
      announce = parseLsdAnnounce(data, this.limits);
    } catch {
      this.counters.malformed++;
      return;
    }
    if (announce.cookie === this.cookie) {
      this.counters.own++;
      return;
    }
    this.counters.received++;
    // BEP 14: the peer is at the datagram's source address, on the announced port.
    for (const hash of announce.infoHashes) this.options.onPeer(hash, { host: from.host, port: announce.port });
  }
}
