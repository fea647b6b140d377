import { describe, expect, it } from 'vitest';
import {
  encodeCompactPeers,
  encodeCompactPeers6,
  parseCompactPeers,
  parseCompactPeers6,
} from '../../../src/engine/wire/compact-peers.js';
import { formatIPv6, parseIPv4, parseIPv6 } from '../../../src/engine/wire/ip-address.js';

const v6 = (text: string): string => formatIPv6(parseIPv6(text)!);

describe('compact peers (BEP 23, BEP 7)', () => {
  it('parses IPv4 entries with big-endian ports', () => {
    expect(parseCompactPeers(Uint8Array.of(10, 0, 0, 1, 0x1a, 0xe1, 192, 168, 1, 255, 0xff, 0xff))).toEqual([
      { host: '10.0.0.1', port: 6881 },
      { host: '192.168.1.255', port: 65535 },
    ]);
  });

  it('parses an empty list', () => {
    expect(parseCompactPeers(new Uint8Array(0))).toEqual([]);
  });

  it('rejects an IPv4 list whose length is not a multiple of 6', () => {
    expect(() => parseCompactPeers(new Uint8Array(7))).toThrow(/multiple of 6/);
  });

  it('rejects an IPv6 list whose length is not a multiple of 18', () => {
    expect(() => parseCompactPeers6(new Uint8Array(17))).toThrow(/multiple of 18/);
  });

  it('reads at most maxPeers entries', () => {
    expect(parseCompactPeers(new Uint8Array(60), 3)).toHaveLength(3);
  });

  it('round trips IPv4', () => {
    const peers = [
      { host: '1.2.3.4', port: 1 },
      { host: '255.255.255.255', port: 65535 },
    ];
    expect(parseCompactPeers(encodeCompactPeers(peers))).toEqual(peers);
  });

  it('round trips IPv6 with canonical text', () => {
    const peers = [
      { host: '::1', port: 6881 },
      { host: '2001:db8::ff00:42:8329', port: 443 },
    ];
    const encoded = encodeCompactPeers6(peers);
    expect(encoded).toHaveLength(36);
    expect(parseCompactPeers6(encoded)).toEqual(peers);
  });

  it('refuses to encode a host of the wrong family', () => {
    expect(() => encodeCompactPeers([{ host: '::1', port: 1 }])).toThrow(/IPv4/);
    expect(() => encodeCompactPeers6([{ host: 'example.com', port: 1 }])).toThrow(/IPv6/);
  });

  it('refuses to encode a bad port', () => {
    expect(() => encodeCompactPeers([{ host: '1.2.3.4', port: 65536 }])).toThrow(/port/);
  });
});

describe('IPv6 text (RFC 5952)', () => {
  it('loopback is ::1', () => expect(v6('0:0:0:0:0:0:0:1')).toBe('::1'));
  it('all zeros is ::', () => expect(v6('0:0:0:0:0:0:0:0')).toBe('::'));
  it('drops leading zeros and lower-cases', () => expect(v6('2001:0DB8:0:0:0:0:0:0001')).toBe('2001:db8::1'));
  it('shortens the longest zero run', () => expect(v6('2001:0:0:1:0:0:0:1')).toBe('2001:0:0:1::1'));
  it('shortens the first of equal runs', () => expect(v6('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1'));
  it('does not shorten a single zero group', () => expect(v6('2001:db8:0:1:1:1:1:1')).toBe('2001:db8:0:1:1:1:1:1'));
  it('keeps IPv4-mapped addresses dotted', () => expect(v6('::ffff:c000:0280')).toBe('::ffff:192.0.2.128'));
  it('parses a dotted tail', () => expect(v6('::ffff:1.2.3.4')).toBe('::ffff:1.2.3.4'));
  it('parses brackets', () => expect(v6('[fe80::1]')).toBe('fe80::1'));
  it('rejects two "::"', () => expect(parseIPv6('1::2::3')).toBeNull());
  it('rejects too many groups', () => expect(parseIPv6('1:2:3:4:5:6:7:8:9')).toBeNull());
  it('rejects "::" with eight groups', () => expect(parseIPv6('1:2:3:4::5:6:7:8')).toBeNull());
  it('rejects a dotted part that is not last', () => expect(parseIPv6('1.2.3.4::')).toBeNull());
  it('rejects a group of five digits', () => expect(parseIPv6('12345::')).toBeNull());
});

describe('IPv4 text', () => {
  it('rejects leading zeros (octal ambiguity)', () => expect(parseIPv4('01.2.3.4')).toBeNull());
  it('rejects an octet over 255', () => expect(parseIPv4('1.2.3.256')).toBeNull());
  it('rejects three parts', () => expect(parseIPv4('1.2.3')).toBeNull());
  it('accepts 0.0.0.0', () => expect(parseIPv4('0.0.0.0')).toEqual(new Uint8Array(4)));
});
