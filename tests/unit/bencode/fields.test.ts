import { describe, expect, it } from 'vitest';
import { asBytes, asDict, asInt, asList, asString, asStrictString, decode, dictGet, optInt, type BDict } from '../../../src/engine/bencode/index.js';
import { TorrentError } from '../../../src/engine/util/errors.js';

const dict = decode(Uint8Array.from('d1:ii5e1:s3:abc1:lle1:ddee', (c) => c.charCodeAt(0))) as BDict;

describe('typed field access', () => {
  it('reads each type', () => {
    expect(asInt(dictGet(dict, 'i'), 'i')).toBe(5);
    expect(asString(dictGet(dict, 's'), 's')).toBe('abc');
    expect(asBytes(dictGet(dict, 's'), 's').length).toBe(3);
    expect(asList(dictGet(dict, 'l'), 'l')).toEqual([]);
    expect(asDict(dictGet(dict, 'd'), 'd').size).toBe(0);
  });
  it('a missing field names the field', () => {
    expect(() => asInt(dictGet(dict, 'x'), 'info.piece length', 'metainfo')).toThrow('metainfo: missing info.piece length');
  });
  it('a wrong type names the field and both types', () => {
    expect(() => asInt(dictGet(dict, 'l'), 'info.length', 'metainfo')).toThrow('metainfo: info.length must be an integer, not a list');
  });
  it('errors carry the requested kind', () => {
    try {
      asDict(dictGet(dict, 'i'), 'm', 'protocol');
    } catch (error) {
      expect((error as TorrentError).kind).toBe('protocol');
      return;
    }
    expect.unreachable();
  });
  it('optional fields: undefined when missing, error when mistyped', () => {
    expect(optInt(dictGet(dict, 'x'), 'x')).toBeUndefined();
    expect(() => optInt(dictGet(dict, 's'), 's')).toThrow(/must be an integer/);
  });
  it('invalid UTF-8 becomes U+FFFD; the strict reader says null', () => {
    const bad = Uint8Array.of(0x61, 0xff);
    expect(asString(bad, 'x')).toBe('a\ufffd');
    expect(asStrictString(bad, 'x')).toBeNull();
  });
});
