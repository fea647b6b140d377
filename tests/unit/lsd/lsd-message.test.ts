import { describe, expect, it } from 'vitest';
import { DEFAULT_LSD_LIMITS, encodeLsdAnnounce, parseLsdAnnounce } from '../../../src/engine/lsd/index.js';

const A = 'aa'.repeat(20);
const B = '0123456789ABCDEF0123456789abcdef01234567';
const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));
const parse = (text: string) => parseLsdAnnounce(ascii(text), DEFAULT_LSD_LIMITS);

describe('BEP 14 announce messages', () => {
  it('encodes the BEP 14 layout byte for byte', () => {
    const bytes = encodeLsdAnnounce('239.192.152.143:6771', { port: 6881, infoHashes: [A], cookie: 'c00k1e' });
    expect(String.fromCharCode(...bytes)).toBe(
      `BT-SEARCH * HTTP/1.1\r\nHost: 239.192.152.143:6771\r\nPort: 6881\r\nInfohash: ${A}\r\ncookie: c00k1e\r\n\r\n\r\n`,
    );
  });

  it('round-trips several infohashes, lower-cased and de-duplicated', () => {
    const bytes = encodeLsdAnnounce('[ff15::efc0:988f]:6771', { port: 51413, infoHashes: [A, B, A], cookie: 'x' });
    expect(parseLsdAnnounce(bytes, DEFAULT_LSD_LIMITS)).toEqual({ port: 51413, infoHashes: [A, B.toLowerCase()], cookie: 'x' });
  });

  it('reads header names in any case, bare \\n line ends, no cookie, and ignores unknown headers', () => {
    expect(parse(`BT-SEARCH * HTTP/1.1\nhost: x\nPORT: 7000\nX-Future: 1\ninfohash: ${A}\n\n`)).toEqual({ port: 7000, infoHashes: [A] });
  });

  it('skips infohash values that are not 40 hex digits but needs one that is', () => {
    expect(parse(`BT-SEARCH * HTTP/1.1\r\nPort: 1\r\nInfohash: zz\r\nInfohash: ${A}\r\n\r\n`).infoHashes).toEqual([A]);
    expect(() => parse(`BT-SEARCH * HTTP/1.1\r\nPort: 1\r\nInfohash: ${'a'.repeat(64)}\r\n\r\n`)).toThrow(/no valid Infohash/);
  });

  it('refuses other requests, a missing or bad port, and binary junk', () => {
    expect(() => parse(`M-SEARCH * HTTP/1.1\r\nPort: 1\r\nInfohash: ${A}\r\n\r\n`)).toThrow(/not a BT-SEARCH/);
    expect(() => parse(`BT-SEARCH * HTTP/1.1\r\nInfohash: ${A}\r\n\r\n`)).toThrow(/no Port/);
    for (const port of ['0', '65536', '-1', '12ab', '']) {
      expect(() => parse(`BT-SEARCH * HTTP/1.1\r\nPort: ${port}\r\nInfohash: ${A}\r\n\r\n`)).toThrow(/bad Port/);
    }
    expect(() => parseLsdAnnounce(Uint8Array.of(0x42, 0x54, 0xff, 0x00), DEFAULT_LSD_LIMITS)).toThrow(/ASCII/);
    expect(() => parse(`BT-SEARCH * HTTP/1.1\r\nno colon here\r\n\r\n`)).toThrow(/without a name/);
  });

  it('enforces its limits: datagram size, header count, infohashes kept, cookie length', () => {
    const limits = { ...DEFAULT_LSD_LIMITS, maxIncomingBytes: 200, maxHeaders: 4, maxInfohashes: 2, maxCookieLength: 5 };
    expect(() => parseLsdAnnounce(new Uint8Array(201).fill(0x41), limits)).toThrow(/201 bytes/);
    const many = `BT-SEARCH * HTTP/1.1\r\nPort: 1\r\n${'X: y\r\n'.repeat(4)}\r\n`;
    expect(() => parseLsdAnnounce(ascii(many), limits)).toThrow(/more than 4 header/);
    const hashes = [A, B, 'bb'.repeat(20)].map((h) => `Infohash: ${h}\r\n`).join('');
    const parsed = parseLsdAnnounce(ascii(`BT-SEARCH * HTTP/1.1\r\nPort: 1\r\n${hashes}\r\n`), { ...limits, maxIncomingBytes: 2048, maxHeaders: 10 });
    expect(parsed.infoHashes).toEqual([A, B.toLowerCase()]);
    expect(parseLsdAnnounce(ascii(`BT-SEARCH * HTTP/1.1\r\nPort: 1\r\nInfohash: ${A}\r\ncookie: 0123456789\r\n\r\n`), { ...limits, maxIncomingBytes: 2048 }).cookie).toBe('01234');
  });
});
