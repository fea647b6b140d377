import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encode } from '../../../src/engine/bencode/index.js';
import {
  encodeMetadataData,
  encodeMetadataReject,
  encodeMetadataRequest,
  MetadataAssembler,
  metadataPiece,
  parseMetadataMessage,
} from '../../../src/engine/wire/ut-metadata.js';
import { bytes } from './helpers.js';

const sha1 = (data: Uint8Array): Uint8Array => new Uint8Array(createHash('sha1').update(data).digest());
const KiB16 = 16 * 1024;

describe('ut_metadata messages (BEP 9)', () => {
  it('request round trips', () => {
    expect(parseMetadataMessage(encodeMetadataRequest(3))).toEqual({ type: 'request', piece: 3 });
  });

  it('reject round trips', () => {
    expect(parseMetadataMessage(encodeMetadataReject(0))).toEqual({ type: 'reject', piece: 0 });
  });

  it('data round trips with the bytes after the dict', () => {
    const data = bytes(KiB16);
    expect(parseMetadataMessage(encodeMetadataData(1, 40_000, data))).toEqual({
      type: 'data',
      piece: 1,
      totalSize: 40_000,
      data,
    });
  });

  it('request has the exact BEP 9 encoding', () => {
    expect(new TextDecoder().decode(encodeMetadataRequest(0))).toBe('d8:msg_typei0e5:piecei0ee');
  });

  it('data piece whose bytes start with "d" or "e" is not confused with the dict', () => {
    const data = new TextEncoder().encode('d4:spame');
    expect(parseMetadataMessage(encodeMetadataData(0, 8, data))).toMatchObject({ data });
  });

  it('unknown msg_type is reported as unknown, to be ignored', () => {
    expect(parseMetadataMessage(encode({ msg_type: 7, piece: 0 }))).toEqual({ type: 'unknown', msgType: 7 });
  });

  it('rejects a missing msg_type', () => {
    expect(() => parseMetadataMessage(encode({ piece: 0 }))).toThrow(/msg_type/);
  });

  it('rejects a negative piece', () => {
    expect(() => parseMetadataMessage(encode({ msg_type: 0, piece: -1 }))).toThrow(/piece/);
  });

  it('rejects data without total_size', () => {
    expect(() => parseMetadataMessage(encode({ msg_type: 1, piece: 0 }))).toThrow(/total_size/);
  });

  it('rejects data with total_size over the metadata cap', () => {
    expect(() => parseMetadataMessage(encodeMetadataData(0, 10_000_001, bytes(10)))).toThrow(/total_size/);
  });

  it('rejects a data piece larger than 16 KiB', () => {
    expect(() => parseMetadataMessage(encodeMetadataData(0, 100_000, bytes(KiB16 + 1)))).toThrow(/16384/);
  });

  it('rejects a payload that is not bencode', () => {
    expect(() => parseMetadataMessage(new TextEncoder().encode('xyz'))).toThrow(/bencode/);
  });

  it('metadataPiece serves 16 KiB slices and null past the end', () => {
    const info = bytes(KiB16 + 5);
    expect(metadataPiece(info, 0)).toEqual(info.subarray(0, KiB16));
    expect(metadataPiece(info, 1)).toEqual(info.subarray(KiB16));
    expect(metadataPiece(info, 2)).toBeNull();
    expect(metadataPiece(info, -1)).toBeNull();
  });
});

describe('MetadataAssembler', () => {
  const info = bytes(2 * KiB16 + 100, 5);
  const infoHash = sha1(info);
  const make = (): MetadataAssembler => new MetadataAssembler(info.length, infoHash, sha1);

  it('assembles pieces in any order and verifies the info hash', async () => {
    const a = make();
    expect(a.pieceCount).toBe(3);
    expect(a.addPiece(2, info.subarray(2 * KiB16))).toBe(true);
    expect(a.addPiece(0, info.subarray(0, KiB16))).toBe(true);
    expect(a.isComplete()).toBe(false);
    expect(a.missingPieces()).toEqual([1]);
    expect(a.addPiece(1, info.subarray(KiB16, 2 * KiB16))).toBe(true);
    expect(a.isComplete()).toBe(true);
    expect(await a.verify()).toEqual(info);
  });

  it('accepts an async sha1', async () => {
    const a = new MetadataAssembler(100, sha1(info.subarray(0, 100)), async (b) => sha1(b));
    a.addPiece(0, info.subarray(0, 100));
    expect(await a.verify()).toEqual(info.subarray(0, 100));
  });

  it('rejects a bad hash, resets and returns null', async () => {
    const a = make();
    const corrupt = info.slice();
    corrupt[5]! ^= 1;
    for (let i = 0; i < 3; i++) a.addPiece(i, corrupt.subarray(i * KiB16, (i + 1) * KiB16));
    expect(await a.verify()).toBeNull();
    expect(a.isComplete()).toBe(false);
    expect(a.missingPieces()).toEqual([0, 1, 2]);
  });

  it('rejects a piece shorter than 16 KiB that is not the last', () => {
    expect(make().addPiece(0, bytes(KiB16 - 1))).toBe(false);
  });

  it('rejects a last piece of the wrong size', () => {
    expect(make().addPiece(2, bytes(101))).toBe(false);
    expect(make().addPiece(2, bytes(KiB16))).toBe(false);
  });

  it('rejects a piece index past the end or negative', () => {
    expect(make().addPiece(3, bytes(100))).toBe(false);
    expect(make().addPiece(-1, bytes(KiB16))).toBe(false);
  });

  it('refuses a size over the 10 MB cap', () => {
    expect(() => new MetadataAssembler(10_000_001, infoHash, sha1)).toThrow(/allowed 1..10000000/);
  });

  it('refuses a size over an injected cap', () => {
    expect(() => new MetadataAssembler(2000, infoHash, sha1, { maxMetadataSize: 1000 })).toThrow(/1000/);
  });

  it('refuses a zero, negative or fractional size', () => {
    for (const size of [0, -1, 1.5]) expect(() => new MetadataAssembler(size, infoHash, sha1)).toThrow();
  });

  it('hands out each piece once while in flight, then again after release', () => {
    const a = make();
    expect([a.nextPieceToRequest(), a.nextPieceToRequest(), a.nextPieceToRequest()]).toEqual([0, 1, 2]);
    expect(a.nextPieceToRequest()).toBeNull();
    a.release(1);
    expect(a.nextPieceToRequest()).toBe(1);
  });

  it('does not hand out pieces already received', () => {
    const a = make();
    a.addPiece(0, info.subarray(0, KiB16));
    expect(a.nextPieceToRequest()).toBe(1);
  });

  it('verify before completion is a programming error', async () => {
    await expect(make().verify()).rejects.toThrow(/before all pieces/);
  });

  it('info returned by verify survives a later reset', async () => {
    const a = new MetadataAssembler(100, sha1(info.subarray(0, 100)), sha1);
    a.addPiece(0, info.subarray(0, 100));
    const verified = await a.verify();
    a.reset();
    expect(verified).toEqual(info.subarray(0, 100));
  });
});
