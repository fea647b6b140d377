import { beforeEach, describe, expect, it, vi } from 'vitest';
import { Announcer, type AnnouncerOptions } from '../../../src/engine/tracker/announcer.js';
import type { AnnounceRequest, AnnounceResponse } from '../../../src/engine/tracker/types.js';
import type { UdpTrackerClient } from '../../../src/engine/tracker/udp-tracker.js';
import { ManualClock } from '../../../src/engine/util/clock.js';
import { SeededRandom } from '../../../src/engine/util/random.js';
import { FakeHttp, bencoded, flush } from './fakes.js';

const A = 'http://a.example/announce';
const B = 'http://b.example/announce';
const C = 'http://c.example/announce';
const SEC = 1000;

let clock: ManualClock;
let http: FakeHttp;
let udpAnnounce: ReturnType<typeof vi.fn<(url: string, r: AnnounceRequest) => Promise<AnnounceResponse>>>;
let left: number;

beforeEach(() => {
  clock = new ManualClock();
  http = new FakeHttp();
  udpAnnounce = vi.fn<(url: string, r: AnnounceRequest) => Promise<AnnounceResponse>>();
  left = 100;
});

function make(tiers: string[][], extra: Partial<AnnouncerOptions> = {}): Announcer {
  return new Announcer({
    tiers,
    infoHash: new Uint8Array(20).fill(1),
    peerId: new Uint8Array(20).fill(2),
    port: 6881,
    http,
    udp: { announce: udpAnnounce } as unknown as UdpTrackerClient,
    clock,
    random: new SeededRandom(42),
    stats: () => ({ uploaded: 0, downloaded: 0, left }),
    limits: { minIntervalSec: 30, maxIntervalSec: 3600, retryBaseSec: 15, retryMaxSec: 1800 },
    ...extra,
  });
}

function works(url: string, fields: Record<string, unknown> = {}): void {
  http.route(url, () => bencoded({ interval: 120, peers: Uint8Array.from([1, 2, 3, 4, 0, 80]), ...fields } as never));
}

async function advance(ms: number): Promise<void> {
  clock.advance(ms);
  await flush();
}

const events = (url: string) => http.queries(url).map((q) => q.get('event') ?? 'none');
const statusOf = (a: Announcer, url: string) => a.status().find((s) => s.url === url)!;

describe('Announcer schedule', () => {
  it('announces started to one tracker of every tier at start', async () => {
    works(A);
    works(B);
    const a = make([[A], [B]]);
    a.start();
    await flush();
    expect(events(A)).toEqual(['started']);
    expect(events(B)).toEqual(['started']);
  });

  it('honours the interval: nothing before it, a plain announce at it', async () => {
    works(A);
    const a = make([[A]]);
    a.start();
    await flush();
    await advance(119 * SEC);
    expect(events(A)).toEqual(['started']);
    await advance(1 * SEC);
    expect(events(A)).toEqual(['started', 'none']);
  });

  it('clamps a tiny interval up to minIntervalSec', async () => {
    works(A, { interval: 1 });
    const a = make([[A]]);
    a.start();
    await flush();
    expect(statusOf(a, A).nextAnnounce).toBe(30 * SEC);
  });

  it('clamps a huge interval down to maxIntervalSec', async () => {
    works(A, { interval: 10 ** 9 });
    const a = make([[A]]);
    a.start();
    await flush();
    expect(statusOf(a, A).nextAnnounce).toBe(3600 * SEC);
  });

  it('backs off exponentially, with jitter, while a tracker is dead', async () => {
    const a = make([[A]]); // no route: connection refused
    a.start();
    await flush();
    const gaps: number[] = [];
    for (let i = 0; i < 4; i++) {
      const { lastAnnounce, nextAnnounce } = statusOf(a, A);
      gaps.push((nextAnnounce! - lastAnnounce!) / SEC);
      await advance(nextAnnounce! - clock.now());
    }
    expect(gaps[0]).toBeGreaterThanOrEqual(12);
    expect(gaps[0]).toBeLessThanOrEqual(18);
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]! / gaps[i - 1]!).toBeGreaterThan(1.3);
    expect(http.requests).toHaveLength(5);
  });

  it('caps the backoff at retryMaxSec', async () => {
    const a = make([[A]], { limits: { retryBaseSec: 15, retryMaxSec: 100 } });
    a.start();
    await flush();
    for (let i = 0; i < 6; i++) await advance(statusOf(a, A).nextAnnounce! - clock.now());
    const { lastAnnounce, nextAnnounce } = statusOf(a, A);
    expect(nextAnnounce! - lastAnnounce!).toBe(100 * SEC);
  });

  it('shows a dead tracker as an error without throwing', async () => {
    const a = make([[A]]);
    a.start();
    await flush();
    expect(statusOf(a, A)).toMatchObject({ state: 'error', error: 'could not reach tracker: connect ECONNREFUSED' });
  });

  it('resets the backoff after a success', async () => {
    const a = make([[A]]);
    a.start();
    await flush();
    await advance(statusOf(a, A).nextAnnounce! - clock.now());
    works(A);
    await advance(statusOf(a, A).nextAnnounce! - clock.now());
    expect(statusOf(a, A).state).toBe('working');
    expect(statusOf(a, A).nextAnnounce! - clock.now()).toBe(120 * SEC);
  });
});

describe('Announcer tiers (BEP 12)', () => {
  it('tries the next tracker of the tier at once when the first fails', async () => {
    const a = make([[A, B]]);
    const [first, second] = a.status().map((s) => s.url);
    works(second!);
    a.start();
    await flush();
    expect(events(first!)).toEqual(['started']);
    expect(events(second!)).toEqual(['started']);
    expect(statusOf(a, first!).state).toBe('error');
    expect(statusOf(a, second!).state).toBe('working');
  });

  it('moves a working tracker to the front of its tier', async () => {
    const a = make([[A, B, C]]);
    const order = a.status().map((s) => s.url);
    works(order[2]!);
    a.start();
    await flush();
    expect(a.status().map((s) => s.url)).toEqual([order[2], order[0], order[1]]);
    await advance(120 * SEC);
    expect(http.requests.at(-1)!.url.startsWith(order[2]!)).toBe(true);
    expect(http.requests).toHaveLength(4);
  });

  it('announces to only one tracker per tier when the first works', async () => {
    const a = make([[A, B]]);
    works(A);
    works(B);
    a.start();
    await flush();
    expect(http.requests).toHaveLength(1);
  });

  it('keeps the shuffle order stable between announces', async () => {
    const a = make([[A, B, C]]);
    const before = a.status().map((s) => s.url);
    a.start();
    await flush();
    await advance(statusOf(a, before[0]!).nextAnnounce! - clock.now());
    expect(a.status().map((s) => s.url)).toEqual(before);
  });

  it('disables an unsupported scheme with a message and never contacts it', async () => {
    const a = make([['wss://tracker.example'], ['gopher://x'], ['udp://noport']]);
    a.start();
    await flush();
    expect(a.status().map((s) => [s.state, s.error])).toEqual([
      ['disabled', 'WebTorrent (WebSocket) trackers are not supported'],
      ['disabled', 'unsupported tracker URL scheme "gopher:"'],
      ['disabled', 'not a valid UDP tracker URL: udp://noport'],
    ]);
    expect(http.requests).toHaveLength(0);
    expect(udpAnnounce).not.toHaveBeenCalled();
  });

  it('drops empty tiers and duplicate URLs', () => {
    expect(make([[], [A, A], [A, ' '], [B]]).status().map((s) => [s.url, s.tier])).toEqual([
      [A, 0],
      [B, 1],
    ]);
  });

  it('sends udp:// trackers through the UDP client', async () => {
    udpAnnounce.mockResolvedValue({ interval: 60, peers: [] });
    const a = make([['udp://t.example:6969']]);
    a.start();
    await flush();
    expect(udpAnnounce).toHaveBeenCalledWith('udp://t.example:6969', expect.objectContaining({ event: 'started', port: 6881 }));
    expect(statusOf(a, 'udp://t.example:6969').state).toBe('working');
  });
});

describe('Announcer events and results', () => {
  it('emits peers with the tracker URL as source', async () => {
    works(A);
    const a = make([[A]]);
    const seen: unknown[] = [];
    a.on('peers', (peers, source) => seen.push([peers, source]));
    a.start();
    await flush();
    expect(seen).toEqual([[[{ host: '1.2.3.4', port: 80 }], A]]);
    expect(statusOf(a, A).peersReceived).toBe(1);
  });

  it('reports seeders, leechers and a warning', async () => {
    works(A, { complete: 3, incomplete: 8, 'warning message': 'be nice' });
    const a = make([[A]]);
    a.start();
    await flush();
    expect(statusOf(a, A)).toMatchObject({ state: 'working', seeders: 3, leechers: 8, warning: 'be nice' });
  });

  it('shows a failure reason as the tracker error', async () => {
    http.route(A, () => bencoded({ 'failure reason': 'torrent not registered' }));
    const a = make([[A]]);
    a.start();
    await flush();
    expect(statusOf(a, A)).toMatchObject({ state: 'error', error: 'tracker said: torrent not registered' });
  });

  it('echoes the tracker id on later announces', async () => {
    works(A, { 'tracker id': 'xyz' });
    const a = make([[A]]);
    a.start();
    await flush();
    await advance(120 * SEC);
    expect(http.queries(A).map((q) => q.get('trackerid'))).toEqual([undefined, 'xyz']);
  });

  it('sends completed once, at once', async () => {
    works(A);
    const a = make([[A]]);
    a.start();
    await flush();
    await advance(10 * SEC);
    left = 0;
    a.completed();
    a.completed();
    await flush();
    await advance(120 * SEC);
    expect(events(A)).toEqual(['started', 'completed', 'none']);
  });

  it('does not send completed when the torrent was complete at start', async () => {
    works(A);
    left = 0;
    const a = make([[A]]);
    a.completed();
    a.start();
    await flush();
    await advance(120 * SEC);
    expect(events(A)).toEqual(['started', 'none']);
  });

  it('sends completed after a started that is still in flight', async () => {
    let answer: (() => void) | undefined;
    http.route(A, () => new Promise((resolve) => (answer = () => resolve(bencoded({ interval: 120, peers: new Uint8Array(0) })))));
    const a = make([[A]]);
    a.start();
    await flush();
    left = 0;
    a.completed();
    works(A);
    answer!();
    await flush();
    expect(events(A)).toEqual(['started', 'completed']);
  });

  it('announceNow waits for the min interval', async () => {
    works(A, { 'min interval': 60 });
    const a = make([[A]]);
    a.start();
    await flush();
    await advance(10 * SEC);
    a.announceNow();
    await flush();
    expect(events(A)).toEqual(['started']);
    await advance(50 * SEC);
    expect(events(A)).toEqual(['started', 'none']);
  });

  it('announceNow announces at once when the min interval has passed', async () => {
    works(A);
    const a = make([[A]]);
    a.start();
    await flush();
    await advance(31 * SEC);
    a.announceNow();
    await flush();
    expect(events(A)).toEqual(['started', 'none']);
  });

  it('announces the new port at once after setPort', async () => {
    works(A);
    const a = make([[A]]);
    a.start();
    await flush();
    a.setPort(7000);
    await flush();
    expect(http.queries(A).map((q) => q.get('port'))).toEqual(['6881', '7000']);
  });

  it('addTracker in a new tier announces to it at once', async () => {
    works(A);
    works(B);
    const a = make([[A]]);
    a.start();
    await flush();
    expect(a.addTracker(B)).toBe(true);
    expect(a.addTracker(B)).toBe(false);
    await flush();
    expect(events(B)).toEqual(['started']);
    expect(statusOf(a, B).tier).toBe(1);
  });

  it('removeTracker tells it stopped and forgets it', async () => {
    works(A);
    const a = make([[A]]);
    a.start();
    await flush();
    expect(a.removeTracker(A)).toBe(true);
    await flush();
    expect(events(A)).toEqual(['started', 'stopped']);
    expect(a.status()).toEqual([]);
  });
});

describe('Announcer stop', () => {
  it('sends stopped only to trackers that accepted an announce', async () => {
    works(A);
    const a = make([[A], [B]]);
    a.start();
    await flush();
    await a.stop();
    expect(events(A)).toEqual(['started', 'stopped']);
    expect(events(B)).toEqual(['started']);
    expect(http.queries(A)[1]!.get('numwant')).toBe('0');
  });

  it('announces nothing more after stop', async () => {
    works(A);
    const a = make([[A]]);
    a.start();
    await flush();
    await a.stop();
    await advance(3600 * SEC);
    expect(events(A)).toEqual(['started', 'stopped']);
    expect(statusOf(a, A)).toMatchObject({ state: 'idle', nextAnnounce: undefined });
  });

  it('returns within its timeout when a tracker hangs', async () => {
    works(A);
    const a = make([[A]]);
    a.start();
    await flush();
    http.route(A, () => new Promise(() => undefined));
    let done = false;
    void a.stop(2000).then(() => (done = true));
    await advance(1999);
    expect(done).toBe(false);
    await advance(1);
    expect(done).toBe(true);
  });

  it('never throws when stopped fails', async () => {
    works(A);
    const a = make([[A]]);
    a.start();
    await flush();
    http.routes.clear();
    await expect(a.stop()).resolves.toBeUndefined();
    expect(statusOf(a, A).state).toBe('error');
  });

  it('ignores an answer that arrives after stop', async () => {
    let answer: (() => void) | undefined;
    http.route(A, () => new Promise((resolve) => (answer = () => resolve(bencoded({ interval: 120, peers: Uint8Array.from([1, 2, 3, 4, 0, 80]) })))));
    const a = make([[A]]);
    const peers = vi.fn();
    a.on('peers', peers);
    a.start();
    await flush();
    await a.stop();
    answer!();
    await flush();
    expect(peers).not.toHaveBeenCalled();
    expect(statusOf(a, A).state).toBe('idle');
  });

  it('sends started again after a restart', async () => {
    works(A);
    const a = make([[A]]);
    a.start();
    await flush();
    await a.stop();
    a.start();
    await flush();
    expect(events(A)).toEqual(['started', 'stopped', 'started']);
  });
});
