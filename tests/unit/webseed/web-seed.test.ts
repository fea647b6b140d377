import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/engine/util/clock.js';
import { createWebSeed, type WebSeed, type WebSeedLimits } from '../../../src/engine/webseed/index.js';
import { content, FakeHttp, multiFile, settle, singleFile, TestHost, type Fixture } from './helpers.js';

const BLOCK = 16384;
const LIMITS: Partial<WebSeedLimits> = {
  backoffBaseMs: 1000,
  backoffMaxMs: 60_000,
  maxConsecutiveFailures: 3,
  maxHashFailures: 2,
  requestTimeoutMs: 10_000,
  idlePollMs: 500,
};

interface Rig {
  seed: WebSeed;
  host: TestHost;
  http: FakeHttp;
  clock: ManualClock;
}

function rig(fixture: Fixture, url: string, serve: Record<string, Uint8Array>, limits: Partial<WebSeedLimits> = {}): Rig {
  const http = new FakeHttp();
  for (const [u, body] of Object.entries(serve)) http.files.set(u, body);
  const host = new TestHost(fixture.meta);
  const clock = new ManualClock(1000);
  const seed = createWebSeed({ url, host, http, clock, limits: { ...LIMITS, ...limits } });
  host.onHashFailure = (index) => seed.onHashFailure(index);
  return { seed, host, http, clock };
}

/** Advance fake time in steps, letting answers arrive between them. */
async function run(r: Rig, ms: number, step = 100): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    await settle();
    r.clock.advance(step);
  }
  await settle();
}

/** 5 pieces of 32 KiB + a short last one, in one file. */
function oneFile(): Fixture {
  return singleFile('f.bin', content(5 * 2 * BLOCK + 1000, 1), 2 * BLOCK);
}

describe('WebSeed: downloading', () => {
  it('fetches every piece of a single-file torrent and all verify', async () => {
    const f = oneFile();
    const r = rig(f, 'http://h/f.bin', { 'http://h/f.bin': f.data });
    r.seed.start();
    await run(r, 1000);
    expect(r.host.complete).toBe(true);
    expect(r.host.output).toEqual(f.data);
    expect(r.seed.stats()).toMatchObject({ state: 'active', errors: 0, downloaded: f.data.length });
  });

  it('asks for whole pieces (or adjacent runs of them), never a piece cut short', async () => {
    const f = oneFile();
    const r = rig(f, 'http://h/f.bin', { 'http://h/f.bin': f.data });
    r.seed.start();
    await run(r, 1000);
    for (const q of r.http.requests) {
      const [first, last] = /bytes=(\d+)-(\d+)/.exec(q.headers!['Range']!)!.slice(1).map(Number) as [number, number];
      expect(first % (2 * BLOCK)).toBe(0);
      expect((last + 1) % (2 * BLOCK) === 0 || last + 1 === f.data.length).toBe(true);
    }
    expect(r.http.requests.length).toBeLessThanOrEqual(6);
  });

  it('a piece larger than maxRequestBytes is the one case fetched in parts', async () => {
    const f = singleFile('big', content(8 * BLOCK, 1), 8 * BLOCK);
    const r = rig(f, 'http://h/big', { 'http://h/big': f.data }, { maxRequestBytes: 3 * BLOCK });
    r.seed.start();
    await run(r, 1000);
    expect(r.host.complete).toBe(true);
    expect(r.http.requests.map((q) => q.headers!['Range']).sort()).toEqual([
      `bytes=0-${3 * BLOCK - 1}`,
      `bytes=${3 * BLOCK}-${6 * BLOCK - 1}`,
      `bytes=${6 * BLOCK}-${8 * BLOCK - 1}`,
    ]);
  });

  it('hands blocks over in the picker\'s 16 KiB units', async () => {
    const f = oneFile();
    const r = rig(f, 'http://h/f.bin', { 'http://h/f.bin': f.data });
    r.seed.start();
    await run(r, 1000);
    expect(r.host.blocksReceived).toBe(11);
  });

  it('splits a piece spanning files into one ranged GET per file', async () => {
    const f = multiFile('m', [
      { path: ['a'], data: content(10_000, 1) },
      { path: ['d', 'b c'], data: content(40_000, 2) },
      { path: ['e'], data: content(0, 3) },
      { path: ['z'], data: content(15_000, 4) },
    ], 2 * BLOCK);
    const serve = { 'http://h/m/a': f.data.slice(0, 10_000), 'http://h/m/d/b%20c': f.data.slice(10_000, 50_000), 'http://h/m/z': f.data.slice(50_000) };
    const r = rig(f, 'http://h/', serve, { maxRequestBytes: 2 * BLOCK });
    r.seed.start();
    await run(r, 1000);
    expect(r.host.output).toEqual(f.data);
    // Piece 0 is a (0-9999) + "b c" (0-22767); piece 1 is "b c" (22768-39999) + z (0-14999).
    expect(r.http.requests.map((q) => [q.url, q.headers!['Range']]).sort()).toEqual([
      ['http://h/m/a', 'bytes=0-9999'],
      ['http://h/m/d/b%20c', 'bytes=0-22767'],
      ['http://h/m/d/b%20c', 'bytes=22768-39999'],
      ['http://h/m/z', 'bytes=0-14999'],
    ]);
    expect(r.http.requests.some((q) => q.url === 'http://h/m/e')).toBe(false); // empty file
  });

  it('adjacent pieces fetched together make one ranged GET per file', async () => {
    const f = multiFile('m', [
      { path: ['a'], data: content(10_000, 1) },
      { path: ['b'], data: content(40_000, 2) },
      { path: ['z'], data: content(15_000, 4) },
    ], 2 * BLOCK);
    const serve = { 'http://h/m/a': f.data.slice(0, 10_000), 'http://h/m/b': f.data.slice(10_000, 50_000), 'http://h/m/z': f.data.slice(50_000) };
    const r = rig(f, 'http://h/', serve);
    r.seed.start();
    await run(r, 1000);
    expect(r.host.output).toEqual(f.data);
    expect(r.http.requests.map((q) => [q.url, q.headers!['Range']]).sort()).toEqual([
      ['http://h/m/a', 'bytes=0-9999'],
      ['http://h/m/b', 'bytes=0-39999'],
      ['http://h/m/z', 'bytes=0-14999'],
    ]);
  });

  it('never fetches padding files (BEP 47): their bytes are zeros', async () => {
    const f = multiFile('p', [
      { path: ['a'], data: content(20_000, 1) },
      { path: ['.pad', '12768'], data: new Uint8Array(12_768), padding: true },
      { path: ['b'], data: content(30_000, 2) },
    ], 2 * BLOCK);
    const r = rig(f, 'http://h/', { 'http://h/p/a': f.data.slice(0, 20_000), 'http://h/p/b': f.data.slice(32_768) });
    r.seed.start();
    await run(r, 1000);
    expect(r.host.complete).toBe(true);
    expect(r.http.requests.every((q) => !q.url.includes('pad'))).toBe(true);
  });

  it('blocks wholly in padding are never picked: the piece verifies, one request per file, pad blocks never handed over', async () => {
    // Piece 0: a (blocks 0-1, 20,000 bytes) then padding to the piece end (blocks 2-3 wholly padding).
    const f = multiFile('p', [
      { path: ['a'], data: content(20_000, 1) },
      { path: ['.pad', '45536'], data: new Uint8Array(45_536), padding: true },
      { path: ['b'], data: content(30_000, 2) },
    ], 4 * BLOCK);
    const r = rig(f, 'http://h/', { 'http://h/p/a': f.data.slice(0, 20_000), 'http://h/p/b': f.data.slice(4 * BLOCK) });
    r.seed.start();
    await run(r, 1000);
    expect(r.host.complete).toBe(true);
    expect(r.host.output).toEqual(f.data);
    // Piece 0 is asked for as its two real blocks; piece 1 whole: a run each, no piece cut short.
    expect(r.http.requests.map((q) => q.url).sort()).toEqual(['http://h/p/a', 'http://h/p/b']);
    // Blocks handed to the torrent: a's two and b's two, none of the padding's (HTTP moved content only).
    expect(r.host.blocksReceived).toBe(4);
    expect(r.seed.stats().downloaded).toBe(50_000);
  });

  it('works with a server that ignores Range (200, whole file sliced)', async () => {
    const f = oneFile();
    const r = rig(f, 'http://h/f.bin', { 'http://h/f.bin': f.data });
    r.http.ignoreRange = true;
    r.seed.start();
    await run(r, 1000);
    expect(r.host.output).toEqual(f.data);
  });

  it('keeps at most maxRequestsInFlight requests outstanding', async () => {
    const f = oneFile();
    const r = rig(f, 'http://h/f.bin', { 'http://h/f.bin': f.data }, { maxRequestsInFlight: 2 });
    r.http.hold = true;
    r.seed.start();
    await settle();
    expect(r.http.held).toHaveLength(2);
    expect(r.seed.stats().inFlight).toBe(2);
    r.http.held.shift()!.release();
    await settle();
    expect(r.http.held).toHaveLength(2);
  });

  it('keeps the bytes in flight under maxBytesInFlight', async () => {
    const f = singleFile('even', content(12 * BLOCK, 1), 2 * BLOCK);
    const limits = { maxRequestsInFlight: 8, maxBytesInFlight: 3 * BLOCK, maxRequestBytes: 2 * BLOCK };
    const r = rig(f, 'http://h/even', { 'http://h/even': f.data }, limits);
    r.http.hold = true;
    r.seed.start();
    await settle();
    // 32 KiB pieces: after the first there is room under 48 KiB; after the second there is none.
    expect(r.http.held).toHaveLength(2);
    r.http.held.shift()!.release();
    await settle();
    expect(r.http.held).toHaveLength(2);
  });

  it('requests nothing while the disk is behind, and resumes on its own', async () => {
    const f = oneFile();
    const r = rig(f, 'http://h/f.bin', { 'http://h/f.bin': f.data });
    r.host.allowRequests = false;
    r.seed.start();
    await run(r, 2000);
    expect(r.http.requests).toHaveLength(0);
    r.host.allowRequests = true;
    await run(r, 1000);
    expect(r.host.complete).toBe(true);
  });

  it('waits as long as the rate gate says before the next request', async () => {
    const f = oneFile();
    const r = rig(f, 'http://h/f.bin', { 'http://h/f.bin': f.data }, { maxRequestsInFlight: 1 });
    r.host.rateWait = 5000;
    r.seed.start();
    await run(r, 4000);
    expect(r.http.requests).toHaveLength(1);
    expect(r.host.spent).toBeGreaterThan(0);
    await run(r, 1200);
    expect(r.http.requests).toHaveLength(2);
  });

  it('stop() gives the blocks back and drops a late answer', async () => {
    const f = oneFile();
    const r = rig(f, 'http://h/f.bin', { 'http://h/f.bin': f.data });
    r.http.hold = true;
    r.seed.start();
    await settle();
    expect(r.host.picker.outstandingFor(r.seed.id)).toBeGreaterThan(0);
    r.seed.stop();
    expect(r.host.picker.outstandingFor(r.seed.id)).toBe(0);
    expect(r.http.held.every((h) => h.request.signal!.aborted)).toBe(true);
    for (const h of r.http.held) h.release();
    await settle();
    expect(r.host.blocksReceived).toBe(0);
    expect(r.seed.stats().state).toBe('stopped');
  });

  it('start() after stop() picks up where it left off', async () => {
    const f = oneFile();
    const r = rig(f, 'http://h/f.bin', { 'http://h/f.bin': f.data });
    r.seed.start();
    r.seed.stop();
    r.seed.start();
    await run(r, 1000);
    expect(r.host.complete).toBe(true);
  });
});

describe('WebSeed: failures', () => {
  it('an HTTP error returns the blocks to the picker and backs off', async () => {
    const f = oneFile();
    const r = rig(f, 'http://h/f.bin', {}, { maxRequestsInFlight: 1 });
    r.seed.start();
    await settle();
    expect(r.http.requests).toHaveLength(1);
    expect(r.host.picker.outstandingFor(r.seed.id)).toBe(0);
    expect(r.seed.stats()).toMatchObject({ state: 'backoff', errors: 1, lastError: 'web seed http://h/f.bin: HTTP 404' });
    await run(r, 900);
    expect(r.http.requests).toHaveLength(1);
  });

  it('backoff doubles after each failure in a row', async () => {
    const f = oneFile();
    const r = rig(f, 'http://h/f.bin', {}, { maxRequestsInFlight: 1, maxConsecutiveFailures: 10 });
    const times: number[] = [];
    r.http.respond = () => {
      times.push(r.clock.now());
      return undefined;
    };
    r.seed.start();
    await run(r, 16_000);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(gaps).toEqual([1000, 2000, 4000, 8000]);
  });

  it('requests that fail together count as one failure', async () => {
    const f = oneFile();
    const r = rig(f, 'http://h/f.bin', {}, { maxRequestsInFlight: 4, maxConsecutiveFailures: 2 });
    r.seed.start();
    await settle();
    expect(r.http.requests).toHaveLength(4);
    expect(r.seed.stats()).toMatchObject({ state: 'backoff', errors: 4 });
  });

  it('after a failure one request probes at a time until one succeeds', async () => {
    const f = oneFile();
    const r = rig(f, 'http://h/f.bin', { 'http://h/f.bin': f.data }, { maxRequestsInFlight: 4, maxRequestBytes: 2 * BLOCK });
    r.http.respond = () => ({ status: 500, headers: {}, body: new Uint8Array(0) });
    r.seed.start();
    await settle();
    expect(r.http.requests).toHaveLength(4);
    r.http.respond = undefined;
    r.http.hold = true;
    await run(r, 1000);
    expect(r.http.held).toHaveLength(1);
    r.http.held.shift()!.release();
    await settle();
    expect(r.http.held).toHaveLength(4);
  });

  it('a URL that keeps failing is disabled with a clear error', async () => {
    const f = oneFile();
    const r = rig(f, 'http://h/f.bin', {}, { maxRequestsInFlight: 1 });
    r.seed.start();
    await run(r, 10_000);
    const stats = r.seed.stats();
    expect(stats.state).toBe('disabled');
    expect(stats.lastError).toBe('web seed http://h/f.bin: HTTP 404 (3 failures in a row: web seed disabled)');
    expect(r.host.disabled).toBe(stats.lastError);
    expect(r.http.requests).toHaveLength(3);
    expect(r.host.picker.outstandingFor(r.seed.id)).toBe(0);
  });

  it('a success resets the count of failures in a row', async () => {
    const f = oneFile();
    const r = rig(f, 'http://h/f.bin', { 'http://h/f.bin': f.data }, { maxRequestsInFlight: 1, maxConsecutiveFailures: 2 });
    let n = 0;
    // Fail every other request: never two in a row.
    r.http.respond = () => (n++ % 2 === 0 ? { status: 500, headers: {}, body: new Uint8Array(0) } : undefined);
    r.seed.start();
    await run(r, 30_000);
    expect(r.host.complete).toBe(true);
    expect(r.seed.stats().state).toBe('active');
  });

  it('honours Retry-After on 503', async () => {
    const f = oneFile();
    const r = rig(f, 'http://h/f.bin', { 'http://h/f.bin': f.data }, { maxRequestsInFlight: 1 });
    let first = true;
    r.http.respond = () => {
      if (!first) return undefined;
      first = false;
      return { status: 503, headers: { 'retry-after': '30' }, body: new Uint8Array(0) };
    };
    r.seed.start();
    await run(r, 29_000, 1000);
    expect(r.http.requests).toHaveLength(1);
    await run(r, 2000);
    expect(r.http.requests.length).toBeGreaterThan(1);
  });

  it('a request with no answer times out and its blocks go back', async () => {
    const f = oneFile();
    const r = rig(f, 'http://h/f.bin', { 'http://h/f.bin': f.data }, { maxRequestsInFlight: 1 });
    r.http.hold = true;
    r.seed.start();
    await run(r, 10_000, 1000);
    expect(r.seed.stats()).toMatchObject({ state: 'backoff', errors: 1, lastError: 'web seed http://h/f.bin: no answer within 10000 ms' });
    expect(r.host.picker.outstandingFor(r.seed.id)).toBe(0);
    expect(r.http.held[0]!.request.signal!.aborted).toBe(true);
  });

  it('a file of another size on the server disables the seed at once', async () => {
    const f = oneFile();
    const r = rig(f, 'http://h/f.bin', { 'http://h/f.bin': f.data.slice(0, 5000) });
    r.http.ignoreRange = true;
    r.seed.start();
    await settle();
    expect(r.seed.stats().state).toBe('disabled');
    expect(r.seed.stats().lastError).toMatch(/5000 bytes but the torrent says 164840/);
  });

  it('pieces failing the hash check disable the seed after maxHashFailures', async () => {
    const f = oneFile();
    const garbage = f.data.map((b) => b ^ 0xff);
    const r = rig(f, 'http://h/f.bin', { 'http://h/f.bin': garbage }, { maxRequestsInFlight: 1 });
    r.seed.start();
    await run(r, 1000);
    const stats = r.seed.stats();
    expect(r.host.failed).toHaveLength(2);
    expect(stats.state).toBe('disabled');
    expect(stats.hashFailures).toBe(2);
    expect(stats.lastError).toMatch(/2 pieces failed the hash check/);
    expect(r.host.picker.outstandingFor(r.seed.id)).toBe(0);
  });

  it('a URL that is not http(s) disables the seed without a request or a throw', async () => {
    const f = oneFile();
    const r = rig(f, 'ftp://h/f.bin', { 'ftp://h/f.bin': f.data });
    r.seed.start();
    await run(r, 1000);
    expect(r.http.requests).toHaveLength(0);
    expect(r.seed.stats()).toMatchObject({ state: 'disabled', lastError: expect.stringMatching(/only http and https/) });
  });
});
