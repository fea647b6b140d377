import { describe, expect, it } from 'vitest';
import { fetchSpan, resolveWebSeedLimits, WebSeedFetchError } from '../../../src/engine/webseed/index.js';
import { content, FakeHttp } from './helpers.js';

const URL_A = 'http://h/a';
const file = content(1000, 3);
const limits = resolveWebSeedLimits({ maxWholeFileBytes: 4096 });
const signal = new AbortController().signal;
const span = { url: URL_A, fileOffset: 100, length: 50, fileLength: file.length };

function server(): FakeHttp {
  const http = new FakeHttp();
  http.files.set(URL_A, file);
  return http;
}

async function failure(http: FakeHttp, request = span): Promise<WebSeedFetchError> {
  const error = await fetchSpan(http, request, limits, signal).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WebSeedFetchError);
  return error as WebSeedFetchError;
}

describe('fetchSpan: one ranged GET, checked', () => {
  it('asks for an inclusive byte range', async () => {
    const http = server();
    await fetchSpan(http, span, limits, signal);
    expect(http.requests[0]!.headers).toEqual({ Range: 'bytes=100-149' });
  });

  it('206 with the exact bytes is accepted', async () => {
    expect(await fetchSpan(server(), span, limits, signal)).toEqual(file.slice(100, 150));
  });

  it('206 with a short body is an error', async () => {
    const http = server();
    http.respond = () => ({ status: 206, headers: {}, body: file.slice(100, 120) });
    expect((await failure(http)).message).toMatch(/asked for 50 bytes at 100, got 20/);
  });

  it('206 with a long body is an error', async () => {
    const http = server();
    http.respond = () => ({ status: 206, headers: {}, body: file.slice(100, 200) });
    expect((await failure(http)).fatal).toBe(false);
  });

  it('206 for other bytes than asked (Content-Range) is an error', async () => {
    const http = server();
    http.respond = () => ({ status: 206, headers: { 'content-range': 'bytes 0-49/1000' }, body: file.slice(0, 50) });
    expect((await failure(http)).message).toMatch(/asked for bytes 100-149, got 0-49/);
  });

  it('206 naming another total size means another file: fatal', async () => {
    const http = server();
    http.respond = () => ({ status: 206, headers: { 'content-range': 'bytes 100-149/999' }, body: file.slice(100, 150) });
    const error = await failure(http);
    expect(error.fatal).toBe(true);
    expect(error.message).toMatch(/999 bytes but the torrent says 1000/);
  });

  it('200 (Range ignored) with the whole file is sliced', async () => {
    const http = server();
    http.ignoreRange = true;
    expect(await fetchSpan(http, span, limits, signal)).toEqual(file.slice(100, 150));
  });

  it('200 with a body of another size is another file: fatal', async () => {
    const http = server();
    http.respond = () => ({ status: 200, headers: {}, body: file.slice(0, 900) });
    const error = await failure(http);
    expect(error.fatal).toBe(true);
    expect(error.message).toMatch(/900 bytes but the torrent says 1000/);
  });

  it('lets a small file come whole: maxBytes is the file size', async () => {
    const http = server();
    await fetchSpan(http, span, limits, signal);
    expect(http.requests[0]!.maxBytes).toBe(1000);
  });

  it('a file over maxWholeFileBytes may not come whole: maxBytes is the range', async () => {
    const http = new FakeHttp();
    const big = content(10_000, 1);
    http.files.set(URL_A, big);
    http.ignoreRange = true;
    const error = await failure(http, { url: URL_A, fileOffset: 0, length: 100, fileLength: big.length });
    expect(http.requests[0]!.maxBytes).toBe(100);
    expect(error.message).toMatch(/larger than 100 bytes/);
  });

  it('404 is a retryable error naming the URL and status', async () => {
    const error = await failure(new FakeHttp());
    expect(error.fatal).toBe(false);
    expect(error.message).toBe('web seed http://h/a: HTTP 404');
  });

  it('416 means the server file is too short: fatal', async () => {
    const http = server();
    http.respond = () => ({ status: 416, headers: {}, body: new Uint8Array(0) });
    expect((await failure(http)).fatal).toBe(true);
  });

  it('503 with Retry-After in seconds gives the wait', async () => {
    const http = server();
    http.respond = () => ({ status: 503, headers: { 'retry-after': '120' }, body: new Uint8Array(0) });
    expect((await failure(http)).retryAfterMs).toBe(120_000);
  });

  it('a Retry-After date is ignored (no wall clock)', async () => {
    const http = server();
    http.respond = () => ({ status: 503, headers: { 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' }, body: new Uint8Array(0) });
    expect((await failure(http)).retryAfterMs).toBeUndefined();
  });

  it('a network error is wrapped with the URL', async () => {
    const http = server();
    http.respond = () => new Error('connection refused');
    expect((await failure(http)).message).toBe('web seed http://h/a: connection refused');
  });
});

describe('limits', () => {
  it('defaults are filled in and visible', () => {
    expect(resolveWebSeedLimits().maxRequestsInFlight).toBe(8);
  });

  it('a limit that is not a positive number is refused by name', () => {
    expect(() => resolveWebSeedLimits({ maxRequestsInFlight: 0 })).toThrow(/maxRequestsInFlight must be a positive number/);
  });
});
