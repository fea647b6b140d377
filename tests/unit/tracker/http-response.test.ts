import { describe, expect, it } from 'vitest';
import { encode, type BEncodable } from '../../../src/engine/bencode/index.js';
import { parseAnnounceResponse, parseScrapeResponse } from '../../../src/engine/tracker/http-response.js';
import { resolveTrackerLimits } from '../../../src/engine/tracker/limits.js';
import { TorrentError } from '../../../src/engine/util/errors.js';

const limits = resolveTrackerLimits();
const bytes = (...b: number[]) => Uint8Array.from(b);
const text = (s: string) => new TextEncoder().encode(s);
const announce = (v: BEncodable, l = limits) => parseAnnounceResponse(encode(v), l);

function expectTrackerError(fn: () => unknown, message: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(TorrentError);
  expect((caught as TorrentError).kind).toBe('tracker');
  expect((caught as TorrentError).message).toMatch(message);
}

describe('HTTP announce response', () => {
  it('turns a failure reason into a tracker error naming it', () => {
    expectTrackerError(() => announce({ 'failure reason': text('unregistered torrent') }), /^tracker said: unregistered torrent$/);
  });

  it('reports a failure reason that is not a string without crashing', () => {
    expectTrackerError(() => announce({ 'failure reason': 5 }), /^tracker said: unknown reason$/);
  });

  it('parses compact IPv4 peers (BEP 23)', () => {
    const r = announce({ interval: 1800, peers: bytes(10, 0, 0, 1, 0x1a, 0xe1, 192, 168, 1, 2, 0, 80) });
    expect(r.peers).toEqual([
      { host: '10.0.0.1', port: 6881 },
      { host: '192.168.1.2', port: 80 },
    ]);
    expect(r.interval).toBe(1800);
  });

  it('ignores a trailing partial compact entry', () => {
    const r = announce({ interval: 60, peers: bytes(10, 0, 0, 1, 0x1a, 0xe1, 1, 2, 3) });
    expect(r.peers).toEqual([{ host: '10.0.0.1', port: 6881 }]);
  });

  it('drops compact peers with port 0', () => {
    expect(announce({ interval: 60, peers: bytes(10, 0, 0, 1, 0, 0) }).peers).toEqual([]);
  });

  it('parses the dictionary peer list, skipping malformed entries', () => {
    const r = announce({
      interval: 60,
      peers: [
        { ip: text('1.2.3.4'), port: 6881, 'peer id': new Uint8Array(20) },
        { ip: text('::1'), port: 51413 },
        { ip: text('5.6.7.8') },
        { ip: text('5.6.7.8'), port: 70000 },
        { ip: 7, port: 1 },
        text('not a dict'),
      ],
    });
    expect(r.peers).toEqual([
      { host: '1.2.3.4', port: 6881 },
      { host: '::1', port: 51413 },
    ]);
  });

  it('parses peers6 (BEP 7) alongside IPv4 peers', () => {
    const v6 = new Uint8Array(18);
    v6[15] = 1;
    v6[16] = 0x1a;
    v6[17] = 0xe1;
    const r = announce({ interval: 60, peers: bytes(1, 2, 3, 4, 0, 1), peers6: v6 });
    expect(r.peers).toEqual([
      { host: '1.2.3.4', port: 1 },
      { host: '::1', port: 6881 },
    ]);
  });

  it('keeps at most maxPeersPerResponse peers', () => {
    const many = new Uint8Array(6 * 50).map((_, i) => (i % 6 === 5 ? 1 : 9));
    const r = announce({ interval: 60, peers: many }, resolveTrackerLimits({ maxPeersPerResponse: 7 }));
    expect(r.peers).toHaveLength(7);
  });

  it('reads min interval, complete, incomplete, warning and tracker id', () => {
    const r = announce({
      interval: 900,
      'min interval': 300,
      complete: 4,
      incomplete: 9,
      'warning message': text('slow down'),
      'tracker id': bytes(0xff, 0x00, 0x41),
      peers: new Uint8Array(0),
    });
    expect(r).toEqual({ interval: 900, minInterval: 300, complete: 4, incomplete: 9, warning: 'slow down', trackerId: '\u00ff\u0000A', peers: [] });
  });

  it('uses the default interval when the tracker omits it but sends peers', () => {
    expect(announce({ peers: new Uint8Array(0) }).interval).toBe(limits.defaultIntervalSec);
  });

  it('ignores a negative interval', () => {
    expect(announce({ interval: -5, peers: new Uint8Array(0) }).interval).toBe(limits.defaultIntervalSec);
  });

  it('refuses a dictionary with neither interval nor peers', () => {
    expectTrackerError(() => announce({ hello: 1 }), /invalid response/);
  });

  it('refuses peers of the wrong type', () => {
    expectTrackerError(() => announce({ interval: 60, peers: 12 }), /"peers"/);
  });

  it('refuses a body that is not bencode (an HTML error page)', () => {
    expectTrackerError(() => parseAnnounceResponse(text('<html>502 Bad Gateway</html>'), limits), /not bencoded/);
  });

  it('refuses bencode that is not a dictionary', () => {
    expectTrackerError(() => parseAnnounceResponse(text('li1ee'), limits), /not a bencoded dictionary/);
  });

  it('refuses an empty body', () => {
    expectTrackerError(() => parseAnnounceResponse(new Uint8Array(0), limits), /invalid response/);
  });

  it('refuses truncated bencode', () => {
    expectTrackerError(() => parseAnnounceResponse(text('d8:intervali60e5:peers6:ab'), limits), /not bencoded/);
  });

  it('refuses an oversize response before decoding it', () => {
    const body = encode({ interval: 60, peers: new Uint8Array(200) });
    expectTrackerError(() => parseAnnounceResponse(body, resolveTrackerLimits({ maxResponseBytes: 100 })), /larger than 100 bytes/);
  });

  it('cuts a huge failure reason to maxMessageLength', () => {
    const l = resolveTrackerLimits({ maxMessageLength: 10 });
    expectTrackerError(() => announce({ 'failure reason': text('x'.repeat(5000)) }, l), /^tracker said: x{10}$/);
  });

  it('survives deep nesting garbage with a clean error', () => {
    expectTrackerError(() => parseAnnounceResponse(text('l'.repeat(100_000)), limits), /invalid response/);
  });
});

describe('HTTP scrape response (BEP 48)', () => {
  const hash = Uint8Array.from({ length: 20 }, (_, i) => 200 + (i % 50));
  const key = String.fromCharCode(...hash);

  it('reads the entry for our binary info hash', () => {
    const body = encode(new Map([['files', new Map([[key, { complete: 3, incomplete: 4, downloaded: 5 }]])]]));
    expect(parseScrapeResponse(body, hash, limits)).toEqual({ complete: 3, incomplete: 4, downloaded: 5 });
  });

  it('says when the tracker does not know the torrent', () => {
    expectTrackerError(() => parseScrapeResponse(encode({ files: {} }), hash, limits), /no scrape data/);
  });

  it('refuses a response without files', () => {
    expectTrackerError(() => parseScrapeResponse(encode({ x: 1 }), hash, limits), /no "files"/);
  });

  it('reports a scrape failure reason', () => {
    expectTrackerError(() => parseScrapeResponse(encode({ 'failure reason': text('no scrape') }), hash, limits), /tracker said: no scrape/);
  });
});
