/**
 * What the dashboard shows beyond the torrent list, built in the offscreen document so the page
 * renders numbers and never computes them: totals over all torrents, and for the watched
 * torrents their piece map, trackers (engine clock times turned into wall-clock times) and
 * speed history.
 */
import type { TorrentStats, TrackerStats } from '../../engine/session/types.js';
import type { DashboardTotals, TorrentDetail, TrackerView } from '../messages.js';
import { toBase64 } from './saved-torrents.js';
import type { SpeedHistory } from './speed-history.js';

export function totalsOf(torrents: readonly TorrentStats[]): DashboardTotals {
  const totals: DashboardTotals = { downloadRate: 0, uploadRate: 0, downloaded: 0, uploaded: 0, ratio: 0, count: torrents.length, states: {} };
  for (const t of torrents) {
    totals.downloadRate += t.downloadRate;
    totals.uploadRate += t.uploadRate;
    totals.downloaded += t.downloaded;
    totals.uploaded += t.uploaded;
    totals.states[t.state] = (totals.states[t.state] ?? 0) + 1;
  }
  totals.downloadRate = Math.round(totals.downloadRate);
  totals.uploadRate = Math.round(totals.uploadRate);
  totals.ratio = totals.downloaded > 0 ? totals.uploaded / totals.downloaded : 0;
  return totals;
}

/**
 * `clockNow` and `wallNow` are the engine clock's and the wall clock's "now": announce times
 * are engine clock readings (monotonic, this document's time origin), which mean nothing in
 * another page.
 */
export function trackerViews(trackers: readonly TrackerStats[], clockNow: number, wallNow: number): TrackerView[] {
  const wall = (t: number | undefined): number | undefined => (t === undefined ? undefined : Math.round(wallNow + (t - clockNow)));
  return trackers.map((t) => {
    const view: TrackerView = { url: t.url, tier: t.tier, state: t.state, peersReceived: t.peersReceived };
    const last = wall(t.lastAnnounce);
    const next = wall(t.nextAnnounce);
    if (last !== undefined) view.lastAnnounceAt = last;
    if (next !== undefined) view.nextAnnounceAt = next;
    if (t.seeders !== undefined) view.seeders = t.seeders;
    if (t.leechers !== undefined) view.leechers = t.leechers;
    if (t.error !== undefined) view.error = t.error;
    if (t.warning !== undefined) view.warning = t.warning;
    return view;
  });
}

export interface DetailSource {
  stats: TorrentStats;
  /** The verified pieces (BEP 3 bitfield), undefined before metadata or when not running. */
  bitfield: Uint8Array | undefined;
}

export function torrentDetail(source: DetailSource, history: SpeedHistory, clockNow: number, wallNow: number): TorrentDetail {
  return {
    pieces: source.bitfield ? toBase64(source.bitfield) : '',
    pieceCount: source.stats.pieceCount,
    trackers: trackerViews(source.stats.trackers, clockNow, wallNow),
    speed: history.view(source.stats.infoHash),
  };
}
