import { describe, expect, it } from 'vitest';
import { decodeUdpResponse, encodeConnect, encodeScrape } from '../../../src/engine/tracker/udp-packets.js';
import { readUint32BE, writeUint32BE } from '../../../src/engine/util/bytes.js';

function packet(...words: number[]): Uint8Array {
  const out = new Uint8Array(words.length * 4);
  words.forEach((w, i) => writeUint32BE(out, i * 4, w >>> 0));
  return out;
}

describe('UDP tracker packets (BEP 15)', () => {
  it('encodes connect as 16 bytes: magic, action 0, transaction id', () => {
    const p = encodeConnect(0x01020304);
    expect([...p]).toEqual([0, 0, 4, 0x17, 0x27, 0x10, 0x19, 0x80, 0, 0, 0, 0, 1, 2, 3, 4]);
  });

  it('encodes a scrape of several hashes back to back', () => {
    const p = encodeScrape(new Uint8Array(8).fill(9), 5, [new Uint8Array(20).fill(1), new Uint8Array(20).fill(2)]);
    expect(p.length).toBe(56);
    expect(readUint32BE(p, 8)).toBe(2);
    expect([p[16], p[35], p[36], p[55]]).toEqual([1, 1, 2, 2]);
  });

  it('returns null for fewer than 8 bytes', () => {
    expect(decodeUdpResponse(new Uint8Array(7), 100)).toBeNull();
  });

  it('returns null for an unknown action', () => {
    expect(decodeUdpResponse(packet(4, 1, 0, 0), 100)).toBeNull();
  });

  it('returns null for a connect reply without a full connection id', () => {
    expect(decodeUdpResponse(packet(0, 1, 2), 100)).toBeNull();
  });

  it('returns null for an announce reply shorter than its 20-byte header', () => {
    expect(decodeUdpResponse(packet(1, 1, 60, 0), 100)).toBeNull();
  });

  it('reads scrape entries as seeders, completed, leechers and drops a partial one', () => {
    expect(decodeUdpResponse(packet(2, 7, 1, 2, 3, 4), 100)).toEqual({
      action: 'scrape',
      transactionId: 7,
      entries: [{ complete: 1, downloaded: 2, incomplete: 3 }],
    });
  });

  it('cuts an error message to the limit', () => {
    const p = new Uint8Array(8 + 50).fill(0x41);
    p.set(packet(3, 9));
    expect(decodeUdpResponse(p, 5)).toEqual({ action: 'error', transactionId: 9, message: 'AAAAA' });
  });

  it('copies the connection id out of the receive buffer', () => {
    const p = new Uint8Array(16);
    p.set(packet(0, 1));
    p[8] = 42;
    const r = decodeUdpResponse(p, 100);
    p[8] = 0;
    expect(r?.action === 'connect' && r.connectionId[0]).toBe(42);
  });
});
