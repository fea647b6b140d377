import { describe, expect, it } from 'vitest';
import { httpAnnounce, httpScrape } from '../../../src/engine/tracker/http-tracker.js';
import { resolveTrackerLimits } from '../../../src/engine/tracker/limits.js';
import type { AnnounceRequest } from '../../../src/engine/tracker/types.js';
import { FakeHttp, bencoded, raw } from './fakes.js';

const limits = resolveTrackerLimits({ httpTimeoutMs: 1234, maxResponseBytes: 5678 });
const request: AnnounceRequest = {
  infoHash: new Uint8Array(20).fill(1),
  peerId: new Uint8Array(20).fill(2),
  port: 6881,
  uploaded: 0,
  downloaded: 0,
  left: 100,
  key: 1,
  compact: true,
};

describe('HTTP tracker requests', () => {
  it('passes the timeout and the size limit to the HTTP client', async () => {
    const http = new FakeHttp();
    http.route('http://t/announce', () => bencoded({ interval: 60, peers: new Uint8Array(0) }));
    await httpAnnounce(http, 'http://t/announce', request, limits);
    expect(http.requests[0]).toMatchObject({ timeoutMs: 1234, maxBytes: 5678 });
  });

  it('turns a network failure into a tracker error', async () => {
    await expect(httpAnnounce(new FakeHttp(), 'http://t/announce', request, limits)).rejects.toMatchObject({
      kind: 'tracker',
      message: 'could not reach tracker: connect ECONNREFUSED',
    });
  });

  it('reports an HTTP error status', async () => {
    const http = new FakeHttp();
    http.route('http://t/announce', () => raw('Not Found', 404));
    await expect(httpAnnounce(http, 'http://t/announce', request, limits)).rejects.toThrow('tracker answered HTTP 404');
  });

  it('prefers a failure reason sent with an error status', async () => {
    const http = new FakeHttp();
    http.route('http://t/announce', () => bencoded({ 'failure reason': 'passkey invalid' }, 403));
    await expect(httpAnnounce(http, 'http://t/announce', request, limits)).rejects.toThrow('tracker said: passkey invalid');
  });

  it('scrapes through the derived scrape URL', async () => {
    const http = new FakeHttp();
    const key = String.fromCharCode(...request.infoHash);
    http.route('http://t/scrape', () => bencoded(new Map([['files', new Map([[key, { complete: 1, incomplete: 2, downloaded: 3 }]])]])));
    await expect(httpScrape(http, 'http://t/announce', request.infoHash, limits)).resolves.toEqual({ complete: 1, incomplete: 2, downloaded: 3 });
  });

  it('says scrape is unsupported when no scrape URL can be derived', async () => {
    await expect(httpScrape(new FakeHttp(), 'http://t/a', request.infoHash, limits)).rejects.toThrow('does not support scrape');
  });
});
