import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha1 } from '../../../src/engine/util/sha1.js';
import { toHex } from '../../../src/engine/util/bytes.js';

const reference = (data: Uint8Array): string => createHash('sha1').update(data).digest('hex');
const pattern = (length: number): Uint8Array => Uint8Array.from({ length }, (_, i) => (i * 31 + 7) & 0xff);

describe('sha1', () => {
  it('empty input (FIPS 180 vector)', () => {
    expect(toHex(sha1(new Uint8Array(0)))).toBe('da39a3ee5e6b4b0d3255bfef95601890afd80709');
  });
  it('"abc" (FIPS 180 vector)', () => {
    expect(toHex(sha1(new TextEncoder().encode('abc')))).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
  });
  for (const length of [1, 55, 56, 63, 64, 65, 119, 120, 127, 128, 1000]) {
    it(`matches node:crypto at padding boundary length ${length}`, () => {
      const data = pattern(length);
      expect(toHex(sha1(data))).toBe(reference(data));
    });
  }
  it('matches node:crypto on 3 MB and hashes a subarray view correctly', () => {
    const data = pattern(3_000_001);
    expect(toHex(sha1(data))).toBe(reference(data));
    const view = data.subarray(5, 1005);
    expect(toHex(sha1(view))).toBe(reference(view));
  });
});
