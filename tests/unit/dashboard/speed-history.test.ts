import { describe, expect, it } from 'vitest';
import { SpeedHistory } from '../../../src/extension/offscreen/speed-history.js';
import { torrentDetail, totalsOf, trackerViews } from '../../../src/extension/offscreen/dashboard-data.js';
import type { TorrentStats } from '../../../src/engine/session/types.js';

const t = (infoHash: string, downloadRate: number, uploadRate: number) => ({ infoHash, downloadRate, uploadRate });

describe('SpeedHistory', () => {
  it('one sample per interval, oldest first, bounded', () => {
    const h = new SpeedHistory(1000, 3);
    h.record(0, [t('a', 10, 1)]);
    h.record(500, [t('a', 99, 99)]); // within the interval: ignored
    h.record(1000, [t('a', 20, 2)]);
    h.record(2000, [t('a', 30, 3)]);
    h.record(3000, [t('a', 40, 4)]);
    expect(h.view('a')).toEqual({ intervalMs: 1000, endAt: 3000, down: [20, 30, 40], up: [2, 3, 4] });
  });

  it('a gap is filled with zeros; removed torrents are forgotten; new ones start empty', () => {
    const h = new SpeedHistory(1000, 5);
    h.record(0, [t('a', 10, 0)]);
    h.record(3000, [t('a', 40, 0), t('b', 7, 0)]);
    expect(h.view('a').down).toEqual([10, 0, 0, 40]);
    expect(h.view('b').down).toEqual([7]);
    h.record(4000, [t('b', 8, 0)]);
    expect(h.view('a').down).toEqual([]);
    expect(h.view('b').down).toEqual([7, 8]);
  });
});

describe('dashboard data', () => {
  const stats = (over: Partial<TorrentStats>): TorrentStats => ({
    infoHash: 'a'.repeat(40), name: 'x', state: 'downloading', progress: 0, totalLength: 0, wantedLength: 0, verifiedLength: 0, downloaded: 0,
    uploaded: 0, downloadRate: 0, uploadRate: 0, eta: null, ratio: 0, hashFailures: 0, peers: 0, seeds: 0, pieceCount: 0, piecesHave: 0,
    pieceLength: 0, destination: 'd', addedAt: 0, files: [], trackers: [], ...over,
  });

  it('totals: sums, overall ratio, count per state', () => {
    const totals = totalsOf([
      stats({ downloadRate: 100.4, uploadRate: 10, downloaded: 1000, uploaded: 500, state: 'downloading' }),
      stats({ downloadRate: 0, uploadRate: 20.4, downloaded: 1000, uploaded: 1500, state: 'seeding' }),
      stats({ state: 'seeding' }),
    ]);
    expect(totals).toEqual({ downloadRate: 100, uploadRate: 30, downloaded: 2000, uploaded: 2000, ratio: 1, count: 3, states: { downloading: 1, seeding: 2 } });
    expect(totalsOf([]).ratio).toBe(0);
  });

  it('tracker times move from the engine clock to the wall clock', () => {
    const views = trackerViews(
      [{ url: 'udp://t:1', tier: 0, state: 'working', lastAnnounce: 9_000, nextAnnounce: 70_000, seeders: 3, leechers: 1, peersReceived: 4 }],
      10_000,
      1_700_000_000_000,
    );
    expect(views).toEqual([
      { url: 'udp://t:1', tier: 0, state: 'working', lastAnnounceAt: 1_699_999_999_000, nextAnnounceAt: 1_700_000_060_000, seeders: 3, leechers: 1, peersReceived: 4 },
    ]);
  });

  it('the piece map travels as base64 bitfield bytes', () => {
    const h = new SpeedHistory();
    const d = torrentDetail({ stats: stats({ pieceCount: 10 }), bitfield: new Uint8Array([0xff, 0xc0]) }, h, 0, 0);
    expect(d.pieces).toBe(btoa(String.fromCharCode(0xff, 0xc0)));
    expect(d.pieceCount).toBe(10);
    expect(torrentDetail({ stats: stats({}), bitfield: undefined }, h, 0, 0).pieces).toBe('');
  });
});
