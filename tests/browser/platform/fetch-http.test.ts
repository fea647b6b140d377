import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { openBrowserFixture, type BrowserFixture } from './harness.js';

let fx: BrowserFixture;
let server: Server;
let base: string;
/** Requests to /slow and /stream that the server saw end before it finished answering. */
const cutShort = new Set<string>();

beforeAll(async () => {
  server = createServer((req, res) => {
    // Echoing the origin with credentials allowed: a request that included cookies would carry them.
    res.setHeader('Access-Control-Allow-Origin', req.headers.origin ?? '*');
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    res.setHeader('Access-Control-Expose-Headers', 'X-Custom-Header');
    // A cross-origin page must ask before sending a custom header.
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { 'Access-Control-Allow-Headers': 'x-request-tag' }).end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://x');
    switch (url.pathname) {
      case '/ok':
        res.writeHead(200, { 'X-Custom-Header': 'Value', 'Content-Type': 'text/plain' }).end('hello');
        return;
      case '/missing':
        res.writeHead(404).end('no such torrent');
        return;
      case '/echo':
        res.end(JSON.stringify({ tag: req.headers['x-request-tag'] ?? null, cookie: req.headers.cookie ?? null }));
        return;
      case '/redirect':
        res.writeHead(302, { Location: '/ok' }).end();
        return;
      case '/declared':
        res.writeHead(200, { 'Content-Length': String(10_000_000) });
        res.write(new Uint8Array(1024));
        req.socket.on('close', () => cutShort.add('declared'));
        return;
      case '/stream': {
        // Chunked (no Content-Length): only counting while reading can catch it.
        res.writeHead(200);
        let sent = 0;
        const timer = setInterval(() => {
          if (sent >= 4 * 1024 * 1024) {
            clearInterval(timer);
            res.end();
            return;
          }
          res.write(new Uint8Array(16384));
          sent += 16384;
        }, 1);
        res.on('close', () => {
          if (sent < 4 * 1024 * 1024) cutShort.add('stream');
          clearInterval(timer);
        });
        return;
      }
      case '/slow':
        res.on('close', () => cutShort.add('slow'));
        return; // never answers
      default:
        res.writeHead(500).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  fx = await openBrowserFixture();
}, 60_000);
afterAll(async () => {
  await fx?.close();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
});

function get(request: { url: string; headers?: Record<string, string>; timeoutMs?: number; maxBytes?: number }) {
  return fx.page.evaluate(async (req) => {
    const http = new te.FetchHttpClient();
    try {
      const response = await http.get(req);
      return { status: response.status, headers: response.headers, body: te.fromUtf8(response.body), length: response.body.length };
    } catch (error) {
      return { error: await te.failure(Promise.reject(error)) };
    }
  }, request);
}

describe('FetchHttpClient in Chromium', () => {
  it('returns status, body and lower-cased headers', async () => {
    const result = await get({ url: `${base}/ok` });
    expect(result).toMatchObject({ status: 200, body: 'hello' });
    expect((result as { headers: Record<string, string> }).headers['x-custom-header']).toBe('Value');
  });

  it('returns a 404 as a response, not an error', async () => {
    expect(await get({ url: `${base}/missing` })).toMatchObject({ status: 404, body: 'no such torrent' });
  });

  it('sends the request headers and no cookies, though the browser has some for the server', async () => {
    await fx.page.setCookie({ name: 'session', value: 'secret', url: base });
    const withCookies = await fx.page.evaluate(async (url) => (await fetch(url, { credentials: 'include' })).text(), `${base}/echo`);
    expect(JSON.parse(withCookies).cookie).toBe('session=secret');
    const result = await get({ url: `${base}/echo`, headers: { 'x-request-tag': 'abc' } });
    expect(JSON.parse((result as { body: string }).body)).toEqual({ tag: 'abc', cookie: null });
  });

  it('follows redirects', async () => {
    expect(await get({ url: `${base}/redirect` })).toMatchObject({ status: 200, body: 'hello' });
  });

  it('refuses a body whose declared length is over maxBytes, without reading it', async () => {
    const result = await get({ url: `${base}/declared`, maxBytes: 4096 });
    expect(result).toMatchObject({ error: { kind: 'other' } });
    expect((result as { error: { message: string } }).error.message).toMatch(/larger than 4096 bytes/);
    await expect.poll(() => cutShort.has('declared'), { timeout: 5000 }).toBe(true);
  });

  it('stops a chunked body once it passes maxBytes, and drops the connection', async () => {
    const result = await get({ url: `${base}/stream`, maxBytes: 64 * 1024 });
    expect(result).toMatchObject({ error: { kind: 'other' } });
    await expect.poll(() => cutShort.has('stream'), { timeout: 5000 }).toBe(true);
  });

  it('accepts a body of exactly maxBytes', async () => {
    expect(await get({ url: `${base}/ok`, maxBytes: 5 })).toMatchObject({ status: 200, length: 5 });
  });

  it('times out a server that never answers, and cancels the request', async () => {
    const started = Date.now();
    const result = await get({ url: `${base}/slow`, timeoutMs: 300 });
    expect(result).toMatchObject({ error: { kind: 'timeout' } });
    expect(Date.now() - started).toBeLessThan(3000);
    await expect.poll(() => cutShort.has('slow'), { timeout: 5000 }).toBe(true);
  });

  it('reports a refused connection as unreachable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const address = closed.address();
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const port = typeof address === 'object' && address ? address.port : 1;
    expect(await get({ url: `http://127.0.0.1:${port}/` })).toMatchObject({ error: { kind: 'unreachable' } });
  });

  it('reports a cancelled request as closed', async () => {
    const result = await fx.page.evaluate(async (url) => {
      const controller = new AbortController();
      const pending = new te.FetchHttpClient().get({ url, signal: controller.signal });
      setTimeout(() => controller.abort(), 50);
      return te.failure(pending);
    }, `${base}/slow`);
    expect(result).toMatchObject({ kind: 'closed' });
  });
});
