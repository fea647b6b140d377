/** Fixtures for web seed tests: hand-built torrents (padding, odd names), a fake server, a host. */
import { encode, type BEncodable } from '../../../src/engine/bencode/index.js';
import { parseTorrent, type TorrentMeta } from '../../../src/engine/metainfo/index.js';
import { Bitfield } from '../../../src/engine/swarm/bitfield.js';
import { PiecePicker } from '../../../src/engine/swarm/piece-picker.js';
import { concat, equalBytes } from '../../../src/engine/util/bytes.js';
import { SeededRandom } from '../../../src/engine/util/random.js';
import { sha1 } from '../../../src/engine/util/sha1.js';
import type { WebSeedHost } from '../../../src/engine/webseed/index.js';
import type { HttpClient, HttpRequest, HttpResponse } from '../../../src/platform/interfaces/http.js';

export const content = (length: number, seed: number): Uint8Array =>
  Uint8Array.from({ length }, (_, i) => (i * 7 + seed * 13 + (i >> 8)) & 0xff);

export interface FixtureFile {
  path: (string | Uint8Array)[];
  data: Uint8Array;
  padding?: boolean;
}

export interface Fixture {
  meta: TorrentMeta;
  /** The torrent's bytes, concatenated. */
  data: Uint8Array;
}

/** A multi-file torrent, encoded by hand so padding files (BEP 47) and raw names are possible. */
export function multiFile(name: string | Uint8Array, files: FixtureFile[], pieceLength: number, urlList: string[] = []): Fixture {
  const data = concat(files.map((f) => f.data));
  const info = {
    files: files.map((f) => ({ length: f.data.length, path: f.path, ...(f.padding ? { attr: 'p' } : {}) })),
    name,
    'piece length': pieceLength,
    pieces: hashes(data, pieceLength),
  };
  return { meta: parseTorrent(encode({ info, 'url-list': urlList } as BEncodable)), data };
}

export function singleFile(name: string | Uint8Array, data: Uint8Array, pieceLength: number, urlList: string[] = []): Fixture {
  const info = { length: data.length, name, 'piece length': pieceLength, pieces: hashes(data, pieceLength) };
  return { meta: parseTorrent(encode({ info, 'url-list': urlList } as BEncodable)), data };
}

function hashes(data: Uint8Array, pieceLength: number): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let at = 0; at < data.length; at += pieceLength) parts.push(sha1(data.subarray(at, at + pieceLength)));
  return concat(parts);
}

/** An answer held until the test releases it. */
export interface Held {
  request: HttpRequest;
  release(): void;
  fail(error: Error): void;
}

/**
 * A server in memory: files by URL, honouring Range (206 + Content-Range) unless told otherwise.
 * `respond` overrides the answer for a request; `hold` keeps answers until released.
 */
export class FakeHttp implements HttpClient {
  readonly files = new Map<string, Uint8Array>();
  readonly requests: HttpRequest[] = [];
  ignoreRange = false;
  hold = false;
  readonly held: Held[] = [];
  respond: ((request: HttpRequest) => HttpResponse | Error | undefined) | undefined;

  get(request: HttpRequest): Promise<HttpResponse> {
    this.requests.push(request);
    if (!this.hold) return this.answer(request);
    return new Promise((resolve, reject) => {
      this.held.push({
        request,
        release: () => this.answer(request).then(resolve, reject),
        fail: reject,
      });
    });
  }

  private async answer(request: HttpRequest): Promise<HttpResponse> {
    const override = this.respond?.(request);
    if (override instanceof Error) throw override;
    if (override) return override;
    const body = this.files.get(request.url);
    if (!body) return { status: 404, headers: {}, body: new Uint8Array(0) };
    const range = /^bytes=(\d+)-(\d+)$/.exec(request.headers?.['Range'] ?? '');
    let answer: HttpResponse;
    if (this.ignoreRange || !range) answer = { status: 200, headers: {}, body };
    else {
      const first = Number(range[1]);
      const last = Math.min(Number(range[2]), body.length - 1);
      answer = {
        status: 206,
        headers: { 'content-range': `bytes ${first}-${last}/${body.length}` },
        body: body.slice(first, last + 1),
      };
    }
    // As the platform clients do: a body over maxBytes is refused.
    if (request.maxBytes !== undefined && answer.body.length > request.maxBytes) {
      throw new Error(`GET ${request.url}: response larger than ${request.maxBytes} bytes`);
    }
    return answer;
  }
}

/** A torrent as the web seed sees it: a real picker, pieces assembled and checked with SHA-1. */
export class TestHost implements WebSeedHost {
  readonly picker: PiecePicker;
  readonly verified = new Set<number>();
  readonly failed: number[] = [];
  readonly output: Uint8Array;
  blocksReceived = 0;
  allowRequests = true;
  /** What download.spend returns. */
  rateWait = 0;
  spent = 0;
  onHashFailure: (index: number) => void = () => {};
  disabled: string | undefined;
  private readonly buffers = new Map<number, Uint8Array>();

  constructor(readonly meta: TorrentMeta) {
    this.picker = new PiecePicker({
      pieceCount: meta.pieceCount,
      pieceLength: meta.pieceLength,
      lastPieceLength: meta.lastPieceLength,
      random: new SeededRandom(7),
      have: new Bitfield(meta.pieceCount),
      // As a torrent's picker: blocks wholly in padding files are never handed out.
      files: meta.files,
    });
    this.output = new Uint8Array(meta.totalLength);
  }

  readonly download = {
    spend: (bytes: number): number => {
      this.spent += bytes;
      return this.rateWait;
    },
  };

  canRequest(): boolean {
    return this.allowRequests;
  }

  onWebSeedDisabled(_id: string, reason: string): void {
    this.disabled = reason;
  }

  onBlock(_from: string, index: number, begin: number, block: Uint8Array, pieceComplete: boolean): void {
    this.blocksReceived++;
    const size = index === this.meta.pieceCount - 1 ? this.meta.lastPieceLength : this.meta.pieceLength;
    let buffer = this.buffers.get(index);
    if (!buffer) this.buffers.set(index, (buffer = new Uint8Array(size)));
    buffer.set(block, begin);
    if (!pieceComplete) return;
    this.buffers.delete(index);
    const expected = this.meta.pieceHashes.subarray(index * 20, index * 20 + 20);
    if (equalBytes(sha1(buffer), expected)) {
      this.output.set(buffer, index * this.meta.pieceLength);
      this.verified.add(index);
      this.picker.onPieceVerified(index);
    } else {
      this.failed.push(index);
      this.picker.onPieceFailed(index);
      this.onHashFailure(index);
    }
  }

  get complete(): boolean {
    return this.verified.size === this.meta.pieceCount;
  }
}

/** Let pending promise callbacks (the fake server's answers) run. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
