import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { binaryKey, decode, dictGet, encode, type BDict, type BValue } from '../../../src/engine/bencode/index.js';
import { createTorrent, parseInfo, parseMagnet, parseTorrent, toMagnet } from '../../../src/engine/metainfo/index.js';
import { TorrentError } from '../../../src/engine/util/errors.js';
import type { Hasher } from '../../../src/platform/interfaces/hash.js';

const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(`../../fixtures/metainfo/${name}`, import.meta.url)));
const LT_HYBRID = fixture('hybrid-libtorrent.torrent'); // make-hybrid-fixtures.py
const LT_V1 = '20db59b4441d2cd9c782a1f251ed6e9cf46aac12';
const LT_V2 = 'e040293e424ccbd5be531a13ce57cebdc84418ea6551980aee69d4b28ae5ddbc';

const hasher: Hasher = {
  sha1: async (data) => new Uint8Array(createHash('sha1').update(data).digest()),
  sha256: async (data) => new Uint8Array(createHash('sha256').update(data).digest()),
};
const content = (length: number, seed: number): Uint8Array => Uint8Array.from({ length }, (_, i) => (i * 7 + seed) & 0xff);
const FILES: { path: string[]; data: Uint8Array }[] = [
  { path: ['big.bin'], data: content(200000, 5) },
  { path: ['mid.bin'], data: content(16384, 6) },
  { path: ['tiny'], data: content(1, 7) },
  { path: ['d', 'e'], data: content(0, 8) },
  { path: ['d.txt'], data: content(20000, 9) },
  { path: ['d', 'f g.bin'], data: content(50000, 10) },
  { path: ['été.bin'], data: content(30000, 12) },
  { path: ['Z', 'Ä.txt'], data: content(5, 13) },
];

function expectMetainfoError(run: () => unknown, message: RegExp): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(TorrentError);
  expect((caught as TorrentError).kind).toBe('metainfo');
  expect((caught as TorrentError).message).toMatch(message);
}

/** The libtorrent fixture, decoded, changed by `edit`, encoded again. */
function edited(edit: (top: BDict, info: BDict) => void): Uint8Array {
  const top = decode(LT_HYBRID) as BDict;
  edit(top, dictGet(top, 'info') as BDict);
  return encode(top);
}

const v1Files = (info: BDict): BDict[] => dictGet(info, 'files') as BDict[];
const layers = (top: BDict): BDict => dictGet(top, 'piece layers') as BDict;
const firstLayerKey = (top: BDict): string => Array.from(layers(top).keys())[0]!;

describe('hybrid torrents made by libtorrent 2.0', () => {
  it('parse: v1 and v2 infohashes equal libtorrent, padding files marked, files on piece boundaries', () => {
    const meta = parseTorrent(LT_HYBRID);
    expect(meta.infoHashHex).toBe(LT_V1);
    expect(meta.infoHashV2Hex).toBe(LT_V2);
    expect(Array.from(meta.infoHashV2!)).toEqual(Array.from(createHash('sha256').update(meta.infoBytes).digest()));
    const real = meta.files.filter((f) => !f.padding);
    expect(real.map((f) => f.path)).toEqual([
      'hybrid-libtorrent/Z/Ä.txt',
      'hybrid-libtorrent/big.bin',
      'hybrid-libtorrent/d/e',
      'hybrid-libtorrent/d/f g.bin',
      'hybrid-libtorrent/d.txt',
      'hybrid-libtorrent/mid.bin',
      'hybrid-libtorrent/tiny',
      'hybrid-libtorrent/été.bin',
    ]);
    for (const f of real) if (f.length > 0) expect(f.offset % meta.pieceLength).toBe(0);
  });

  it('our createTorrent of the same files writes the same info dict, byte for byte', async () => {
    const bytes = await createTorrent({
      name: 'hybrid-libtorrent',
      version: 'hybrid',
      files: FILES.map((f) => ({ path: f.path, length: f.data.length })),
      singleFile: false,
      read: async (index, offset, length) => FILES[index]!.data.slice(offset, offset + length),
      hasher,
      pieceLength: 16384,
    });
    const ours = parseTorrent(bytes);
    expect(Buffer.from(ours.infoBytes).equals(Buffer.from(parseTorrent(LT_HYBRID).infoBytes))).toBe(true);
    expect(encode(dictGet(decode(bytes) as BDict, 'piece layers')!)).toEqual(encode(layers(decode(LT_HYBRID) as BDict)));
  });

  it('a bare info dict (as from ut_metadata, no piece layers) parses with its v2 infohash', () => {
    const meta = parseInfo(parseTorrent(LT_HYBRID).infoBytes);
    expect(meta.infoHashHex).toBe(LT_V1);
    expect(meta.infoHashV2Hex).toBe(LT_V2);
  });

  it('a hybrid without padding after its last file (as other creators write them) is accepted', () => {
    const meta = parseTorrent(
      edited((_, info) => {
        const files = v1Files(info);
        expect(Buffer.from((dictGet(files[files.length - 1]!, 'attr') as Uint8Array)).toString()).toBe('p');
        files.pop();
      }),
    );
    expect(meta.files[meta.files.length - 1]!.padding).toBe(false);
    expect(meta.infoHashV2Hex).toMatch(/^[0-9a-f]{64}$/);
  });

  it('magnet round trip: btih and btmh both', () => {
    const link = parseMagnet(toMagnet(parseTorrent(LT_HYBRID)));
    expect(link.infoHashHex).toBe(LT_V1);
    expect(link.infoHashV2Hex).toBe(LT_V2);
  });
});

describe('an inconsistent hybrid is refused with the reason', () => {
  it('no piece layers', () => expectMetainfoError(() => parseTorrent(edited((top) => top.delete('piece layers'))), /hybrid torrent has no piece layers/));
  it('a piece layer missing', () =>
    expectMetainfoError(() => parseTorrent(edited((top) => layers(top).delete(firstLayerKey(top)))), /the piece layer of ".*" is missing/));
  it('a piece layer of the wrong length', () =>
    expectMetainfoError(
      () => parseTorrent(edited((top) => layers(top).set(firstLayerKey(top), (layers(top).get(firstLayerKey(top)) as Uint8Array).subarray(32)))),
      /must hold \d+ hashes of 32 bytes/,
    ));
  it('a piece layer that does not hash to its pieces root', () =>
    expectMetainfoError(
      () =>
        parseTorrent(
          edited((top) => {
            const layer = (layers(top).get(firstLayerKey(top)) as Uint8Array).slice();
            layer[5]! ^= 1;
            layers(top).set(firstLayerKey(top), layer);
          }),
        ),
      /does not hash to its pieces root/,
    ));
  it('a v1 file length that differs from the file tree', () =>
    expectMetainfoError(
      () =>
        parseTorrent(
          edited((_, info) => {
            // "tiny" (1 byte) grows into its padding file, so the v1 total is unchanged.
            const files = v1Files(info);
            const tiny = files.findIndex((f) => Buffer.from((dictGet(f, 'path') as Uint8Array[])[0]!).toString() === 'tiny');
            files[tiny]!.set('length', 2);
            files[tiny + 1]!.set('length', (dictGet(files[tiny + 1]!, 'length') as number) - 1);
          }),
        ),
      /file "tiny" is 2 bytes in v1 but 1 in v2/,
    ));
  it('a v1 file renamed', () =>
    expectMetainfoError(
      () => parseTorrent(edited((_, info) => v1Files(info)[2]!.set('path', [new TextEncoder().encode('other.bin')]))),
      /v1 file "other.bin" stands where the v2 file tree has "big.bin"/,
    ));
  it('a file not on a piece boundary (padding moved)', () =>
    expectMetainfoError(
      () =>
        parseTorrent(
          edited((_, info) => {
            const files = v1Files(info);
            files[1]!.set('length', (dictGet(files[1]!, 'length') as number) - 100); // after Z/Ä.txt
            files[3]!.set('length', (dictGet(files[3]!, 'length') as number) + 100); // after big.bin
          }),
        ),
      /file "big.bin" does not start on a piece boundary/,
    ));
  it('a file in the tree but not in v1', () =>
    expectMetainfoError(
      () => parseTorrent(edited((_, info) => (dictGet(info, 'file tree') as BDict).set(binaryKey('ž.bin'), new Map([['', new Map<string, BValue>([['length', 0]])]])))),
      /v2 file "ž.bin" is not in the v1 file list/,
    ));
  it('a tree entry that is both a file and a folder', () =>
    expectMetainfoError(
      () =>
        parseTorrent(
          edited((_, info) => {
            const node = (dictGet(info, 'file tree') as BDict).get('tiny') as BDict;
            node.set('x', new Map([['', new Map<string, BValue>([['length', 0]])]]));
          }),
        ),
      /"tiny" is both a file and a folder/,
    ));
  it('a pieces root of the wrong size', () =>
    expectMetainfoError(
      () => parseTorrent(edited((_, info) => ((((dictGet(info, 'file tree') as BDict).get('tiny') as BDict).get('') as BDict).set('pieces root', new Uint8Array(20))))),
      /"tiny" needs a pieces root of 32 bytes/,
    ));
  it('an empty folder in the tree', () =>
    expectMetainfoError(() => parseTorrent(edited((_, info) => (dictGet(info, 'file tree') as BDict).set('empty', new Map()))), /empty folder at "empty"/));
  it('a file tree nested past the path depth limit', () => {
    let node: BDict = new Map([['', new Map<string, BValue>([['length', 0]])]]);
    for (let i = 0; i < 5; i++) node = new Map([['x', node]]);
    const bytes = edited((_, info) => (dictGet(info, 'file tree') as BDict).set('deep', node));
    expectMetainfoError(() => parseTorrent(bytes, { maxPathDepth: 4 }), /nested deeper than 4 folders/);
  });
  it('a piece length v2 cannot use', () => {
    const leaf = new Map<string, BValue>([['length', 100], ['pieces root', new Uint8Array(32)]]);
    const info = new Map<string, BValue>([
      ['file tree', new Map([['x', new Map([['', leaf]])]])],
      ['length', 100],
      ['meta version', 2],
      ['name', new TextEncoder().encode('x')],
      ['piece length', 20000],
      ['pieces', new Uint8Array(20)],
    ]);
    expectMetainfoError(() => parseTorrent(encode(new Map([['info', info]]))), /must be a power of two of at least 16 KiB \(got 20000\)/);
  });
  it('an unknown meta version', () => expectMetainfoError(() => parseTorrent(edited((_, info) => info.set('meta version', 3))), /unsupported meta version 3/));
  it('a v2-only torrent (no v1 pieces)', () =>
    expectMetainfoError(() => parseTorrent(edited((_, info) => info.delete('pieces'))), /v2-only torrents are not supported/));
  it('meta version 2 with no file tree', () =>
    expectMetainfoError(() => parseTorrent(edited((_, info) => info.delete('file tree'))), /meta version 2 but no file tree/));
});
