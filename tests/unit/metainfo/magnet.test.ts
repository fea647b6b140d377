import { describe, expect, it } from 'vitest';
import { formatMagnet, parseMagnet, parseTorrent, toMagnet } from '../../../src/engine/metainfo/index.js';
import { TorrentError } from '../../../src/engine/util/errors.js';
import { singleInfo, torrentBytes } from './helpers.js';

const HEX = 'c12fe1c06bba254a9dc9f519b335aa7c1367a88a';
// The same 20 bytes in RFC 4648 base32.
const BASE32 = 'YEX6DQDLXISUVHOJ6UM3GNNKPQJWPKEK';

function expectMagnetError(uri: string, message: string | RegExp): void {
  let caught: unknown;
  try {
    parseMagnet(uri);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(TorrentError);
  expect((caught as TorrentError).kind).toBe('magnet');
  expect((caught as TorrentError).message).toMatch(message);
}

describe('parseMagnet: good links', () => {
  it('hex infohash only', () => {
    const link = parseMagnet(`magnet:?xt=urn:btih:${HEX}`);
    expect(link.infoHashHex).toBe(HEX);
    expect(link.infoHash.length).toBe(20);
    expect(link.trackers).toEqual([]);
    expect(link.name).toBeUndefined();
  });
  it('uppercase hex is normalized to lowercase', () => {
    expect(parseMagnet(`magnet:?xt=urn:btih:${HEX.toUpperCase()}`).infoHashHex).toBe(HEX);
  });
  it('base32 infohash', () => {
    expect(parseMagnet(`magnet:?xt=urn:btih:${BASE32}`).infoHashHex).toBe(HEX);
  });
  it('lowercase base32 infohash', () => {
    expect(parseMagnet(`magnet:?xt=urn:btih:${BASE32.toLowerCase()}`).infoHashHex).toBe(HEX);
  });
  it('dn, several tr (deduplicated), ws', () => {
    const link = parseMagnet(
      `magnet:?xt=urn:btih:${HEX}&dn=My%20Show%20S01&tr=udp%3A%2F%2Ft1%3A80&tr=http%3A%2F%2Ft2%2Fann&tr=udp%3A%2F%2Ft1%3A80&ws=http%3A%2F%2Fseed%2F`,
    );
    expect(link.name).toBe('My Show S01');
    expect(link.trackers).toEqual(['udp://t1:80', 'http://t2/ann']);
    expect(link.webSeeds).toEqual(['http://seed/']);
  });
  it('dn with + for spaces', () => {
    expect(parseMagnet(`magnet:?xt=urn:btih:${HEX}&dn=a+b`).name).toBe('a b');
  });
  it('numbered keys tr.1, tr.2', () => {
    expect(parseMagnet(`magnet:?xt.1=urn:btih:${HEX}&tr.1=udp://a:1&tr.2=udp://b:2`).trackers).toEqual(['udp://a:1', 'udp://b:2']);
  });
  it('x.pe peers, IPv4, hostname and [IPv6]', () => {
    const link = parseMagnet(`magnet:?xt=urn:btih:${HEX}&x.pe=1.2.3.4:6881&x.pe=peer.example:51413&x.pe=%5B2001%3Adb8%3A%3A1%5D%3A6881`);
    expect(link.peers).toEqual([
      { host: '1.2.3.4', port: 6881 },
      { host: 'peer.example', port: 51413 },
      { host: '2001:db8::1', port: 6881 },
    ]);
  });
  it('malformed x.pe entries are skipped', () => {
    expect(parseMagnet(`magnet:?xt=urn:btih:${HEX}&x.pe=nope&x.pe=1.2.3.4:0&x.pe=1.2.3.4:70000&x.pe=2001:db8::1:80`).peers).toEqual([]);
  });
  it('so= selects files, with ranges (BEP 53)', () => {
    expect(parseMagnet(`magnet:?xt=urn:btih:${HEX}&so=0,2,4-6`).selectOnly).toEqual([0, 2, 4, 5, 6]);
  });
  it('hybrid link with btih and btmh uses the v1 hash and keeps the v2 one (BEP 52)', () => {
    const link = parseMagnet(`magnet:?xt=urn:btmh:1220${'AB'.repeat(32)}&xt=urn:btih:${HEX}`);
    expect(link.infoHashHex).toBe(HEX);
    expect(link.infoHashV2Hex).toBe('ab'.repeat(32));
  });
  it('a v1 link has no v2 hash', () => {
    expect(parseMagnet(`magnet:?xt=urn:btih:${HEX}`).infoHashV2Hex).toBeUndefined();
  });
  it('formatMagnet writes btmh as a SHA-256 multihash after btih, and it parses back', () => {
    const uri = formatMagnet({ infoHashHex: HEX, infoHashV2Hex: 'cd'.repeat(32), name: 'x' });
    expect(uri).toBe(`magnet:?xt=urn:btih:${HEX}&xt=urn:btmh:1220${'cd'.repeat(32)}&dn=x`);
    expect(parseMagnet(uri).infoHashV2Hex).toBe('cd'.repeat(32));
  });
  it('unknown keys are ignored; surrounding whitespace trimmed', () => {
    expect(parseMagnet(`  magnet:?xl=123&xt=urn:btih:${HEX}&kt=a+b  `).infoHashHex).toBe(HEX);
  });
  it('MAGNET: prefix in capitals', () => {
    expect(parseMagnet(`MAGNET:?xt=urn:btih:${HEX}`).infoHashHex).toBe(HEX);
  });
});

describe('parseMagnet: bad links', () => {
  it('not a magnet', () => expectMagnetError('http://example.com/', 'magnet: not a magnet link (it must start with "magnet:?")'));
  it('missing xt', () => expectMagnetError('magnet:?dn=x', 'magnet: link has no info hash (xt=urn:btih:…)'));
  it('hash of the wrong length', () => expectMagnetError(`magnet:?xt=urn:btih:${HEX.slice(1)}`, 'magnet: info hash must be 40 hex or 32 base32 characters, not 39'));
  it('40 characters that are not hex', () => expectMagnetError(`magnet:?xt=urn:btih:${'g'.repeat(40)}`, /must be hex/));
  it('32 characters that are not base32', () => expectMagnetError(`magnet:?xt=urn:btih:${'1'.repeat(32)}`, /not base32/));
  it('btmh that is not a SHA-256 multihash', () => expectMagnetError(`magnet:?xt=urn:btih:${HEX}&xt=urn:btmh:1320${'ab'.repeat(32)}`, /1220 followed by 64 hex/));
  it('btmh of the wrong length', () => expectMagnetError(`magnet:?xt=urn:btih:${HEX}&xt=urn:btmh:1220${'ab'.repeat(20)}`, /1220 followed by 64 hex/));
  it('v2-only magnet', () => expectMagnetError(`magnet:?xt=urn:btmh:1220${'ab'.repeat(32)}`, /v2-only torrents are not supported/));
  it('bad percent-encoding', () => expectMagnetError(`magnet:?xt=urn:btih:${HEX}&dn=%E0%A4%A`, 'magnet: bad percent-encoding in dn='));
  it('bad so=', () => expectMagnetError(`magnet:?xt=urn:btih:${HEX}&so=a-b`, /so= must list file indexes/));
  it('backwards so= range', () => expectMagnetError(`magnet:?xt=urn:btih:${HEX}&so=5-2`, /runs backwards/));
  it('so= range too large to expand', () => expectMagnetError(`magnet:?xt=urn:btih:${HEX}&so=0-999999999`, /more than 100000 files/));
  it('absurdly long link', () => expectMagnetError(`magnet:?xt=urn:btih:${HEX}&dn=${'a'.repeat(70000)}`, /limit 65536/));
});

describe('toMagnet / formatMagnet', () => {
  it('round-trips through parseMagnet', () => {
    const meta = parseTorrent(torrentBytes(singleInfo({ name: 'a b&c' }), { 'announce-list': [['udp://t:1'], ['http://t2/a?x=1&y=2']], 'url-list': 'http://s/' }));
    const link = parseMagnet(toMagnet(meta));
    expect(link.infoHashHex).toBe(meta.infoHashHex);
    expect(link.name).toBe('a b&c');
    expect(link.trackers).toEqual(['udp://t:1', 'http://t2/a?x=1&y=2']);
    expect(link.webSeeds).toEqual(['http://s/']);
  });
  it('formats peers and so= ranges', () => {
    const uri = formatMagnet({ infoHashHex: HEX, peers: [{ host: '::1', port: 5 }], selectOnly: [0, 2, 3, 4] });
    expect(uri).toBe(`magnet:?xt=urn:btih:${HEX}&x.pe=%5B%3A%3A1%5D%3A5&so=0,2-4`);
    expect(parseMagnet(uri).peers).toEqual([{ host: '::1', port: 5 }]);
  });
});
