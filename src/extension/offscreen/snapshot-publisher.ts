/**
 * Sends the torrent list up a few times a second while anything changes, and not at all while
 * nothing does (an idle list costs one comparison per tick).
 */
import type { TorrentStats } from '../../engine/session/types.js';
import type { DashboardData, PeerView } from '../messages.js';

type PeersByTorrent = Record<string, PeerView[]>;

export const PUBLISH_LIMITS = {
  /** How often the list is compared with the last one sent. */
  tickMs: 500,
  /** After an event (state change, add), publish within this time. */
  eventDelayMs: 100,
} as const;

export class SnapshotPublisher {
  private last = '';
  private soonTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly ticker: ReturnType<typeof setInterval>;

  constructor(
    private readonly build: () => TorrentStats[],
    private readonly send: (torrents: TorrentStats[], peers?: PeersByTorrent, dashboard?: DashboardData) => boolean,
    /** Peers of the torrents pages watch (undefined: none); kept out of the list otherwise. */
    private readonly buildPeers: () => PeersByTorrent | undefined = () => undefined,
    /** Totals and the watched torrents' details, from the list just built. */
    private readonly buildDashboard: (torrents: TorrentStats[]) => DashboardData | undefined = () => undefined,
  ) {
    this.ticker = setInterval(() => this.publish(false), PUBLISH_LIMITS.tickMs);
  }

  /** Something changed: publish shortly (events often come in bursts). */
  soon(): void {
    if (this.soonTimer !== null) return;
    this.soonTimer = setTimeout(() => {
      this.soonTimer = null;
      this.publish(false);
    }, PUBLISH_LIMITS.eventDelayMs);
  }

  /** Publish now even if nothing changed (a page just connected). */
  force(): void {
    this.publish(true);
  }

  close(): void {
    clearInterval(this.ticker);
    if (this.soonTimer !== null) clearTimeout(this.soonTimer);
  }

  private publish(force: boolean): void {
    const torrents = this.build();
    const peers = this.buildPeers();
    const dashboard = this.buildDashboard(torrents);
    const text = JSON.stringify([torrents, peers, dashboard]);
    if (!force && text === this.last) return;
    if (this.send(torrents, peers, dashboard)) this.last = text;
  }
}
