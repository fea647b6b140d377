import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decode, type BDict } from '../../../src/engine/bencode/index.js';
import { createTorrent, parseTorrent, pickPieceLength, type CreateTorrentOptions } from '../../../src/engine/metainfo/index.js';
import type { Hasher } from '../../../src/platform/interfaces/hash.js';

const hasher: Hasher = {
  sha1: async (data) => new Uint8Array(createHash('sha1').update(data).digest()),
  sha256: async (data) => new Uint8Array(createHash('sha256').update(data).digest()),
};

/** The fixture script's content: byte i of a file with seed k is (i * 7 + k) mod 256. */
const content = (length: number, seed: number): Uint8Array => Uint8Array.from({ length }, (_, i) => (i * 7 + seed) & 0xff);

function options(files: { path: string[]; data: Uint8Array }[], rest: Partial<CreateTorrentOptions> = {}): CreateTorrentOptions {
  return {
    name: 'sample',
    files: files.map((f) => ({ path: f.path, length: f.data.length })),
    singleFile: false,
    read: async (index, offset, length) => files[index]!.data.slice(offset, offset + length),
    hasher,
    ...rest,
  };
}

const MKTORRENT_SAMPLE = [
  { path: ['a.txt'], data: content(1000, 1) },
  { path: ['sub', 'b.bin'], data: content(70000, 2) },
  { path: ['sub', 'empty.dat'], data: content(0, 3) },
  { path: ['z.bin'], data: content(40000, 4) },
];

describe('createTorrent', () => {
  it('multi-file output has the infohash libtorrent gives the mktorrent fixture', async () => {
    const bytes = await createTorrent(options(MKTORRENT_SAMPLE, { pieceLength: 32768, announce: [['http://tracker.example/announce']] }));
    expect(parseTorrent(bytes).infoHashHex).toBe('64d09c328b6e64f5b9393894b48dbc73232d79bc');
  });
  it('single-file private output has the infohash libtorrent gives the mktorrent fixture', async () => {
    const data = content(100000, 5);
    const bytes = await createTorrent(
      options([{ path: ['single.bin'], data }], {
        name: 'single.bin',
        singleFile: true,
        private: true,
        pieceLength: 32768,
        announce: [['http://tracker.example/announce'], ['udp://tracker.example:6969']],
        urlList: ['http://seed.example/'],
      }),
    );
    const meta = parseTorrent(bytes);
    expect(meta.infoHashHex).toBe('684f8a425e0ac39919af7c1c09df009eb6ca0ef6');
    expect(meta.private).toBe(true);
    expect(meta.announce).toEqual([['http://tracker.example/announce'], ['udp://tracker.example:6969']]);
    expect(meta.urlList).toEqual(['http://seed.example/']);
  });
  it('piece hashes are SHA-1 of the concatenated data across file boundaries', async () => {
    const files = [
      { path: ['x'], data: content(5000, 9) },
      { path: ['y'], data: content(12000, 8) },
    ];
    const meta = parseTorrent(await createTorrent(options(files, { pieceLength: 4096 })));
    const all = new Uint8Array(17000);
    all.set(files[0]!.data);
    all.set(files[1]!.data, 5000);
    expect(meta.pieceCount).toBe(5);
    for (let i = 0; i < 5; i++) {
      const expected = createHash('sha1').update(all.subarray(i * 4096, Math.min(17000, (i + 1) * 4096))).digest();
      expect(Buffer.from(meta.pieceHashes.subarray(i * 20, i * 20 + 20)).equals(expected)).toBe(true);
    }
  });
  it('empty files are included', async () => {
    const meta = parseTorrent(await createTorrent(options(MKTORRENT_SAMPLE, { pieceLength: 32768 })));
    expect(meta.files.map((f) => f.path)).toContain('sample/sub/empty.dat');
    expect(meta.files).toHaveLength(4);
  });
  it('the default piece length comes from pickPieceLength', async () => {
    const meta = parseTorrent(await createTorrent(options(MKTORRENT_SAMPLE)));
    expect(meta.pieceLength).toBe(16384);
  });
  it('optional top-level fields are written', async () => {
    const bytes = await createTorrent(options(MKTORRENT_SAMPLE, { comment: 'hi', createdBy: 'TorrentEdge', creationDate: 1700000000 }));
    const meta = parseTorrent(bytes);
    expect([meta.comment, meta.createdBy, meta.creationDate]).toEqual(['hi', 'TorrentEdge', 1700000000]);
  });
  it('a single tracker is written as announce only, several as announce-list too', async () => {
    const one = decode(await createTorrent(options(MKTORRENT_SAMPLE, { announce: [['udp://a:1']] }))) as BDict;
    expect(one.has('announce')).toBe(true);
    expect(one.has('announce-list')).toBe(false);
    const two = decode(await createTorrent(options(MKTORRENT_SAMPLE, { announce: [['udp://a:1', 'udp://b:2']] }))) as BDict;
    expect(two.has('announce-list')).toBe(true);
  });
  it('reports progress up to the total', async () => {
    const seen: number[] = [];
    await createTorrent(options(MKTORRENT_SAMPLE, { pieceLength: 16384, onProgress: (hashed, total) => seen.push(hashed / total) }));
    expect(seen.length).toBe(Math.ceil(111000 / 16384));
    expect(Math.max(...seen)).toBe(1);
  });
  it('a short read (file changed) is an error', async () => {
    const bad = options(MKTORRENT_SAMPLE, { read: async (_i, _o, length) => new Uint8Array(Math.max(0, length - 1)) });
    await expect(createTorrent(bad)).rejects.toThrow(/instead of .*did the file change/);
  });
  it('a failing hasher is an error, not an unhandled rejection', async () => {
    const failing: Hasher = { sha1: async () => Promise.reject(new Error('hash boom')), sha256: hasher.sha256 };
    await expect(createTorrent(options(MKTORRENT_SAMPLE, { hasher: failing, pieceLength: 16384 }))).rejects.toThrow('hash boom');
  });
  it('refuses only-empty files, no files, bad lengths and bad path components', async () => {
    await expect(createTorrent(options([{ path: ['e'], data: new Uint8Array(0) }]))).rejects.toThrow(/all files are empty/);
    await expect(createTorrent(options([]))).rejects.toThrow(/no files/);
    await expect(createTorrent({ ...options(MKTORRENT_SAMPLE), files: [{ path: ['a'], length: -1 }] })).rejects.toThrow(/invalid length/);
    await expect(createTorrent(options([{ path: ['..', 'x'], data: content(5, 1) }]))).rejects.toThrow(/invalid path component/);
    await expect(createTorrent(options(MKTORRENT_SAMPLE, { singleFile: true }))).rejects.toThrow(/exactly one file/);
  });
});

describe('pickPieceLength', () => {
  it('small content gets the 16 KiB minimum', () => {
    expect(pickPieceLength(1)).toBe(16384);
    expect(pickPieceLength(2000 * 16384)).toBe(16384);
  });
  it('aims for 1000-2000 pieces', () => {
    for (const total of [100e6, 700e6, 4.7e9]) {
      const length = pickPieceLength(total);
      const pieces = Math.ceil(total / length);
      expect(pieces).toBeGreaterThan(1000);
      expect(pieces).toBeLessThanOrEqual(2000);
      expect(Math.log2(length) % 1).toBe(0);
    }
  });
  it('huge content is capped at 16 MiB', () => {
    expect(pickPieceLength(1e13)).toBe(16 * 1024 * 1024);
  });
});
