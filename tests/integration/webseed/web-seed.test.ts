/**
 * Web seeds (BEP 19) against a real HTTP server on 127.0.0.1 (node:http, with Range support),
 * over the Node platform's HttpClient: no peers at all, every piece from the server, verified.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTorrent, parseTorrent, type TorrentMeta } from '../../../src/engine/metainfo/index.js';
import { Bitfield } from '../../../src/engine/swarm/bitfield.js';
import { PiecePicker } from '../../../src/engine/swarm/piece-picker.js';
import { systemClock } from '../../../src/engine/util/clock.js';
import { mathRandom } from '../../../src/engine/util/random.js';
import { createWebSeed, type WebSeed, type WebSeedHost, type WebSeedLimits } from '../../../src/engine/webseed/index.js';
import type { Hasher } from '../../../src/platform/interfaces/hash.js';
import { NodeHttpClient } from '../../../src/platform/node/index.js';

const sha1 = (data: Uint8Array): Buffer => createHash('sha1').update(data).digest();
const hasher: Hasher = {
  sha1: async (data) => new Uint8Array(sha1(data)),
  sha256: async (data) => new Uint8Array(createHash('sha256').update(data).digest()),
};

function content(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed * 2654435761;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

interface ServedFile {
  /** URL path segments, decoded. */
  path: string[];
  data: Uint8Array;
}

/** The files a test server holds, by decoded path; `garbage` paths answer with wrong bytes. */
const served = new Map<string, Uint8Array>();
const garbage = new Set<string>();
let ignoreRange = false;
let requests = 0;

function handle(req: IncomingMessage, res: ServerResponse): void {
  requests++;
  let key: string;
  try {
    key = (req.url ?? '').split('?')[0]!.split('/').map(decodeURIComponent).join('/');
  } catch {
    res.writeHead(400).end();
    return;
  }
  const file = served.get(key);
  if (!file) {
    res.writeHead(404).end();
    return;
  }
  const body = garbage.has(key) ? file.map((b) => b ^ 0x5a) : file;
  const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
  if (!range || ignoreRange) {
    res.writeHead(200, { 'content-length': body.length }).end(body);
    return;
  }
  const first = Number(range[1]);
  const last = Math.min(Number(range[2]), body.length - 1);
  if (first > last) {
    res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
    return;
  }
  res
    .writeHead(206, { 'content-length': last - first + 1, 'content-range': `bytes ${first}-${last}/${body.length}` })
    .end(body.subarray(first, last + 1));
}

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function makeTorrent(name: string, files: ServedFile[], singleFile: boolean, pieceLength: number): Promise<TorrentMeta> {
  const bytes = await createTorrent({
    name,
    files: files.map((f) => ({ path: f.path, length: f.data.length })),
    singleFile,
    read: async (index, offset, length) => files[index]!.data.slice(offset, offset + length),
    hasher,
    pieceLength,
  });
  return parseTorrent(bytes);
}

/** A torrent reduced to what a web seed needs: a real picker, SHA-1 checks, a buffer for the data. */
class InTestHost implements WebSeedHost {
  readonly picker: PiecePicker;
  readonly output: Uint8Array;
  readonly verified = new Set<number>();
  hashFailures = 0;
  seed: WebSeed | undefined;
  disabledReason: string | undefined;
  private readonly buffers = new Map<number, Uint8Array>();
  private readonly waiters: (() => void)[] = [];
  readonly download = { spend: (): number => 0 };

  constructor(readonly meta: TorrentMeta) {
    this.picker = new PiecePicker({
      pieceCount: meta.pieceCount,
      pieceLength: meta.pieceLength,
      lastPieceLength: meta.lastPieceLength,
      random: mathRandom,
      have: new Bitfield(meta.pieceCount),
    });
    this.output = new Uint8Array(meta.totalLength);
  }

  canRequest(): boolean {
    return true;
  }

  onBlock(_from: string, index: number, begin: number, block: Uint8Array, pieceComplete: boolean): void {
    const size = index === this.meta.pieceCount - 1 ? this.meta.lastPieceLength : this.meta.pieceLength;
    let buffer = this.buffers.get(index);
    if (!buffer) this.buffers.set(index, (buffer = new Uint8Array(size)));
    buffer.set(block, begin);
    if (!pieceComplete) return;
    this.buffers.delete(index);
    const expected = Buffer.from(this.meta.pieceHashes.subarray(index * 20, index * 20 + 20));
    if (sha1(buffer).equals(expected)) {
      this.output.set(buffer, index * this.meta.pieceLength);
      this.verified.add(index);
      this.picker.onPieceVerified(index);
    } else {
      this.hashFailures++;
      this.picker.onPieceFailed(index);
      this.seed?.onHashFailure(index);
    }
    this.notify();
  }

  onWebSeedDisabled(_id: string, reason: string): void {
    this.disabledReason = reason;
    this.notify();
  }

  get done(): boolean {
    return this.verified.size === this.meta.pieceCount || this.disabledReason !== undefined;
  }

  /** Resolves when every piece is verified or the seed gave up; rejects after `ms`. */
  finished(ms: number): Promise<void> {
    if (this.done) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not done within ${ms} ms: ${this.verified.size}/${this.meta.pieceCount} pieces, ${JSON.stringify(this.seed?.stats())}`)), ms);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private notify(): void {
    if (!this.done) return;
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}

const LIMITS: Partial<WebSeedLimits> = { requestTimeoutMs: 5000, backoffBaseMs: 50, backoffMaxMs: 500 };

async function download(meta: TorrentMeta, url: string, limits: Partial<WebSeedLimits> = {}): Promise<InTestHost> {
  const host = new InTestHost(meta);
  const seed = createWebSeed({ url, host, http: new NodeHttpClient(), clock: systemClock, limits: { ...LIMITS, ...limits } });
  host.seed = seed;
  seed.start();
  try {
    await host.finished(20_000);
  } finally {
    seed.stop();
  }
  return host;
}

function serve(prefix: string[], files: ServedFile[]): void {
  for (const f of files) served.set(['', ...prefix, ...f.path].join('/'), f.data);
}

describe('web seed against a local HTTP server', () => {
  it('downloads a single-file torrent from the file URL, every piece verified', async () => {
    const data = content(6 * 1024 * 1024 + 12345, 1);
    const meta = await makeTorrent('single.bin', [{ path: ['single.bin'], data }], true, 256 * 1024);
    served.set('/files/single-copy.bin', data);
    const host = await download(meta, `${base}/files/single-copy.bin`);
    expect(host.verified.size).toBe(meta.pieceCount);
    expect(Buffer.from(host.output).equals(Buffer.from(data))).toBe(true);
    expect(host.hashFailures).toBe(0);
  });

  it('downloads a single-file torrent from a directory URL (name appended)', async () => {
    const data = content(300_000, 2);
    const meta = await makeTorrent('my file #1.bin', [{ path: ['my file #1.bin'], data }], true, 32 * 1024);
    served.set('/dir/my file #1.bin', data);
    const host = await download(meta, `${base}/dir/`);
    expect(Buffer.from(host.output).equals(Buffer.from(data))).toBe(true);
  });

  it('downloads a multi-file torrent with odd names, empty files and pieces spanning files', async () => {
    const files: ServedFile[] = [
      { path: ['a.txt'], data: content(1000, 3) },
      { path: ['sub dir', 'b 50% ü.bin'], data: content(700_000, 4) },
      { path: ['sub dir', 'empty'], data: new Uint8Array(0) },
      { path: ['c?d#e&f.dat'], data: content(90_001, 5) },
      { path: ['z', 'y', 'x'], data: content(333_333, 6) },
    ];
    const meta = await makeTorrent('Multi Torrent', files, false, 64 * 1024);
    serve(['pub', 'Multi Torrent'], files);
    const host = await download(meta, `${base}/pub/`);
    expect(host.verified.size).toBe(meta.pieceCount);
    const all = Buffer.concat(files.map((f) => f.data));
    expect(Buffer.from(host.output).equals(all)).toBe(true);
  });

  it('works with a server that ignores Range for small files', async () => {
    const data = content(200_000, 7);
    const meta = await makeTorrent('norange.bin', [{ path: ['norange.bin'], data }], true, 16 * 1024);
    served.set('/norange.bin', data);
    ignoreRange = true;
    try {
      const host = await download(meta, `${base}/norange.bin`);
      expect(Buffer.from(host.output).equals(Buffer.from(data))).toBe(true);
    } finally {
      ignoreRange = false;
    }
  });

  it('garbage for one file: hash failures disable the seed, no crash', async () => {
    const files: ServedFile[] = [
      { path: ['good.bin'], data: content(400_000, 8) },
      { path: ['bad.bin'], data: content(400_000, 9) },
    ];
    const meta = await makeTorrent('mixed', files, false, 32 * 1024);
    serve(['g', 'mixed'], files);
    garbage.add('/g/mixed/bad.bin');
    const host = await download(meta, `${base}/g/`, { maxHashFailures: 3 });
    expect(host.disabledReason).toMatch(/3 pieces failed the hash check/);
    expect(host.hashFailures).toBeGreaterThanOrEqual(3);
    expect(host.seed!.stats().state).toBe('disabled');
    // Pieces wholly inside the good file may be verified; none of the bad file's.
    const firstBad = Math.floor(400_000 / meta.pieceLength);
    for (const index of host.verified) expect(index).toBeLessThan(firstBad);
    expect(host.picker.outstandingFor(host.seed!.id)).toBe(0);
  });

  it('a URL that answers 404 is retried with backoff, then disabled', async () => {
    const data = content(100_000, 10);
    const meta = await makeTorrent('missing.bin', [{ path: ['missing.bin'], data }], true, 16 * 1024);
    const before = requests;
    const host = await download(meta, `${base}/nothing-here/`, { maxConsecutiveFailures: 3, backoffBaseMs: 20 });
    expect(host.disabledReason).toMatch(/HTTP 404 \(3 failures in a row: web seed disabled\)/);
    expect(host.verified.size).toBe(0);
    // After the first failure one request probes at a time: a few requests, not a storm.
    expect(requests - before).toBeLessThanOrEqual(3 + 8);
  });
});
