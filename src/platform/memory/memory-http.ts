/** HTTP for memory hosts: handlers registered by URL prefix on the hub answer GETs. */
import type { HttpClient, HttpRequest, HttpResponse } from '../interfaces/http.js';
import { NetError } from '../interfaces/net.js';
import { utf8 } from '../../engine/util/bytes.js';

export interface MemoryHttpReply {
  status?: number;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
}

export type MemoryHttpHandler = (request: HttpRequest) => MemoryHttpReply | Promise<MemoryHttpReply>;

export class MemoryHttpRouter {
  private readonly routes = new Map<string, MemoryHttpHandler>();

  /** Serve every URL starting with `urlPrefix` (the longest matching prefix wins). Returns an
   * unregister function. */
  route(urlPrefix: string, handler: MemoryHttpHandler): () => void {
    this.routes.set(urlPrefix, handler);
    return () => {
      if (this.routes.get(urlPrefix) === handler) this.routes.delete(urlPrefix);
    };
  }

  find(url: string): MemoryHttpHandler | undefined {
    let best: string | undefined;
    for (const prefix of this.routes.keys()) {
      if (url.startsWith(prefix) && (best === undefined || prefix.length > best.length)) best = prefix;
    }
    return best === undefined ? undefined : this.routes.get(best);
  }
}

const DEFAULT_TIMEOUT_MS = 30_000;

export class MemoryHttpClient implements HttpClient {
  constructor(private readonly router: MemoryHttpRouter) {}

  get(request: HttpRequest): Promise<HttpResponse> {
    const { url } = request;
    const handler = this.router.find(url);
    if (!handler) return Promise.reject(new NetError('unreachable', `GET ${url}: no such server`));
    const timeoutMs = request.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    return new Promise<HttpResponse>((resolve, reject) => {
      const timer = setTimeout(() => finish(new NetError('timeout', `GET ${url}: no answer within ${timeoutMs} ms`)), timeoutMs);
      const onAbort = (): void => finish(new NetError('closed', `GET ${url}: cancelled`));
      request.signal?.addEventListener('abort', onAbort);
      let done = false;
      const finish = (outcome: NetError | HttpResponse): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        request.signal?.removeEventListener('abort', onAbort);
        if (outcome instanceof NetError) reject(outcome);
        else resolve(outcome);
      };
      if (request.signal?.aborted) return onAbort();
      Promise.resolve()
        .then(() => handler(request))
        .then(
          (reply) => finish(toResponse(reply, request)),
          (error: unknown) => finish(error instanceof NetError ? error : new NetError('other', `GET ${url}: ${String(error)}`)),
        );
    });
  }
}

function toResponse(reply: MemoryHttpReply, request: HttpRequest): HttpResponse | NetError {
  const body = typeof reply.body === 'string' ? utf8(reply.body) : (reply.body ?? new Uint8Array(0)).slice();
  if (request.maxBytes !== undefined && body.length > request.maxBytes) {
    return new NetError('other', `GET ${request.url}: response larger than ${request.maxBytes} bytes`);
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(reply.headers ?? {})) headers[name.toLowerCase()] = value;
  return { status: reply.status ?? 200, headers, body };
}
