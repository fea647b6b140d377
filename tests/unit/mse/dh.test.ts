import { describe, expect, it } from 'vitest';
import { bigIntToBytes, DH_PRIME, dhSharedSecret, generateDhKeyPair } from '../../../src/engine/crypto/mse/dh.js';
import { toHex } from '../../../src/engine/util/bytes.js';
import { seededBytes } from './helpers.js';

describe('MSE Diffie-Hellman', () => {
  it('both sides derive the same 96-byte secret', () => {
    const a = generateDhKeyPair(seededBytes(1));
    const b = generateDhKeyPair(seededBytes(2));
    expect(a.publicKey.length).toBe(96);
    const sa = dhSharedSecret(a.privateKey, b.publicKey);
    expect(sa.length).toBe(96);
    expect(toHex(sa)).toBe(toHex(dhSharedSecret(b.privateKey, a.publicKey)));
  });

  it('pads small values to 96 bytes, big-endian', () => {
    const bytes = bigIntToBytes(0x0102n, 96);
    expect(bytes.length).toBe(96);
    expect([bytes[94], bytes[95]]).toEqual([1, 2]);
    expect(bytes.subarray(0, 94).every((b) => b === 0)).toBe(true);
  });

  it('a private key of all zero bytes still gives a usable key pair', () => {
    const pair = generateDhKeyPair((n) => new Uint8Array(n));
    expect(pair.privateKey).toBeGreaterThanOrEqual(2n);
  });

  for (const [name, value] of [
    ['0', 0n],
    ['1', 1n],
    ['P-1', DH_PRIME - 1n],
    ['P', DH_PRIME],
  ] as const) {
    it(`refuses a remote public key of ${name}`, () => {
      const a = generateDhKeyPair(seededBytes(1));
      expect(() => dhSharedSecret(a.privateKey, bigIntToBytes(value, 96))).toThrow(/invalid Diffie-Hellman public key/);
    });
  }

  it('one side of a handshake (key pair + secret) takes well under 20 ms', () => {
    const times: number[] = [];
    for (let i = 0; i < 11; i++) {
      const start = performance.now();
      const a = generateDhKeyPair(seededBytes(i + 10));
      dhSharedSecret(a.privateKey, generateDhKeyPair(seededBytes(i + 50)).publicKey);
      times.push((performance.now() - start) / 2);
    }
    times.sort((x, y) => x - y);
    console.log(`DH per side: median ${times[5]!.toFixed(2)} ms`);
    expect(times[5]).toBeLessThan(20);
  });
});
