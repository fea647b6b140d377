/** The engine's `HttpClient` over Node 20's global fetch (undici). */
import type { HttpClient, HttpRequest, HttpResponse } from '../interfaces/http.js';
import { NetError } from '../interfaces/net.js';
import { readBody } from '../read-body.js';
import { toNetError } from './node-net-errors.js';

export interface NodeHttpOptions {
  /** Used when a request names no timeout. */
  defaultTimeoutMs?: number;
  /** Used when a request names no maxBytes. */
  defaultMaxBytes?: number;
  maxRedirects?: number;
}

export const NODE_HTTP_DEFAULTS = {
  defaultTimeoutMs: 30_000,
  defaultMaxBytes: 64 * 1024 * 1024,
  maxRedirects: 5,
} as const satisfies Required<NodeHttpOptions>;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export class NodeHttpClient implements HttpClient {
  private readonly options: Required<NodeHttpOptions>;

  constructor(options: NodeHttpOptions = {}) {
    this.options = { ...NODE_HTTP_DEFAULTS, ...options };
  }

  async get(request: HttpRequest): Promise<HttpResponse> {
    const timeoutMs = request.timeoutMs ?? this.options.defaultTimeoutMs;
    const maxBytes = request.maxBytes ?? this.options.defaultMaxBytes;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = request.signal ? AbortSignal.any([timeout, request.signal]) : timeout;
    let url = request.url;
    try {
      for (let redirects = 0; ; redirects++) {
        // Redirects are followed by hand: fetch's own limit is 20 and it cannot be lowered.
        const response = await fetch(url, { headers: request.headers, redirect: 'manual', signal });
        const location = response.headers.get('location');
        if (REDIRECT_STATUSES.has(response.status) && location !== null) {
          await response.body?.cancel();
          if (redirects >= this.options.maxRedirects) {
            throw new NetError('other', `GET ${request.url}: more than ${this.options.maxRedirects} redirects`);
          }
          url = new URL(location, url).toString();
          continue;
        }
        const headers: Record<string, string> = {};
        response.headers.forEach((value, name) => {
          headers[name.toLowerCase()] = value;
        });
        const body = await readBody(response, maxBytes, url);
        return { status: response.status, headers, body };
      }
    } catch (error) {
      if (timeout.aborted) throw new NetError('timeout', `GET ${url}: no complete answer within ${timeoutMs} ms`);
      if (request.signal?.aborted) throw new NetError('closed', `GET ${url}: cancelled`);
      throw toNetError((error as { cause?: unknown })?.cause ?? error, `GET ${url}`);
    }
  }
}

