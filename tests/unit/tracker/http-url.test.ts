import { describe, expect, it } from 'vitest';
import { buildAnnounceUrl, buildScrapeUrl, scrapeUrlFor } from '../../../src/engine/tracker/http-tracker.js';
import type { AnnounceRequest } from '../../../src/engine/tracker/types.js';
import { query } from './fakes.js';

const infoHash = Uint8Array.from({ length: 20 }, (_, i) => [0x00, 0x41, 0xff, 0x20, 0x7e][i % 5]!);
const peerId = new TextEncoder().encode('-TE0001-abcdefghijkl');

function request(extra: Partial<AnnounceRequest> = {}): AnnounceRequest {
  return { infoHash, peerId, port: 6881, uploaded: 1, downloaded: 2, left: 3, key: 0xabc, compact: true, ...extra };
}

describe('HTTP announce URL (BEP 3)', () => {
  it('percent-encodes every non-unreserved byte of the binary info hash', () => {
    const url = buildAnnounceUrl('http://t.example/announce', request());
    expect(query(url).get('info_hash')).toBe('%00A%FF%20~'.repeat(4));
  });

  it('keeps unreserved peer id characters as they are', () => {
    expect(query(buildAnnounceUrl('http://t/announce', request())).get('peer_id')).toBe('-TE0001-abcdefghijkl');
  });

  it('sends port, counters, compact=1 and the key as 8 hex digits', () => {
    const q = query(buildAnnounceUrl('http://t/announce', request()));
    expect(q.get('port')).toBe('6881');
    expect(q.get('uploaded')).toBe('1');
    expect(q.get('downloaded')).toBe('2');
    expect(q.get('left')).toBe('3');
    expect(q.get('compact')).toBe('1');
    expect(q.get('key')).toBe('00000ABC');
  });

  it('appends to a URL that already has a query (private tracker passkey)', () => {
    const url = buildAnnounceUrl('http://t/announce.php?passkey=abc', request());
    expect(url.startsWith('http://t/announce.php?passkey=abc&info_hash=')).toBe(true);
  });

  it('does not double the separator when the URL ends with ? or &', () => {
    expect(buildAnnounceUrl('http://t/a?', request())).toMatch(/^http:\/\/t\/a\?info_hash=/);
    expect(buildAnnounceUrl('http://t/a?x=1&', request())).toMatch(/^http:\/\/t\/a\?x=1&info_hash=/);
  });

  it('drops a fragment instead of putting the query inside it', () => {
    expect(buildAnnounceUrl('http://t/announce#frag', request())).toMatch(/^http:\/\/t\/announce\?info_hash=/);
  });

  it('omits event and numwant when not given', () => {
    const q = query(buildAnnounceUrl('http://t/announce', request()));
    expect(q.has('event')).toBe(false);
    expect(q.has('numwant')).toBe(false);
  });

  it('sends event, numwant and an echoed binary tracker id', () => {
    const q = query(buildAnnounceUrl('http://t/announce', request({ event: 'started', numWant: 50, trackerId: 'a\u00ff b' })));
    expect(q.get('event')).toBe('started');
    expect(q.get('numwant')).toBe('50');
    expect(q.get('trackerid')).toBe('a%FF%20b');
  });

  it('writes large counters as plain integers, never in exponent form', () => {
    const q = query(buildAnnounceUrl('http://t/announce', request({ left: 2 ** 40 + 0.5 })));
    expect(q.get('left')).toBe(String(2 ** 40));
  });
});

describe('scrape URL (BEP 48)', () => {
  it('replaces announce with scrape in the last path segment', () => {
    expect(scrapeUrlFor('http://t.example:8080/announce')).toBe('http://t.example:8080/scrape');
  });

  it('keeps a suffix after "announce" and the query', () => {
    expect(scrapeUrlFor('http://t/x/announce.php?passkey=1')).toBe('http://t/x/scrape.php?passkey=1');
  });

  it('has no scrape when the last segment does not start with announce', () => {
    expect(scrapeUrlFor('http://t/announce/x')).toBeNull();
    expect(scrapeUrlFor('http://t/a')).toBeNull();
  });

  it('ignores a slash inside the query', () => {
    expect(scrapeUrlFor('http://t/announce?next=/foo')).toBe('http://t/scrape?next=/foo');
  });

  it('adds the percent-encoded info hash to the scrape URL', () => {
    expect(buildScrapeUrl('http://t/scrape?k=1', infoHash)).toBe(`http://t/scrape?k=1&info_hash=${'%00A%FF%20~'.repeat(4)}`);
  });
});
