import { describe, expect, it } from 'vitest';
import { encodeHandshake, HANDSHAKE_LENGTH, parseHandshake } from '../../../src/engine/wire/handshake.js';
import { TorrentError } from '../../../src/engine/util/errors.js';
import { bytes, collect } from './helpers.js';

const infoHash = bytes(20, 7);
const peerId = bytes(20, 9);

describe('handshake (BEP 3)', () => {
  it('is 68 bytes starting with pstrlen 19 and the protocol string', () => {
    const h = encodeHandshake({ infoHash, peerId });
    expect(h.length).toBe(HANDSHAKE_LENGTH);
    expect(h[0]).toBe(19);
    expect(new TextDecoder().decode(h.subarray(1, 20))).toBe('BitTorrent protocol');
  });

  it('round trips info hash, peer id and no reserved bits', () => {
    const parsed = parseHandshake(encodeHandshake({ infoHash, peerId }));
    expect(parsed).toEqual({ infoHash, peerId, extended: false, fast: false, dht: false });
  });

  it('sets the extension protocol bit at reserved[5] & 0x10 (BEP 10)', () => {
    const h = encodeHandshake({ infoHash, peerId, extended: true });
    expect(h[25]).toBe(0x10);
    expect(parseHandshake(h).extended).toBe(true);
  });

  it('sets the fast bit at reserved[7] & 0x04 (BEP 6) and dht at reserved[7] & 0x01', () => {
    const h = encodeHandshake({ infoHash, peerId, fast: true, dht: true });
    expect(h[27]).toBe(0x05);
    const parsed = parseHandshake(h);
    expect([parsed.fast, parsed.dht, parsed.extended]).toEqual([true, true, false]);
  });

  it('ignores unknown reserved bits', () => {
    const h = encodeHandshake({ infoHash, peerId });
    h.fill(0xff, 20, 28);
    h[25] = 0xef; // everything but the extension bit
    h[27] = 0xfa; // everything but fast and dht
    expect(parseHandshake(h)).toMatchObject({ extended: false, fast: false, dht: false });
  });

  it('rejects a bad protocol string', () => {
    const h = encodeHandshake({ infoHash, peerId });
    h[5] = 'X'.charCodeAt(0);
    expect(() => parseHandshake(h)).toThrow(TorrentError);
  });

  it('rejects a pstrlen other than 19', () => {
    const h = encodeHandshake({ infoHash, peerId });
    h[0] = 18;
    expect(() => parseHandshake(h)).toThrow(/protocol string/);
  });

  it('rejects a handshake of the wrong size', () => {
    expect(() => parseHandshake(encodeHandshake({ infoHash, peerId }).subarray(0, 67))).toThrow(/67 bytes/);
  });

  it('refuses to encode an info hash that is not 20 bytes', () => {
    expect(() => encodeHandshake({ infoHash: bytes(19), peerId })).toThrow(TorrentError);
  });
});

describe('handshake in the stream parser', () => {
  it('is read even when split at every byte, then messages follow', () => {
    const seen: unknown[] = [];
    const { parser, messages } = collect({ expectHandshake: true, onHandshake: (h) => seen.push(h) });
    const stream = new Uint8Array([...encodeHandshake({ infoHash, peerId, extended: true }), 0, 0, 0, 1, 2]);
    for (let i = 0; i < stream.length; i++) parser.push(stream.subarray(i, i + 1));
    expect(seen).toEqual([{ infoHash, peerId, extended: true, fast: false, dht: false }]);
    expect(messages).toEqual([{ type: 'interested' }]);
  });

  it('fails on junk at the first byte, without waiting for 68 bytes', () => {
    const { parser } = collect({ expectHandshake: true });
    expect(() => parser.push(Uint8Array.of(0x16, 0x03, 0x01))).toThrow(/BitTorrent handshake/);
  });

  it('fails on a bad protocol string as soon as the bad byte arrives', () => {
    const { parser } = collect({ expectHandshake: true });
    parser.push(Uint8Array.from([19, ...new TextEncoder().encode('BitTorrent')]));
    expect(() => parser.push(new TextEncoder().encode('-protocol'))).toThrow(TorrentError);
  });

  it('lets onHandshake refuse the peer by throwing, and stays failed', () => {
    const { parser } = collect({
      expectHandshake: true,
      onHandshake: () => {
        throw new TorrentError('protocol', 'wrong torrent');
      },
    });
    expect(() => parser.push(encodeHandshake({ infoHash, peerId }))).toThrow('wrong torrent');
    expect(() => parser.push(Uint8Array.of(0, 0, 0, 0))).toThrow(TorrentError);
  });
});
