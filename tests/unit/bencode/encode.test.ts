import { describe, expect, it } from 'vitest';
import { binaryKey, decode, encode, keyText, type BDict } from '../../../src/engine/bencode/index.js';
import { TorrentError } from '../../../src/engine/util/errors.js';

const str = (data: Uint8Array): string => String.fromCharCode(...data);
const bytes = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

describe('bencode encode', () => {
  it('integers, including negative and zero', () => {
    expect(str(encode(42))).toBe('i42e');
    expect(str(encode(-7))).toBe('i-7e');
    expect(str(encode(0))).toBe('i0e');
  });
  it('negative zero is written as i0e, never i-0e', () => {
    expect(str(encode(-0))).toBe('i0e');
  });
  it('non-integer numbers are refused', () => {
    expect(() => encode(1.5)).toThrow(TorrentError);
    expect(() => encode(Number.NaN)).toThrow(TorrentError);
    expect(() => encode(2 ** 60)).toThrow(/only safe integers/);
  });
  it('strings are written as UTF-8', () => {
    expect(Array.from(encode('é'))).toEqual([0x32, 0x3a, 0xc3, 0xa9]);
  });
  it('byte strings are written as they are', () => {
    expect(Array.from(encode(Uint8Array.of(0, 255)))).toEqual([0x32, 0x3a, 0, 255]);
  });
  it('lists', () => {
    expect(str(encode([1, 'a', []]))).toBe('li1e1:alee');
  });
  it('plain-object keys are sorted by raw bytes', () => {
    expect(str(encode({ b: 1, a: 2, B: 3, 'a b': 4 }))).toBe('d1:Bi3e1:ai2e3:a bi4e1:bi1ee');
  });
  it('Map keys are sorted by raw bytes, including high bytes', () => {
    const map = new Map<string, number>([['\u00ff', 1], ['z', 2], ['\u0080', 3]]);
    expect(Array.from(encode(map))).toEqual(Array.from(bytes('d1:zi2e1:\u0080i3e1:\u00ffi1ee')));
  });
  it('undefined properties are skipped', () => {
    expect(str(encode({ a: 1, b: undefined }))).toBe('d1:ai1ee');
  });
  it('__proto__ as an own key is encoded like any key', () => {
    const record = JSON.parse('{"__proto__": 1}') as Record<string, number>;
    expect(str(encode(record))).toBe('d9:__proto__i1ee');
  });
  it('keys beyond U+00FF are refused (keys are binary strings)', () => {
    expect(() => encode({ '€': 1 })).toThrow(/binaryKey/);
  });
  it('binaryKey turns UTF-8 text into a binary-string key, keyText reverses it', () => {
    const key = binaryKey('名前');
    expect(str(encode(new Map([[key, 1]])))).toBe('d6:' + key + 'i1ee');
    expect(keyText(key)).toBe('名前');
  });
  it('null, booleans and cycles are refused with a TorrentError', () => {
    expect(() => encode(null as never)).toThrow(TorrentError);
    expect(() => encode(true as never)).toThrow(TorrentError);
    const cycle: unknown[] = [];
    cycle.push(cycle);
    expect(() => encode(cycle as never)).toThrow(/cyclic/);
  });
  it('grows its buffer for large values', () => {
    const big = new Uint8Array(1_000_000).fill(7);
    const out = encode([big, big]);
    expect(out.length).toBe(2 + 2 * (8 + 1_000_000));
  });
});

describe('bencode round trips', () => {
  const samples = [
    'i0e',
    'i-9007199254740991e',
    '0:',
    'le',
    'de',
    'd4:infod6:lengthi5e4:name1:a12:piece lengthi16384e6:pieces0:ee',
    'd1:ald1:bi1eee1:cl0:i-1eee',
    'd9:__proto__le2:\u00c3\u00ffi1ee',
  ];
  for (const sample of samples) {
    it(`decode then encode gives the same bytes: ${JSON.stringify(sample.slice(0, 30))}`, () => {
      expect(str(encode(decode(bytes(sample)) as BDict))).toBe(sample);
    });
  }
  it('unsorted input is sorted on re-encoding (so infohashes use the raw bytes)', () => {
    expect(str(encode(decode(bytes('d1:bi1e1:ai2ee')) as BDict))).toBe('d1:ai2e1:bi1ee');
  });
});
