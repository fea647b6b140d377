import { describe, expect, it } from 'vitest';
import { WebCryptoHasher } from '../../../src/platform/webcrypto-hasher.js';
import { NodeHasher } from '../../../src/platform/node/node-hasher.js';
import { toHex, utf8 } from '../../../src/engine/util/bytes.js';
import type { Hasher } from '../../../src/platform/interfaces/hash.js';

// FIPS 180 test vectors.
const ABC_SHA1 = 'a9993e364706816aba3e25717850c26c9cd0d89d';
const ABC_SHA256 = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
const EMPTY_SHA1 = 'da39a3ee5e6b4b0d3255bfef95601890afd80709';

for (const [name, hasher] of [
  ['WebCryptoHasher', new WebCryptoHasher()],
  ['NodeHasher', new NodeHasher()],
] as Array<[string, Hasher]>) {
  describe(name, () => {
    it('sha1("abc") matches the FIPS 180 vector', async () => {
      expect(toHex(await hasher.sha1(utf8('abc')))).toBe(ABC_SHA1);
    });

    it('sha1 of nothing', async () => {
      expect(toHex(await hasher.sha1(new Uint8Array(0)))).toBe(EMPTY_SHA1);
    });

    it('sha256("abc") matches the FIPS 180 vector', async () => {
      expect(toHex(await hasher.sha256(utf8('abc')))).toBe(ABC_SHA256);
    });

    it('hashes only the view, not the whole underlying buffer', async () => {
      const padded = utf8('xxabcxx');
      expect(toHex(await hasher.sha1(padded.subarray(2, 5)))).toBe(ABC_SHA1);
    });
  });
}
