import { describe, expect, it } from 'vitest';
import { encode } from '../../../src/engine/bencode/index.js';
import { encodePex, parsePex, PexFlags } from '../../../src/engine/wire/ut-pex.js';

describe('ut_pex (BEP 11)', () => {
  it('round trips added with flags, added6, dropped and dropped6', () => {
    const payload = encodePex({
      added: [
        { host: '1.2.3.4', port: 6881, flags: PexFlags.seed | PexFlags.utp },
        { host: '5.6.7.8', port: 51413 },
      ],
      added6: [{ host: '2001:db8::1', port: 6881, flags: PexFlags.reachable }],
      dropped: [{ host: '9.9.9.9', port: 1 }],
      dropped6: [{ host: '::1', port: 2 }],
    });
    expect(parsePex(payload)).toEqual({
      added: [
        { host: '1.2.3.4', port: 6881, flags: 0x06 },
        { host: '5.6.7.8', port: 51413, flags: 0 },
      ],
      added6: [{ host: '2001:db8::1', port: 6881, flags: 0x10 }],
      dropped: [{ host: '9.9.9.9', port: 1 }],
      dropped6: [{ host: '::1', port: 2 }],
      truncated: false,
    });
  });

  it('an empty message has empty lists', () => {
    expect(parsePex(encode({}))).toEqual({ added: [], added6: [], dropped: [], dropped6: [], truncated: false });
  });

  it('takes at most maxPexPeers per list and says it truncated', () => {
    const added = Array.from({ length: 300 }, (_, i) => ({ host: `10.0.${i >> 8}.${i & 0xff}`, port: 1000 + i }));
    const parsed = parsePex(encodePex({ added }));
    expect(parsed.added).toHaveLength(200);
    expect(parsed.added[199]).toEqual({ host: '10.0.0.199', port: 1199, flags: 0 });
    expect(parsed.truncated).toBe(true);
  });

  it('honours an injected cap on dropped peers too', () => {
    const dropped = Array.from({ length: 5 }, (_, i) => ({ host: `10.0.0.${i}`, port: 1 }));
    const parsed = parsePex(encodePex({ dropped }), { maxPexPeers: 2 });
    expect(parsed.dropped).toHaveLength(2);
    expect(parsed.truncated).toBe(true);
  });

  it('rejects an added list whose length is not a multiple of 6', () => {
    expect(() => parsePex(encode({ added: new Uint8Array(7) }))).toThrow(/'added' of 7 bytes/);
  });

  it('rejects an added6 list whose length is not a multiple of 18', () => {
    expect(() => parsePex(encode({ added6: new Uint8Array(20) }))).toThrow(/multiple of 18/);
  });

  it('treats a short added.f as no flags', () => {
    const parsed = parsePex(encode({ added: Uint8Array.of(1, 2, 3, 4, 0, 1, 5, 6, 7, 8, 0, 2), 'added.f': Uint8Array.of(2) }));
    expect(parsed.added.map((p) => p.flags)).toEqual([0, 0]);
  });

  it('ignores fields of the wrong type', () => {
    expect(parsePex(encode({ added: 5, dropped: [1] })).added).toEqual([]);
  });

  it('rejects a payload that is not a dictionary', () => {
    expect(() => parsePex(encode([]))).toThrow(/not a dictionary/);
  });
});
