/** Test doubles for tracker tests: a scripted HttpClient, a fake UDP network, query parsing. */
import { encode, type BEncodable } from '../../../src/engine/bencode/index.js';
import type { HttpClient, HttpRequest, HttpResponse } from '../../../src/platform/interfaces/http.js';
import type { Endpoint, Network, UdpSocket } from '../../../src/platform/interfaces/net.js';

export type HttpHandler = (url: string) => HttpResponse | Promise<HttpResponse>;

/** Routes a GET by the URL before its query; an unknown base is a refused connection. */
export class FakeHttp implements HttpClient {
  readonly requests: HttpRequest[] = [];
  readonly routes = new Map<string, HttpHandler>();

  route(base: string, handler: HttpHandler): void {
    this.routes.set(base, handler);
  }

  async get(request: HttpRequest): Promise<HttpResponse> {
    this.requests.push(request);
    const handler = this.routes.get(request.url.split('?')[0]!);
    if (!handler) throw new Error('connect ECONNREFUSED');
    return handler(request.url);
  }

  /** Query parameters of the requests to `base`, in order. */
  queries(base: string): Map<string, string>[] {
    return this.requests.filter((r) => r.url.split('?')[0] === base).map((r) => query(r.url));
  }
}

export function query(url: string): Map<string, string> {
  const out = new Map<string, string>();
  const q = url.split('?')[1] ?? '';
  for (const part of q.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    out.set(part.slice(0, eq), part.slice(eq + 1));
  }
  return out;
}

export function bencoded(value: BEncodable, status = 200): HttpResponse {
  return { status, headers: {}, body: encode(value) };
}

export function raw(text: string, status = 200): HttpResponse {
  return { status, headers: {}, body: new TextEncoder().encode(text) };
}

export class FakeUdpSocket implements UdpSocket {
  readonly port = 40000;
  readonly sent: { data: Uint8Array; to: Endpoint }[] = [];
  closed = false;
  private handler: ((data: Uint8Array, from: Endpoint) => void) | undefined;

  send(data: Uint8Array, to: Endpoint): void {
    this.sent.push({ data: data.slice(), to });
  }
  setHandler(onMessage: (data: Uint8Array, from: Endpoint) => void): void {
    this.handler = onMessage;
  }
  close(): void {
    this.closed = true;
  }
  deliver(data: Uint8Array, from: Endpoint = { host: '10.0.0.1', port: 6969 }): void {
    this.handler?.(data, from);
  }
}

export class FakeNetwork implements Network {
  readonly socket = new FakeUdpSocket();
  binds: { port: number; host: string }[] = [];
  failBind = false;

  connect(): never {
    throw new Error('not used');
  }
  listen(): never {
    throw new Error('not used');
  }
  async bindUdp(port: number, host: string): Promise<UdpSocket> {
    this.binds.push({ port, host });
    if (this.failBind) throw new Error('EACCES');
    return this.socket;
  }
}

/** Lets pending promise callbacks (and their follow-ups) run. */
export function flush(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
