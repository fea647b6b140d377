import { describe, expect, it } from 'vitest';
import { encode } from '../../../src/engine/bencode/index.js';
import { TorrentError } from '../../../src/engine/util/errors.js';
import { encodeExtendedHandshake, parseExtendedHandshake } from '../../../src/engine/wire/extension-handshake.js';

const enc = (value: Parameters<typeof encode>[0]): Uint8Array => encode(value);

describe('extension handshake (BEP 10)', () => {
  it('round trips every field', () => {
    const payload = encodeExtendedHandshake({
      m: { ut_metadata: 1, ut_pex: 2 },
      metadataSize: 31_235,
      clientName: 'TorrentEdge 0.1',
      listenPort: 51413,
      reqq: 250,
      yourIp: Uint8Array.of(10, 0, 0, 1),
    });
    expect(parseExtendedHandshake(payload)).toEqual({
      m: new Map([
        ['ut_metadata', 1],
        ['ut_pex', 2],
      ]),
      metadataSize: 31_235,
      clientName: 'TorrentEdge 0.1',
      listenPort: 51413,
      reqq: 250,
      yourIp: Uint8Array.of(10, 0, 0, 1),
    });
  });

  it('leaves out fields that were not given', () => {
    expect(new TextDecoder().decode(encodeExtendedHandshake({ m: { ut_pex: 1 } }))).toBe('d1:md6:ut_pexi1eee');
  });

  it('tolerates unknown keys', () => {
    const parsed = parseExtendedHandshake(enc({ m: { ut_pex: 3 }, e: 1, upload_only: 1, lt_donthave: 'x' }));
    expect(parsed.m).toEqual(new Map([['ut_pex', 3]]));
  });

  it('tolerates a missing m (a later handshake may only update fields)', () => {
    expect(parseExtendedHandshake(enc({ p: 6881 }))).toEqual({ m: new Map(), listenPort: 6881 });
  });

  it('keeps id 0 (the peer disabled that extension)', () => {
    expect(parseExtendedHandshake(enc({ m: { ut_pex: 0 } })).m.get('ut_pex')).toBe(0);
  });

  it('ignores negative, over-255 and non-integer ids', () => {
    const parsed = parseExtendedHandshake(enc({ m: { a: -1, b: 256, c: 'x', d: [1], ok: 255 } }));
    expect(parsed.m).toEqual(new Map([['ok', 255]]));
  });

  it('survives __proto__ as an extension name', () => {
    const parsed = parseExtendedHandshake(enc(new Map([['m', new Map([['__proto__', 5]])]])));
    expect(parsed.m.get('__proto__')).toBe(5);
  });

  it('flags metadata_size over the limit instead of using it', () => {
    const parsed = parseExtendedHandshake(enc({ m: {}, metadata_size: 10_000_001 }));
    expect(parsed.metadataSize).toBeUndefined();
    expect(parsed.metadataSizeError).toMatch(/10000001 bytes; the limit is 10000000/);
  });

  it('honours an injected metadata size limit', () => {
    const parsed = parseExtendedHandshake(enc({ metadata_size: 2000 }), { maxMetadataSize: 1000 });
    expect(parsed.metadataSizeError).toMatch(/limit is 1000/);
  });

  it('flags a zero or negative metadata_size', () => {
    expect(parseExtendedHandshake(enc({ metadata_size: 0 })).metadataSizeError).toBeDefined();
    expect(parseExtendedHandshake(enc({ metadata_size: -5 })).metadataSizeError).toBeDefined();
  });

  it('ignores a metadata_size of the wrong type', () => {
    const parsed = parseExtendedHandshake(enc({ metadata_size: '123' }));
    expect(parsed.metadataSize).toBeUndefined();
    expect(parsed.metadataSizeError).toBeUndefined();
  });

  it('ignores out-of-range listen ports', () => {
    expect(parseExtendedHandshake(enc({ p: 0 })).listenPort).toBeUndefined();
    expect(parseExtendedHandshake(enc({ p: 65536 })).listenPort).toBeUndefined();
  });

  it('clamps reqq to maxReqq and ignores a non-positive one', () => {
    expect(parseExtendedHandshake(enc({ reqq: 1_000_000 })).reqq).toBe(2000);
    expect(parseExtendedHandshake(enc({ reqq: 0 })).reqq).toBeUndefined();
  });

  it('keeps yourip only when it is 4 or 16 bytes', () => {
    expect(parseExtendedHandshake(enc({ yourip: new Uint8Array(16) })).yourIp).toHaveLength(16);
    expect(parseExtendedHandshake(enc({ yourip: new Uint8Array(5) })).yourIp).toBeUndefined();
  });

  it('strips control characters from the client name and bounds its length', () => {
    expect(parseExtendedHandshake(enc({ v: 'evil\u0000\u001b[31m' })).clientName).toBe('evil[31m');
    expect(parseExtendedHandshake(enc({ v: 'x'.repeat(10_000) })).clientName).toHaveLength(100);
  });

  it('rejects a payload that is not a dictionary', () => {
    expect(() => parseExtendedHandshake(enc([1, 2]))).toThrow(/not a dictionary/);
  });

  it('rejects invalid bencode as a protocol error', () => {
    try {
      parseExtendedHandshake(new TextEncoder().encode('d1:mi1e'));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(TorrentError);
      expect((error as TorrentError).kind).toBe('protocol');
    }
  });
});
