/**
 * The engine's `HttpClient` over the browser's fetch: trackers, .torrent URLs, web seeds.
 * No cookies go out (credentials 'omit'): trackers must not learn who the user is elsewhere.
 * Redirects are followed by the browser (a page cannot read a redirect's Location header).
 */
import type { HttpClient, HttpRequest, HttpResponse } from '../interfaces/http.js';
import { NetError } from '../interfaces/net.js';
import { readBody } from '../read-body.js';

export interface FetchHttpOptions {
  /** Used when a request names no timeout. */
  defaultTimeoutMs?: number;
  /** Used when a request names no maxBytes. */
  defaultMaxBytes?: number;
  fetch?: typeof fetch;
}

export const FETCH_HTTP_DEFAULTS = {
  defaultTimeoutMs: 30_000,
  defaultMaxBytes: 64 * 1024 * 1024,
} as const;

export class FetchHttpClient implements HttpClient {
  private readonly timeoutMs: number;
  private readonly maxBytes: number;
  private readonly fetch: typeof fetch;

  constructor(options: FetchHttpOptions = {}) {
    this.timeoutMs = options.defaultTimeoutMs ?? FETCH_HTTP_DEFAULTS.defaultTimeoutMs;
    this.maxBytes = options.defaultMaxBytes ?? FETCH_HTTP_DEFAULTS.defaultMaxBytes;
    // Bound: calling a detached `fetch` throws "Illegal invocation" in browsers.
    this.fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  async get(request: HttpRequest): Promise<HttpResponse> {
    const timeoutMs = request.timeoutMs ?? this.timeoutMs;
    const maxBytes = request.maxBytes ?? this.maxBytes;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = request.signal ? AbortSignal.any([timeout, request.signal]) : timeout;
    const url = request.url;
    try {
      const response = await this.fetch(url, {
        headers: request.headers,
        credentials: 'omit',
        redirect: 'follow',
        cache: 'no-store',
        signal,
      });
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        headers[name.toLowerCase()] = value;
      });
      const body = await readBody(response, maxBytes, url);
      return { status: response.status, headers, body };
    } catch (error) {
      if (error instanceof NetError) throw error;
      if (timeout.aborted) throw new NetError('timeout', `GET ${url}: no complete answer within ${timeoutMs} ms`);
      if (request.signal?.aborted) throw new NetError('closed', `GET ${url}: cancelled`);
      // Browsers say only "Failed to fetch": refused, DNS, TLS and CORS failures look the same.
      const detail = error instanceof Error ? error.message : String(error);
      throw new NetError('unreachable', `GET ${url}: ${detail} (server unreachable, or it refused the request)`);
    }
  }
}

