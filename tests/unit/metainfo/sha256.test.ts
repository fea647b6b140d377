import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../../../src/engine/util/sha256.js';
import { toHex } from '../../../src/engine/util/bytes.js';

const reference = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');
const pattern = (length: number): Uint8Array => Uint8Array.from({ length }, (_, i) => (i * 31 + 7) & 0xff);

describe('sha256', () => {
  it('empty input (FIPS 180 vector)', () => {
    expect(toHex(sha256(new Uint8Array(0)))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
  it('"abc" (FIPS 180 vector)', () => {
    expect(toHex(sha256(new TextEncoder().encode('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
  for (const length of [1, 55, 56, 63, 64, 65, 119, 120, 127, 128, 1000, 16384]) {
    it(`matches node:crypto at padding boundary length ${length}`, () => {
      const data = pattern(length);
      expect(toHex(sha256(data))).toBe(reference(data));
    });
  }
  it('matches node:crypto on 3 MB and hashes a subarray view correctly', () => {
    const data = pattern(3_000_001);
    expect(toHex(sha256(data))).toBe(reference(data));
    const view = data.subarray(5, 1005);
    expect(toHex(sha256(view))).toBe(reference(view));
  });
});
