/**
 * The tracker clients against the real npm `bittorrent-tracker` server (HTTP and UDP, in
 * process, loopback only), over the real Node platform adapters.
 */
import { createSocket } from 'node:dgram';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Server from 'bittorrent-tracker/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Announcer } from '../../../src/engine/tracker/announcer.js';
import { httpAnnounce, httpScrape } from '../../../src/engine/tracker/http-tracker.js';
import { resolveTrackerLimits } from '../../../src/engine/tracker/limits.js';
import type { AnnounceRequest } from '../../../src/engine/tracker/types.js';
import { UdpTrackerClient } from '../../../src/engine/tracker/udp-tracker.js';
import { systemClock } from '../../../src/engine/util/clock.js';
import { mathRandom } from '../../../src/engine/util/random.js';
import type { Platform } from '../../../src/platform/interfaces/index.js';
import { createNodePlatform } from '../../../src/platform/node/index.js';

/** The parts of the server object the type declaration leaves out. */
interface Listening {
  http: { address(): AddressInfo };
  udp4: { address(): AddressInfo };
}

const limits = resolveTrackerLimits({ udpBaseTimeoutMs: 200, udpMaxTries: 2, httpTimeoutMs: 2000 });
let server: Server;
let httpUrl: string;
let udpUrl: string;
let stateDir: string;
let platform: Platform;
let udp: UdpTrackerClient;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'te-tracker-'));
  platform = createNodePlatform({ stateDir });
  udp = new UdpTrackerClient({ network: platform.network, clock: systemClock, random: mathRandom, limits, bindHost: '127.0.0.1' });
  server = new Server({ udp: true, http: true, ws: false, stats: false });
  server.on('warning', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, { http: '127.0.0.1', udp: '127.0.0.1', udp6: '::1' }, () => resolve());
  });
  server.on('error', () => undefined);
  const s = server as unknown as Listening;
  httpUrl = `http://127.0.0.1:${s.http.address().port}/announce`;
  udpUrl = `udp://127.0.0.1:${s.udp4.address().port}/announce`;
});

afterAll(async () => {
  udp?.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(stateDir, { recursive: true, force: true });
});

let nextHash = 1;
function freshHash(): Uint8Array {
  return new Uint8Array(20).fill(nextHash++);
}

function peer(infoHash: Uint8Array, n: number, extra: Partial<AnnounceRequest> = {}): AnnounceRequest {
  const peerId = new TextEncoder().encode(`-TE0001-peer${String(n).padStart(8, '0')}`);
  return { infoHash, peerId, port: 7000 + n, uploaded: 0, downloaded: 0, left: 1000, event: 'started', numWant: 50, key: n, compact: true, ...extra };
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('HTTP tracker against bittorrent-tracker', () => {
  it('two peers see each other', async () => {
    const hash = freshHash();
    const first = await httpAnnounce(platform.http, httpUrl, peer(hash, 1), limits);
    expect(first.peers).not.toContainEqual({ host: '127.0.0.1', port: 7002 });
    const second = await httpAnnounce(platform.http, httpUrl, peer(hash, 2), limits);
    expect(second.peers).toContainEqual({ host: '127.0.0.1', port: 7001 });
    const again = await httpAnnounce(platform.http, httpUrl, peer(hash, 1, { event: undefined }), limits);
    expect(again.peers).toContainEqual({ host: '127.0.0.1', port: 7002 });
    expect(again.incomplete).toBe(2);
    expect(again.interval).toBeGreaterThan(0);
  });

  it('scrapes seeders, leechers and completions', async () => {
    const hash = freshHash();
    await httpAnnounce(platform.http, httpUrl, peer(hash, 1, { left: 0 }), limits);
    await httpAnnounce(platform.http, httpUrl, peer(hash, 2), limits);
    await expect(httpScrape(platform.http, httpUrl, hash, limits)).resolves.toMatchObject({ complete: 1, incomplete: 1 });
  });
});

describe('UDP tracker against bittorrent-tracker', () => {
  it('two peers see each other', async () => {
    const hash = freshHash();
    const first = await udp.announce(udpUrl, peer(hash, 1));
    expect(first.peers).not.toContainEqual({ host: '127.0.0.1', port: 7002 });
    const second = await udp.announce(udpUrl, peer(hash, 2));
    expect(second.peers).toContainEqual({ host: '127.0.0.1', port: 7001 });
    const again = await udp.announce(udpUrl, peer(hash, 1, { event: undefined }));
    expect(again.peers).toContainEqual({ host: '127.0.0.1', port: 7002 });
    expect(again).toMatchObject({ incomplete: 2, complete: 0 });
  });

  it('scrapes seeders, leechers and completions', async () => {
    const hash = freshHash();
    await udp.announce(udpUrl, peer(hash, 1, { left: 0 }));
    await udp.announce(udpUrl, peer(hash, 2));
    await expect(udp.scrape(udpUrl, hash)).resolves.toMatchObject({ complete: 1, incomplete: 1 });
  });

  it('multiplexes concurrent announces for many torrents over one socket', async () => {
    const hashes = Array.from({ length: 8 }, freshHash);
    const results = await Promise.all(hashes.map((h) => udp.announce(udpUrl, peer(h, 3))));
    // bittorrent-tracker lists the asking peer too: each torrent has exactly that one.
    expect(results.map((r) => [r.incomplete, r.peers])).toEqual(hashes.map(() => [1, [{ host: '127.0.0.1', port: 7003 }]]));
  });
});

describe('Announcer against bittorrent-tracker', () => {
  function announcer(tiers: string[][], n: number, infoHash: Uint8Array): Announcer {
    return new Announcer({
      tiers,
      infoHash,
      peerId: peer(infoHash, n).peerId,
      port: 7000 + n,
      http: platform.http,
      udp,
      clock: systemClock,
      random: mathRandom,
      stats: () => ({ uploaded: 0, downloaded: 0, left: 1000 }),
      limits,
    });
  }

  it('announces over HTTP and UDP tiers, finds the other peer, and says stopped', async () => {
    const hash = freshHash();
    await udp.announce(udpUrl, peer(hash, 9));
    const a = announcer([[httpUrl], [udpUrl]], 1, hash);
    const sources = new Set<string>();
    a.on('peers', (peers, source) => {
      if (peers.some((p) => p.port === 7009)) sources.add(source);
    });
    a.start();
    await waitFor(() => sources.size === 2, 5000);
    expect(a.status().map((s) => s.state)).toEqual(['working', 'working']);
    await a.stop(2000);
    const after = await udp.announce(udpUrl, peer(hash, 9, { event: undefined }));
    expect(after.peers).not.toContainEqual({ host: '127.0.0.1', port: 7001 });
    expect(after.incomplete).toBe(1);
  });

  it('shows dead trackers (closed ports) as errors without throwing', async () => {
    const tcp = createServer();
    await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', () => r()));
    const tcpPort = (tcp.address() as AddressInfo).port;
    await new Promise<void>((r) => tcp.close(() => r()));
    const dgram = createSocket('udp4');
    await new Promise<void>((r) => dgram.bind(0, '127.0.0.1', () => r()));
    const udpPort = dgram.address().port;
    await new Promise<void>((r) => dgram.close(() => r()));

    const deadHttp = `http://127.0.0.1:${tcpPort}/announce`;
    const deadUdp = `udp://127.0.0.1:${udpPort}`;
    const a = announcer([[deadHttp], [deadUdp]], 1, freshHash());
    a.start();
    await waitFor(() => a.status().every((s) => s.state === 'error'), 5000);
    const [h, u] = a.status();
    expect(h!.error).toMatch(/could not reach tracker/);
    expect(u!.error).toMatch(/did not answer over UDP \(2 tries\)/);
    expect(h!.nextAnnounce).toBeGreaterThan(h!.lastAnnounce!);
    await expect(a.stop(500)).resolves.toBeUndefined();
  });
});
