import { describe, expect, it } from 'vitest';
import { Rc4, mseRc4 } from '../../../src/engine/crypto/mse/rc4.js';
import { fromHex, toHex, utf8 } from '../../../src/engine/util/bytes.js';
import { randomData } from './helpers.js';

function encrypt(key: string | Uint8Array, text: string | Uint8Array): string {
  const data = typeof text === 'string' ? utf8(text) : text.slice();
  new Rc4(typeof key === 'string' ? utf8(key) : key).process(data);
  return toHex(data);
}

describe('RC4 known vectors', () => {
  it('Key / Plaintext', () => expect(encrypt('Key', 'Plaintext')).toBe('bbf316e8d940af0ad3'));
  it('Wiki / pedia', () => expect(encrypt('Wiki', 'pedia')).toBe('1021bf0420'));
  it('Secret / Attack at dawn', () => expect(encrypt('Secret', 'Attack at dawn')).toBe('45a01f645fc35b383552544b9bf5'));

  it('RFC 6229 key 0x0102030405 at offsets 0 and 1024', () => {
    const ks = new Uint8Array(1040);
    new Rc4(fromHex('0102030405')).process(ks);
    expect(toHex(ks.subarray(0, 16))).toBe('b2396305f03dc027ccc3524a0a1118a8');
    expect(toHex(ks.subarray(1024, 1040))).toBe('30abbcc7c20b01609f23ee2d5f6bb7df');
  });

  it('mseRc4 discards the first 1024 bytes of keystream', () => {
    const ks = new Uint8Array(16);
    mseRc4(fromHex('0102030405')).process(ks);
    expect(toHex(ks)).toBe('30abbcc7c20b01609f23ee2d5f6bb7df');
  });
});

describe('RC4 in place, any split', () => {
  it('word path and byte path give the same stream at unaligned offsets and odd splits', () => {
    const key = utf8('split-key');
    const plain = randomData(10_007);
    const whole = plain.slice();
    new Rc4(key).process(whole);
    // A view at byteOffset 3 forces the unaligned head; uneven pieces hit every tail length.
    const backing = new Uint8Array(plain.length + 3);
    const view = backing.subarray(3);
    view.set(plain);
    const rc4 = new Rc4(key);
    const cuts = [0, 1, 2, 3, 5, 8, 13, 100, 101, 4096, 4099, 10_007];
    for (let i = 1; i < cuts.length; i++) rc4.process(view, cuts[i - 1], cuts[i]);
    expect(toHex(view)).toBe(toHex(whole));
  });

  it('processing twice with fresh keystreams restores the plaintext', () => {
    const plain = randomData(3000);
    const data = plain.slice();
    new Rc4(utf8('k')).process(data);
    expect(toHex(data)).not.toBe(toHex(plain));
    new Rc4(utf8('k')).process(data);
    expect(toHex(data)).toBe(toHex(plain));
  });

  it('processes only [start, end) of the buffer', () => {
    const data = new Uint8Array(12);
    new Rc4(utf8('Key')).process(data, 4, 8);
    expect([...data.subarray(0, 4), ...data.subarray(8)]).toEqual(new Array(8).fill(0));
  });
});

describe('RC4 throughput', () => {
  it('encrypts in place at data-path speed (logs MB/s; floor kept low for loaded CI)', () => {
    const rc4 = mseRc4(utf8('bench'));
    const block = new Uint8Array(16 * 1024);
    for (let i = 0; i < 2000; i++) rc4.process(block);
    const start = performance.now();
    let bytes = 0;
    while (performance.now() - start < 500) {
      for (let i = 0; i < 64; i++) rc4.process(block);
      bytes += 64 * block.length;
    }
    const mbPerS = bytes / 1e6 / ((performance.now() - start) / 1000);
    console.log(`RC4: ${mbPerS.toFixed(0)} MB/s`);
    expect(mbPerS).toBeGreaterThan(50);
  });
});
