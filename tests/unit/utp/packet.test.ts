// BEP 29 header codec: every field round-trips, and every malformed packet is refused with a
// reason instead of being half-read.
import { describe, expect, it } from 'vitest';
import {
  decodePacket, encodePacket, isUtpDatagram, microseconds, seqAdd, seqDiff,
  ST_DATA, ST_STATE, ST_SYN, type UtpPacket,
} from '../../../src/engine/utp/packet.js';
import { DEFAULT_UTP_LIMITS } from '../../../src/engine/utp/limits.js';

const base: UtpPacket = {
  type: ST_DATA,
  connectionId: 0xbeef,
  timestamp: 0xfedcba98,
  timestampDiff: 12345,
  wndSize: 0x00100000,
  seqNr: 0xfffe,
  ackNr: 7,
  payload: Uint8Array.of(1, 2, 3),
};

function decode(bytes: Uint8Array) {
  return decodePacket(bytes, DEFAULT_UTP_LIMITS);
}

function ok(bytes: Uint8Array): UtpPacket {
  const result = decode(bytes);
  if ('error' in result) throw new Error(result.error);
  return result.packet;
}

describe('uTP header codec', () => {
  it('round-trips every header field and the payload', () => {
    const bytes = encodePacket(base);
    expect(bytes.length).toBe(23);
    expect(bytes[0]).toBe(0x01); // type 0 (ST_DATA) << 4 | version 1
    const p = ok(bytes);
    expect({ ...p, payload: [...p.payload] }).toEqual({ ...base, payload: [1, 2, 3] });
  });

  it('writes the type in the high nibble and version 1 in the low nibble', () => {
    expect(encodePacket({ ...base, type: ST_SYN })[0]).toBe(0x41);
    expect(encodePacket({ ...base, type: ST_STATE })[0]).toBe(0x21);
  });

  it('round-trips a selective ack extension', () => {
    const sack = Uint8Array.of(0b101, 0, 0, 0x80);
    const bytes = encodePacket({ ...base, sack });
    expect(bytes[1]).toBe(1);
    expect(bytes[20]).toBe(0); // no next extension
    expect(bytes[21]).toBe(4);
    const p = ok(bytes);
    expect([...p.sack!]).toEqual([...sack]);
    expect([...p.payload]).toEqual([1, 2, 3]);
  });

  it('skips an unknown extension and still finds the payload', () => {
    const bytes = encodePacket(base);
    const withExt = new Uint8Array(bytes.length + 5);
    withExt.set(bytes.subarray(0, 20));
    withExt[1] = 3; // libtorrent's close-reason extension
    withExt.set([0, 3, 9, 9, 9], 20);
    withExt.set(base.payload, 25);
    const p = ok(withExt);
    expect(p.sack).toBeUndefined();
    expect([...p.payload]).toEqual([1, 2, 3]);
  });

  it('truncates a selective ack longer than maxSackBytes', () => {
    const sack = new Uint8Array(200).fill(0xff);
    const p = ok(encodePacket({ ...base, sack }));
    expect(p.sack!.length).toBe(DEFAULT_UTP_LIMITS.maxSackBytes);
    expect([...p.payload]).toEqual([1, 2, 3]);
  });
});

describe('uTP datagram recognition', () => {
  it('is not uTP: a DHT message (bencoded, starts with "d")', () => {
    expect(isUtpDatagram(new TextEncoder().encode('d1:ad2:id20:aaaaaaaaaaaaaaaaaaaae1:q4:ping1:t2:aa1:y1:qe'))).toBe(false);
  });
  it('is not uTP: version 2', () => {
    expect(isUtpDatagram(Uint8Array.of(0x02, ...new Uint8Array(19)))).toBe(false);
  });
  it('is not uTP: type 5 and above', () => {
    expect(isUtpDatagram(Uint8Array.of(0x51, ...new Uint8Array(19)))).toBe(false);
  });
  it('is not uTP: an empty datagram', () => {
    expect(isUtpDatagram(new Uint8Array(0))).toBe(false);
  });
  it('is uTP: every type 0..4 with version 1', () => {
    for (let t = 0; t <= 4; t++) expect(isUtpDatagram(Uint8Array.of((t << 4) | 1))).toBe(true);
  });
});

describe('malformed uTP packets are refused', () => {
  const good = encodePacket(base);
  const expectError = (bytes: Uint8Array, pattern: RegExp) => {
    const result = decode(bytes);
    expect('error' in result && result.error).toMatch(pattern);
  };

  it('too short: 19 bytes', () => expectError(good.subarray(0, 19), /shorter than the 20-byte header/));
  it('too short: 1 byte', () => expectError(good.subarray(0, 1), /shorter/));
  it('wrong version', () => expectError(Uint8Array.of(0x02, ...good.subarray(1)), /version 2/));
  it('unknown type 7', () => expectError(Uint8Array.of(0x71, ...good.subarray(1)), /type 7/));
  it('extension header cut off after the fixed header', () => {
    const bytes = good.subarray(0, 21).slice();
    bytes[1] = 1;
    expectError(bytes, /extension header runs past/);
  });
  it('extension length runs past the end', () => {
    const bytes = new Uint8Array(24);
    bytes.set(good.subarray(0, 20));
    bytes[1] = 1;
    bytes[20] = 0;
    bytes[21] = 8; // only 2 bytes follow
    expectError(bytes, /runs past the packet/);
  });
  it('selective ack not a multiple of 4', () => {
    const bytes = new Uint8Array(25);
    bytes.set(good.subarray(0, 20));
    bytes[1] = 1;
    bytes[20] = 0;
    bytes[21] = 3;
    expectError(bytes, /not a multiple of 4/);
  });
  it('selective ack of zero bytes', () => {
    const bytes = new Uint8Array(22);
    bytes.set(good.subarray(0, 20));
    bytes[1] = 1;
    expectError(bytes, /not a multiple of 4/);
  });
  it('an endless chain of extensions', () => {
    const bytes = new Uint8Array(20 + 2 * 20);
    bytes.set(good.subarray(0, 20));
    bytes[1] = 9;
    for (let i = 0; i < 20; i++) bytes.set([9, 0], 20 + 2 * i);
    expectError(bytes, /more than 8 extensions/);
  });
});

describe('sequence arithmetic', () => {
  it('seqDiff wraps around 16 bits', () => {
    expect(seqDiff(2, 0xfffe)).toBe(4);
    expect(seqDiff(0xfffe, 2)).toBe(-4);
    expect(seqDiff(5, 5)).toBe(0);
  });
  it('seqAdd wraps', () => {
    expect(seqAdd(0xffff, 1)).toBe(0);
    expect(seqAdd(0, -1)).toBe(0xffff);
  });
  it('microseconds wrap at 2^32', () => {
    expect(microseconds(4_294_967.296 + 1)).toBe(1000);
  });
});
