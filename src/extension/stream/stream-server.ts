/**
 * The service worker's side of streaming: answers `GET /stream/<infohash>/<file>` (the player's
 * <video src>) with HTTP Range support — 206 Partial Content, Content-Range, Accept-Ranges — and a
 * body fed chunk by chunk by the offscreen engine over the stream BroadcastChannel. Seeking is a
 * new range request; the old body is cancelled, which closes its engine stream.
 * `/stream/<infohash>/<file>/info` answers the file's name and size as JSON (the player's title).
 */
import { mediaType, parseStreamPath } from './media-types.js';
import { parseRange, rangeHeaders } from './range.js';
import { STREAM_CHANNEL, isStreamReply, type StreamReply, type StreamRequest } from './stream-protocol.js';

export const STREAM_LIMITS = {
  /** An open is repeated this often until the engine answers (it may be starting)... */
  openRetryMs: 500,
  /** ...for at most this long, then 503. */
  openTimeoutMs: 20_000,
  /** First chunk asked for: small, so playback starts as soon as the first pieces verify... */
  firstChunkBytes: 64 * 1024,
  /** ...doubling up to this (the engine's maximum read is 4 MiB). */
  maxChunkBytes: 1024 * 1024,
  /** Reads asked ahead of the player. */
  readsInFlight: 2,
  /** A read waits for pieces; with no answer at all for this long the body fails. */
  readTimeoutMs: 180_000,
} as const;

type Opened = Extract<StreamReply, { type: 'opened' }>;

export class StreamServer {
  private readonly channel = new BroadcastChannel(STREAM_CHANNEL);
  private readonly waiting = new Map<string, (reply: StreamReply) => void>();
  private nextId = 1;
  private readonly prefix = Math.random().toString(36).slice(2, 10);

  /** `wake` makes sure the engine exists (starts the offscreen document). */
  constructor(private readonly wake: () => void) {
    this.channel.onmessage = (event: MessageEvent) => {
      const m = event.data;
      if (!isStreamReply(m)) return;
      const key = m.type === 'opened' || (m.type === 'failed' && m.seq === undefined) ? `${m.id}:open` : `${m.id}:${m.seq}`;
      const resolve = this.waiting.get(key);
      this.waiting.delete(key);
      resolve?.(m);
    };
  }

  /** A Response for stream URLs, or null for anything else (the browser serves it). */
  route(request: Request): Promise<Response> | null {
    const url = new URL(request.url);
    if (url.origin !== self.location.origin) return null;
    const target = parseStreamPath(url.pathname);
    if (!target) return null;
    if (request.method !== 'GET' && request.method !== 'HEAD') return Promise.resolve(new Response(null, { status: 405, headers: { Allow: 'GET, HEAD' } }));
    return this.serve(request, target).catch((error) => text(500, (error as Error).message));
  }

  private async serve(request: Request, target: { infoHash: string; fileIndex: number; info: boolean }): Promise<Response> {
    const id = `${this.prefix}-${this.nextId++}`;
    const opened = await this.open(id, target.infoHash, target.fileIndex);
    if (opened.type === 'failed') return text(opened.error.startsWith('no file') ? 404 : 503, opened.error);
    const size = opened.size;
    if (target.info) {
      this.post({ type: 'close', id });
      return new Response(JSON.stringify({ name: opened.name, path: opened.path, torrentName: opened.torrentName, size, type: mediaType(opened.path) }), {
        headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
      });
    }
    const answer = parseRange(request.headers.get('Range'), size);
    const { status, headers } = rangeHeaders(answer, size);
    headers['Content-Type'] = mediaType(opened.path);
    if (answer.kind === 'unsatisfiable' || request.method === 'HEAD' || size === 0) {
      this.post({ type: 'close', id });
      return new Response(null, { status, headers });
    }
    const start = answer.kind === 'partial' ? answer.start : 0;
    const end = answer.kind === 'partial' ? answer.end : size - 1;
    return new Response(this.body(id, start, end), { status, headers });
  }

  /**
   * The bytes start..end, read from the engine a chunk at a time as the player pulls, with
   * `readsInFlight` reads asked ahead so the engine's storage read overlaps the transfer.
   */
  private body(id: string, start: number, end: number): ReadableStream<Uint8Array> {
    let next = start;
    let chunk: number = STREAM_LIMITS.firstChunkBytes;
    let seq = 0;
    let closed = false;
    const inFlight: Promise<StreamReply>[] = [];
    const close = (): void => {
      if (closed) return;
      closed = true;
      this.post({ type: 'close', id });
    };
    const askAhead = (): void => {
      while (inFlight.length < STREAM_LIMITS.readsInFlight && next <= end) {
        const length = Math.min(chunk, end - next + 1);
        const s = seq++;
        inFlight.push(
          this.ask(`${id}:${s}`, { type: 'read', id, seq: s, offset: next, length }, STREAM_LIMITS.readTimeoutMs).catch(
            (error: Error): StreamReply => ({ type: 'failed', id, seq: s, error: error.message }),
          ),
        );
        next += length;
        chunk = Math.min(chunk * 2, STREAM_LIMITS.maxChunkBytes);
      }
    };
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        askAhead();
        const pending = inFlight.shift();
        if (!pending) {
          close();
          controller.close();
          return;
        }
        const reply = await pending;
        if (reply.type !== 'data') {
          close();
          controller.error(new Error(reply.type === 'failed' ? reply.error : 'unexpected answer'));
          return;
        }
        controller.enqueue(reply.bytes);
        if (inFlight.length === 0 && next > end) {
          close();
          controller.close();
        }
      },
      // The player went away or seeked elsewhere: the engine stops favouring these pieces.
      cancel: close,
    });
  }

  private async open(id: string, infoHash: string, fileIndex: number): Promise<Opened | Extract<StreamReply, { type: 'failed' }>> {
    this.wake();
    const started = Date.now();
    const request: StreamRequest = { type: 'open', id, infoHash, fileIndex };
    for (;;) {
      const reply = await this.ask(`${id}:open`, request, STREAM_LIMITS.openRetryMs).catch(() => null);
      if (reply && (reply.type === 'opened' || reply.type === 'failed')) return reply;
      if (Date.now() - started > STREAM_LIMITS.openTimeoutMs) {
        return { type: 'failed', id, error: 'The torrent is not running in TorrentEdge (or the engine did not start).' };
      }
    }
  }

  private ask(key: string, request: StreamRequest, timeoutMs: number): Promise<StreamReply> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(key);
        reject(new Error('the engine did not answer'));
      }, timeoutMs);
      this.waiting.set(key, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      this.post(request);
    });
  }

  private post(request: StreamRequest): void {
    this.channel.postMessage(request);
  }
}

function text(status: number, message: string): Response {
  return new Response(message, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
}
