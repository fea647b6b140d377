import { describe, expect, it } from 'vitest';
import { IpBlocklist } from '../../../src/engine/policy/ip-blocklist.js';

describe('IpBlocklist', () => {
  it('reads CIDR blocks and single addresses', () => {
    const list = IpBlocklist.parse('192.0.2.0/24\n198.51.100.7\n0.0.0.0/32\n');
    expect(list.blocks('192.0.2.0')).toBe(true);
    expect(list.blocks('192.0.2.255')).toBe(true);
    expect(list.blocks('192.0.3.0')).toBe(false);
    expect(list.blocks('198.51.100.7')).toBe(true);
    expect(list.blocks('198.51.100.8')).toBe(false);
    expect(list.blocks('0.0.0.0')).toBe(true);
  });

  it('reads the P2P range format, names with colons and zero-padded parts included', () => {
    const list = IpBlocklist.parse('Some Org: evil:corp:001.002.003.004-001.002.003.010\nbare range 5.5.5.5 - 5.5.5.6 is not the format\n'.split('\n')[0] + '\n5.5.5.5-5.5.5.6\n');
    expect(list.blocks('1.2.3.4')).toBe(true);
    expect(list.blocks('1.2.3.10')).toBe(true);
    expect(list.blocks('1.2.3.11')).toBe(false);
    expect(list.blocks('1.2.3.3')).toBe(false);
    expect(list.blocks('5.5.5.6')).toBe(true);
  });

  it('skips comments and blank lines, tolerates CRLF', () => {
    const list = IpBlocklist.parse('# comment\r\n// another\r\n\r\n  10.1.0.0/16  \r\n');
    expect(list.entryCount).toBe(1);
    expect(list.blocks('10.1.255.255')).toBe(true);
  });

  it('merges overlapping and touching ranges', () => {
    const list = IpBlocklist.parse('a:1.0.0.0-1.0.0.10\nb:1.0.0.5-1.0.0.20\nc:1.0.0.21-1.0.0.30\n2.0.0.0/8\n');
    expect(list.rangeCount).toBe(2);
    expect(list.blocks('1.0.0.30')).toBe(true);
    expect(list.blocks('1.0.0.31')).toBe(false);
  });

  it('reads IPv6 CIDR, and an IPv4-mapped address is its IPv4 address', () => {
    const list = IpBlocklist.parse('2001:db8::/32\n203.0.113.0/24\n');
    expect(list.blocks('2001:db8:ffff::1')).toBe(true);
    expect(list.blocks('2001:db9::1')).toBe(false);
    expect(list.blocks('::ffff:203.0.113.9')).toBe(true);
    expect(list.blocks('[2001:db8::1]')).toBe(true);
  });

  it('does not block host names or garbage', () => {
    const list = IpBlocklist.parse('0.0.0.0/0\n');
    expect(list.blocks('8.8.8.8')).toBe(true);
    expect(list.blocks('example.com')).toBe(false);
  });

  it('names the bad line', () => {
    expect(() => IpBlocklist.parse('1.2.3.4\nnot an address\n')).toThrow(/line 2: not an address/);
    expect(() => IpBlocklist.parse('x:1.2.3.9-1.2.3.4')).toThrow(/line 1: range ends before it starts/);
    expect(() => IpBlocklist.parse('1.2.3.4/33')).toThrow(/line 1: prefix length/);
    expect(() => IpBlocklist.parse('x:1.2.3.256-1.2.3.4')).toThrow(/line 1: not an IPv4 range/);
    expect(() => IpBlocklist.parse('2001:db8::/129')).toThrow(/prefix length must be 0 to 128/);
  });

  it('enforces its limits with a clear error', () => {
    expect(() => IpBlocklist.parse('1.2.3.4\n'.repeat(4), { maxEntries: 3 })).toThrow(/more than 3 entries/);
    expect(() => IpBlocklist.parse(`# ${'x'.repeat(50)}`, { maxLineLength: 20 })).toThrow(/line 1: longer than 20/);
    expect(() => IpBlocklist.parse('1.2.3.4\n', { maxBytes: 4 })).toThrow(/too large/);
    expect(() => IpBlocklist.parse(new Uint8Array([0x1f, 0x8b, 8, 0]))).toThrow(/gzip/);
  });

  it('looks up a large list quickly', () => {
    const lines: string[] = [];
    for (let i = 0; i < 200_000; i++) lines.push(`r${i}:${(i >> 8) & 255}.${i & 255}.0.0-${(i >> 8) & 255}.${i & 255}.0.${i % 200}`);
    const list = IpBlocklist.parse(lines.join('\n'));
    const started = performance.now();
    let hits = 0;
    for (let i = 0; i < 100_000; i++) if (list.blocks(`${i & 255}.${(i >> 8) & 255}.0.1`)) hits++;
    expect(hits).toBeGreaterThan(0);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
