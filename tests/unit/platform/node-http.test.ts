import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { NodeHttpClient } from '../../../src/platform/node/node-http.js';
import { NetError } from '../../../src/platform/interfaces/net.js';
import { fromUtf8 } from '../../../src/engine/util/bytes.js';

let server: Server;
let base: string;
const http = new NodeHttpClient();

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    switch (url.pathname) {
      case '/hello':
        res.writeHead(200, { 'Content-Type': 'text/plain', 'X-Custom': 'yes' });
        res.end(`hello ${req.headers['x-test'] ?? ''}`);
        return;
      case '/missing':
        res.writeHead(404);
        res.end('no');
        return;
      case '/big-declared':
        res.writeHead(200, { 'Content-Length': '100000' });
        res.end(Buffer.alloc(100000));
        return;
      case '/big-streamed': {
        // No Content-Length: the limit must be enforced while reading.
        res.writeHead(200);
        let sent = 0;
        const timer = setInterval(() => {
          if (sent >= 50 || res.destroyed) {
            clearInterval(timer);
            res.end();
            return;
          }
          res.write(Buffer.alloc(4096));
          sent++;
        }, 1);
        return;
      }
      case '/slow':
        setTimeout(() => res.end('late'), 2000).unref();
        return;
      case '/redirect': {
        const n = Number(url.searchParams.get('n'));
        res.writeHead(302, { Location: n > 0 ? `/redirect?n=${n - 1}` : '/hello' });
        res.end();
        return;
      }
      default:
        res.writeHead(500);
        res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

async function failure(promise: Promise<unknown>): Promise<NetError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(NetError);
  return error as NetError;
}

describe('NodeHttpClient', () => {
  it('returns status, lower-cased headers and body, sending request headers', async () => {
    const response = await http.get({ url: `${base}/hello`, headers: { 'X-Test': 'there' } });
    expect(response.status).toBe(200);
    expect(response.headers['x-custom']).toBe('yes');
    expect(response.headers['content-type']).toBe('text/plain');
    expect(fromUtf8(response.body)).toBe('hello there');
  });

  it('returns non-2xx statuses rather than rejecting', async () => {
    const response = await http.get({ url: `${base}/missing` });
    expect(response.status).toBe(404);
    expect(fromUtf8(response.body)).toBe('no');
  });

  it('rejects a body whose Content-Length exceeds maxBytes', async () => {
    const error = await failure(http.get({ url: `${base}/big-declared`, maxBytes: 1000 }));
    expect(error.message).toMatch(/larger than 1000 bytes/);
  });

  it('rejects a streamed body once it passes maxBytes', async () => {
    const error = await failure(http.get({ url: `${base}/big-streamed`, maxBytes: 10000 }));
    expect(error.message).toMatch(/larger than 10000 bytes/);
  });

  it('accepts a body of exactly maxBytes', async () => {
    const response = await http.get({ url: `${base}/big-declared`, maxBytes: 100000 });
    expect(response.body.length).toBe(100000);
  });

  it('times out with NetError timeout', async () => {
    const error = await failure(http.get({ url: `${base}/slow`, timeoutMs: 100 }));
    expect(error.kind).toBe('timeout');
  });

  it('follows up to 5 redirects', async () => {
    const response = await http.get({ url: `${base}/redirect?n=4` });
    expect(fromUtf8(response.body)).toBe('hello ');
  });

  it('refuses a sixth redirect', async () => {
    const error = await failure(http.get({ url: `${base}/redirect?n=5` }));
    expect(error.message).toMatch(/redirects/);
  });

  it('maps a refused connection to NetError refused', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as { port: number }).port;
    await new Promise((r) => probe.close(r));
    const error = await failure(http.get({ url: `http://127.0.0.1:${port}/` }));
    expect(error.kind).toBe('refused');
  });

  it('reports a caller abort as closed', async () => {
    const controller = new AbortController();
    const pending = http.get({ url: `${base}/slow`, signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    expect((await failure(pending)).kind).toBe('closed');
  });
});
