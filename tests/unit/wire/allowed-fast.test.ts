import { describe, expect, it } from 'vitest';
import { allowedFastSet } from '../../../src/engine/wire/allowed-fast.js';

// BEP 6's own example: 1313 pieces, infohash of twenty 0xAA bytes, peer 80.4.4.200.
const INFO_HASH = new Uint8Array(20).fill(0xaa);

describe('allowed-fast set (BEP 6)', () => {
  it('matches the BEP 6 test vector for k = 7', () => {
    expect(allowedFastSet('80.4.4.200', INFO_HASH, 1313, 7)).toEqual([1059, 431, 808, 1217, 287, 376, 1188]);
  });

  it('matches the BEP 6 test vector for k = 9 (the k = 7 set is its prefix)', () => {
    expect(allowedFastSet('80.4.4.200', INFO_HASH, 1313, 9)).toEqual([1059, 431, 808, 1217, 287, 376, 1188, 353, 508]);
  });

  it('depends on the /24 only', () => {
    expect(allowedFastSet('80.4.4.1', INFO_HASH, 1313, 9)).toEqual(allowedFastSet('80.4.4.200', INFO_HASH, 1313, 9));
    expect(allowedFastSet('80.4.5.200', INFO_HASH, 1313, 9)).not.toEqual(allowedFastSet('80.4.4.200', INFO_HASH, 1313, 9));
  });

  it('treats an IPv4-mapped IPv6 address as IPv4', () => {
    expect(allowedFastSet('::ffff:80.4.4.200', INFO_HASH, 1313, 7)).toEqual([1059, 431, 808, 1217, 287, 376, 1188]);
  });

  it('gives IPv6 peers a set per /48, of distinct in-range pieces', () => {
    const set = allowedFastSet('2001:db8:1:2::5', INFO_HASH, 1313, 10);
    expect(set).toHaveLength(10);
    expect(new Set(set).size).toBe(10);
    for (const i of set) expect(i >= 0 && i < 1313).toBe(true);
    expect(allowedFastSet('2001:db8:1:ffff::9', INFO_HASH, 1313, 10)).toEqual(set);
    expect(allowedFastSet('2001:db8:2:2::5', INFO_HASH, 1313, 10)).not.toEqual(set);
  });

  it('allows every piece when k is at least the piece count (the loop would not end)', () => {
    expect(allowedFastSet('10.0.0.1', INFO_HASH, 3, 10)).toEqual([0, 1, 2]);
    expect(allowedFastSet('10.0.0.1', INFO_HASH, 5, 5)).toEqual([0, 1, 2, 3, 4]);
  });

  it('is empty for k = 0, no pieces, or a host that is not an address', () => {
    expect(allowedFastSet('10.0.0.1', INFO_HASH, 100, 0)).toEqual([]);
    expect(allowedFastSet('10.0.0.1', INFO_HASH, 0, 10)).toEqual([]);
    expect(allowedFastSet('example.com', INFO_HASH, 100, 10)).toEqual([]);
  });
});
