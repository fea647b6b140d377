import { describe, expect, it } from 'vitest';
import { decode, decodePrefix, decodeWithSpans, findRawValue, type BDict, type BValue } from '../../../src/engine/bencode/index.js';
import { TorrentError } from '../../../src/engine/util/errors.js';

const bytes = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));
const text = (value: BValue): string => String.fromCharCode(...(value as Uint8Array));
const d = (input: string): BValue => decode(bytes(input));

function expectError(input: string | Uint8Array, message: string | RegExp, limits?: Parameters<typeof decode>[1]): void {
  const data = typeof input === 'string' ? bytes(input) : input;
  let caught: unknown;
  try {
    decode(data, limits);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(TorrentError);
  expect((caught as TorrentError).kind).toBe('bencode');
  if (typeof message === 'string') expect((caught as TorrentError).message).toBe(message);
  else expect((caught as TorrentError).message).toMatch(message);
}

describe('bencode decode: valid values', () => {
  it('integers', () => {
    expect(d('i0e')).toBe(0);
    expect(d('i42e')).toBe(42);
    expect(d('i-42e')).toBe(-42);
  });
  it('max safe integer', () => {
    expect(d(`i${Number.MAX_SAFE_INTEGER}e`)).toBe(Number.MAX_SAFE_INTEGER);
    expect(d(`i-${Number.MAX_SAFE_INTEGER}e`)).toBe(-Number.MAX_SAFE_INTEGER);
  });
  it('byte strings, empty and binary', () => {
    expect(text(d('0:'))).toBe('');
    expect(text(d('4:spam'))).toBe('spam');
    expect(Array.from(decode(Uint8Array.of(0x32, 0x3a, 0x00, 0xff)) as Uint8Array)).toEqual([0, 255]);
  });
  it('strings are copies, not views of the input', () => {
    const input = bytes('4:spam');
    const value = decode(input) as Uint8Array;
    input[2] = 0x78;
    expect(text(value)).toBe('spam');
  });
  it('lists and dicts, nested', () => {
    const value = d('d4:listli1ei2ee4:dictd1:ai1eee') as BDict;
    expect(value.get('list')).toEqual([1, 2]);
    expect((value.get('dict') as BDict).get('a')).toBe(1);
  });
  it('empty list and empty dict', () => {
    expect(d('le')).toEqual([]);
    expect(d('de')).toEqual(new Map());
  });
  it('unsorted keys are accepted (real torrents have them)', () => {
    const value = d('d1:bi1e1:ai2ee') as BDict;
    expect(value.get('a')).toBe(2);
    expect(value.get('b')).toBe(1);
  });
  it('__proto__ key is an ordinary key', () => {
    const value = d('d9:__proto__d5:admini1eee') as BDict;
    expect(value).toBeInstanceOf(Map);
    expect((value.get('__proto__') as BDict).get('admin')).toBe(1);
    expect(({} as Record<string, unknown>)['admin']).toBeUndefined();
  });
  it('non-UTF-8 keys are preserved as binary strings', () => {
    const value = decode(Uint8Array.of(0x64, 0x32, 0x3a, 0xc3, 0xff, 0x69, 0x31, 0x65, 0x65)) as BDict;
    expect(Array.from(value.keys())).toEqual(['\u00c3\u00ff']);
  });
  it('nesting up to the depth limit is fine', () => {
    expect(() => decode(bytes('l'.repeat(100) + 'e'.repeat(100)))).not.toThrow();
  });
});

describe('bencode decode: traps', () => {
  it('empty input', () => expectError('', 'bencode: unexpected end of data at byte 0'));
  it('truncated integer', () => expectError('i42', 'bencode: unexpected end of data at byte 3'));
  it('truncated string', () => expectError('5:abc', /^bencode: unexpected end of data at byte 5 \(string of 5 bytes needs 2 more\)$/));
  it('truncated string length', () => expectError('12', 'bencode: unexpected end of data at byte 2'));
  it('truncated list', () => expectError('li1e', 'bencode: unexpected end of data at byte 4'));
  it('truncated dict after a key', () => expectError('d3:key', 'bencode: unexpected end of data at byte 6'));
  it('truncated dict, 17 bytes in', () => expectError('d8:announce4:http', 'bencode: unexpected end of data at byte 17'));
  it('garbage', () => expectError('hello', /^bencode: unexpected 'h' \(0x68\) \(expected i, l, d or a string length\) at byte 0$/));
  it('garbage binary byte', () => expectError(Uint8Array.of(0xff), /^bencode: unexpected 0xff/));
  it('trailing bytes', () => expectError('i1ei2e', 'bencode: trailing data after the value at byte 3'));
  it('stray end marker', () => expectError('e', /^bencode: unexpected 'e'/));
  it('1000-deep nesting is an error, not a stack overflow', () => {
    expectError('l'.repeat(1000) + 'e'.repeat(1000), 'bencode: nesting deeper than 100 at byte 100');
  });
  it('a million-deep nesting is an error, not a stack overflow', () => {
    expectError(new Uint8Array(1_000_000).fill(0x6c), /nesting deeper than 100/);
  });
  it('depth limit is injectable', () => expectError('llleee', 'bencode: nesting deeper than 2 at byte 2', { maxDepth: 2 }));
  it('negative string length', () => expectError('-3:abc', /^bencode: unexpected '-'/));
  it('huge string length', () => expectError('99999999999:', /^bencode: string length 99999999999 exceeds the 10000000-byte limit at byte 0$/));
  it('string longer than the data', () => expectError('1000:abc', /unexpected end of data .*needs 997 more/));
  it('string length limit is injectable', () => expectError('5:abcde', 'bencode: string length 5 exceeds the 4-byte limit at byte 0', { maxStringLength: 4 }));
  it('leading zero in string length', () => expectError('03:abc', 'bencode: leading zero in string length at byte 0'));
  it('string length without colon', () => expectError('3abc', /expected ':' after string length/));
  it('leading zero in integer', () => expectError('i03e', 'bencode: leading zero in integer at byte 0'));
  it('i00e', () => expectError('i00e', 'bencode: leading zero in integer at byte 0'));
  it('negative zero i-0e', () => expectError('i-0e', 'bencode: negative zero (i-0e) at byte 0'));
  it('empty integer ie', () => expectError('ie', 'bencode: empty integer at byte 0'));
  it('integer with only a minus', () => expectError('i-e', 'bencode: empty integer at byte 0'));
  it('integer with a space: i e', () => expectError('i e', /invalid character 0x20 in integer at byte 1/));
  it('integer with a plus sign', () => expectError('i+1e', /invalid character '\+'/));
  it('fractional integer', () => expectError('i1.5e', /invalid character '\.'/));
  it('integer beyond 2^53-1', () => expectError('i9007199254740992e', 'bencode: integer out of range (beyond 2^53-1) at byte 0'));
  it('enormous integer fails fast', () => expectError('i' + '9'.repeat(100000) + 'e', /integer out of range/));
  it('duplicate dict keys', () => expectError('d1:ai1e1:ai2ee', 'bencode: duplicate dict key "a" at byte 7'));
  it('duplicate keys out of order', () => expectError('d1:bi1e1:ai2e1:bi3ee', /duplicate dict key "b"/));
  it('non-string dict key', () => expectError('di1ei2ee', /^bencode: dict key must be a string, found 'i' \(0x69\) at byte 1$/));
  it('list as dict key', () => expectError('dlei1ee', /dict key must be a string/));
  it('dict key without value', () => expectError('d1:ae', 'bencode: missing value for dict key "a" at byte 4'));
  it('total size limit', () => expectError('4:spam', 'bencode: input of 6 bytes exceeds the 5-byte limit', { maxTotalSize: 5 }));
  it('token limit', () => expectError('li1ei2ei3ee', 'bencode: more than 3 values at byte 7', { maxTokens: 3 }));
  it('errors are TorrentErrors, never crashes, on random garbage', () => {
    let seed = 1;
    for (let n = 0; n < 2000; n++) {
      const input = new Uint8Array(1 + (n % 40));
      for (let i = 0; i < input.length; i++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        input[i] = 'ild0123456789e:-'.charCodeAt(seed % 16);
      }
      try {
        decode(input);
      } catch (error) {
        expect(error).toBeInstanceOf(TorrentError);
      }
    }
  });
});

describe('bencode decodePrefix', () => {
  it('returns the value and the bytes it took, leaving trailing data', () => {
    const input = bytes('d8:msg_typei1e5:piecei0eeRAWDATA');
    const { value, length } = decodePrefix(input);
    expect((value as BDict).get('msg_type')).toBe(1);
    expect(length).toBe(input.length - 'RAWDATA'.length);
  });
  it('still rejects a truncated prefix', () => {
    expect(() => decodePrefix(bytes('d8:msg_type'))).toThrow(/unexpected end of data/);
  });
});

describe('raw value spans (for the infohash)', () => {
  const input = bytes('d8:announce3:url4:infod4:name1:xe5:otheri1ee');
  it('findRawValue returns the exact bytes of a top-level value', () => {
    expect(text(findRawValue(input, 'info')!)).toBe('d4:name1:xe');
  });
  it('findRawValue returns null for a missing key', () => {
    expect(findRawValue(input, 'nope')).toBeNull();
  });
  it('spans ignore nested keys of the same name', () => {
    const nested = bytes('d1:ad4:infoi1ee4:infoi2ee');
    const { spans } = decodeWithSpans(nested);
    const span = spans.get('info')!;
    expect(text(nested.subarray(span.start, span.end))).toBe('i2e');
  });
  it('a non-dict top level has no spans', () => {
    expect(decodeWithSpans(bytes('li1ee')).spans.size).toBe(0);
  });
});
