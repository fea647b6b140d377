import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decode, dictGet, encode, keyFromBytes, type BDict, type BValue } from '../../../src/engine/bencode/index.js';
import { createTorrent, parseTorrent, toMagnet, type CreateTorrentOptions } from '../../../src/engine/metainfo/index.js';
import type { Hasher } from '../../../src/platform/interfaces/hash.js';

const hasher: Hasher = {
  sha1: async (data) => new Uint8Array(createHash('sha1').update(data).digest()),
  sha256: async (data) => new Uint8Array(createHash('sha256').update(data).digest()),
};
const sha256 = (data: Uint8Array): Buffer => createHash('sha256').update(data).digest();
const sha1 = (data: Uint8Array): Buffer => createHash('sha1').update(data).digest();
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** Byte i of a file with seed k is (i * 7 + k) mod 256, as the libtorrent fixtures below were made. */
const content = (length: number, seed: number): Uint8Array => Uint8Array.from({ length }, (_, i) => (i * 7 + seed) & 0xff);

interface Input {
  path: string[];
  data: Uint8Array;
}

function options(files: Input[], rest: Partial<CreateTorrentOptions> = {}): CreateTorrentOptions {
  return {
    name: 'sample',
    version: 'hybrid',
    files: files.map((f) => ({ path: f.path, length: f.data.length })),
    singleFile: false,
    read: async (index, offset, length) => files[index]!.data.slice(offset, offset + length),
    hasher,
    ...rest,
  };
}

/** BEP 52 merkle root computed the plain way: 16 KiB leaves, zero leaves up to `width`, hashed pairwise. */
function referenceRoot(leaves: Buffer[], width: number): Buffer {
  let level = [...leaves];
  while (level.length < width) level.push(Buffer.alloc(32));
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(sha256(Buffer.concat([level[i]!, level[i + 1]!])));
    level = next;
  }
  return level[0]!;
}

function referenceLeaves(data: Uint8Array): Buffer[] {
  const leaves: Buffer[] = [];
  for (let at = 0; at < data.length; at += 16384) leaves.push(sha256(data.subarray(at, at + 16384)));
  return leaves;
}

const pow2 = (n: number): number => 2 ** Math.ceil(Math.log2(Math.max(1, n)));

function referencePiecesRoot(data: Uint8Array): Buffer {
  const leaves = referenceLeaves(data);
  return referenceRoot(leaves, pow2(leaves.length));
}

function referencePieceLayer(data: Uint8Array, pieceLength: number): Buffer {
  const leaves = referenceLeaves(data);
  const perPiece = pieceLength / 16384;
  const out: Buffer[] = [];
  for (let i = 0; i < leaves.length; i += perPiece) out.push(referenceRoot(leaves.slice(i, i + perPiece), perPiece));
  return Buffer.concat(out);
}

function decodeTorrent(bytes: Uint8Array): { top: BDict; info: BDict } {
  const top = decode(bytes) as BDict;
  return { top, info: dictGet(top, 'info') as BDict };
}

function treeLeaf(info: BDict, path: string[]): BDict {
  let node = dictGet(info, 'file tree') as BDict;
  for (const part of path) node = dictGet(node, part) as BDict;
  return dictGet(node, '') as BDict;
}

function v1Files(info: BDict): { path: string; length: number; attr?: string }[] {
  return (dictGet(info, 'files') as BValue[]).map((item) => {
    const entry = item as BDict;
    const attr = dictGet(entry, 'attr') as Uint8Array | undefined;
    return {
      path: (dictGet(entry, 'path') as Uint8Array[]).map((p) => Buffer.from(p).toString()).join('/'),
      length: dictGet(entry, 'length') as number,
      ...(attr ? { attr: Buffer.from(attr).toString() } : {}),
    };
  });
}

// The same files and contents as the libtorrent 2.0.8 fixtures (lt.create_torrent of the folder, no flags).
const SAMPLE: Input[] = [
  { path: ['a.txt'], data: content(1000, 1) },
  { path: ['sub', 'b.bin'], data: content(70000, 2) },
  { path: ['sub', 'empty.dat'], data: content(0, 3) },
  { path: ['z.bin'], data: content(40000, 4) },
];
const SAMPLE2: Input[] = [
  { path: ['big.bin'], data: content(200000, 5) },
  { path: ['mid.bin'], data: content(16384, 6) },
  { path: ['tiny'], data: content(1, 7) },
  { path: ['d', 'e'], data: content(0, 8) },
  { path: ['d.txt'], data: content(20000, 9) },
  { path: ['d', 'f g.bin'], data: content(50000, 10) },
];

describe('createTorrent hybrid (BEP 52 + v1)', () => {
  it('infohashes equal libtorrent 2.0.8 for a folder with an empty file and unaligned files', async () => {
    const meta = parseTorrent(await createTorrent(options(SAMPLE, { pieceLength: 32768 })));
    expect(meta.infoHashHex).toBe('aba09b2c6ec68331cd57697ad212f89861d59cf5');
    expect(meta.infoHashV2Hex).toBe('d653b6e3d09e69535fe62a3608f0636d75c084094f58021f661b1dbf5e0c65e6');
  });

  it('infohashes equal libtorrent 2.0.8 with a piece layer that is not a power of two and files given out of order', async () => {
    const meta = parseTorrent(await createTorrent(options(SAMPLE2, { name: 'sample2', pieceLength: 16384 })));
    expect(meta.infoHashHex).toBe('e623986bab71d46461af5fbe38f2c8e2a8f544cb');
    expect(meta.infoHashV2Hex).toBe('8c02960e3130d20a1bbfa8beac117a79b78090e7ed803bc5d172d48fd0e759b6');
  });

  it('single-file infohashes equal libtorrent 2.0.8, with no padding', async () => {
    const data = content(100000, 11);
    const bytes = await createTorrent(options([{ path: ['one.bin'], data }], { name: 'one.bin', singleFile: true, pieceLength: 16384 }));
    const meta = parseTorrent(bytes);
    expect(meta.infoHashHex).toBe('dec2a065f5cfba2e5d0b12fd5dd9637c6f8730d1');
    expect(meta.infoHashV2Hex).toBe('e4c6599b6d041f73134fe4805b522d0a37f8d5f8f72fa61b526e6b8ea4a745c1');
    const { info } = decodeTorrent(bytes);
    expect(dictGet(info, 'length')).toBe(100000);
    expect(meta.totalLength).toBe(100000);
    expect(hex(dictGet(treeLeaf(info, ['one.bin']), 'pieces root') as Uint8Array)).toBe(hex(referencePiecesRoot(data)));
  });

  it('pieces roots are the merkle roots of 16 KiB blocks padded with zero leaves (computed here with node:crypto)', async () => {
    const { info } = decodeTorrent(await createTorrent(options(SAMPLE2, { pieceLength: 16384 })));
    for (const file of SAMPLE2) {
      const leaf = treeLeaf(info, file.path);
      expect(dictGet(leaf, 'length')).toBe(file.data.length);
      if (file.data.length === 0) expect(dictGet(leaf, 'pieces root')).toBeUndefined();
      else expect(hex(dictGet(leaf, 'pieces root') as Uint8Array)).toBe(hex(referencePiecesRoot(file.data)));
    }
    // A file of one block or less: the root is the SHA-256 of its bytes.
    expect(hex(dictGet(treeLeaf(info, ['tiny']), 'pieces root') as Uint8Array)).toBe(hex(sha256(content(1, 7))));
  });

  it('piece layers: one hash per piece for each file larger than a piece, none for the others', async () => {
    const pieceLength = 32768;
    const { top } = decodeTorrent(await createTorrent(options(SAMPLE2, { pieceLength })));
    const layers = dictGet(top, 'piece layers') as BDict;
    const larger = SAMPLE2.filter((f) => f.data.length > pieceLength);
    expect(layers.size).toBe(larger.length);
    for (const file of larger) {
      const layer = layers.get(keyFromBytes(referencePiecesRoot(file.data), 0, 32)) as Uint8Array;
      expect(layer.length).toBe(Math.ceil(file.data.length / pieceLength) * 32);
      expect(hex(layer)).toBe(hex(referencePieceLayer(file.data, pieceLength)));
    }
  });

  it('v1 part: file-tree order, a padding file after every unaligned non-empty file (the last too), none after empty ones', async () => {
    const { info } = decodeTorrent(await createTorrent(options(SAMPLE, { pieceLength: 32768 })));
    expect(v1Files(info)).toEqual([
      { path: 'a.txt', length: 1000 },
      { path: '.pad/31768', length: 31768, attr: 'p' },
      { path: 'sub/b.bin', length: 70000 },
      { path: '.pad/28304', length: 28304, attr: 'p' },
      { path: 'sub/empty.dat', length: 0 },
      { path: 'z.bin', length: 40000 },
      { path: '.pad/25536', length: 25536, attr: 'p' },
    ]);
    expect(dictGet(info, 'meta version')).toBe(2);
  });

  it('orders files by path component bytes, as the file tree does ("d/…" before "d.txt")', async () => {
    const { info } = decodeTorrent(await createTorrent(options(SAMPLE2, { pieceLength: 16384 })));
    expect(v1Files(info).filter((f) => f.attr === undefined).map((f) => f.path)).toEqual(['big.bin', 'd/e', 'd/f g.bin', 'd.txt', 'mid.bin', 'tiny']);
  });

  it('v1 piece hashes cover each file with zeros for its padding', async () => {
    const pieceLength = 16384;
    const bytes = await createTorrent(options(SAMPLE2, { pieceLength }));
    const meta = parseTorrent(bytes);
    const order = ['big.bin', 'd/e', 'd/f g.bin', 'd.txt', 'mid.bin', 'tiny'].map((p) => SAMPLE2.find((f) => f.path.join('/') === p)!.data);
    const stream = Buffer.concat(order.map((d) => Buffer.concat([d, Buffer.alloc((pieceLength - (d.length % pieceLength)) % pieceLength)])));
    expect(meta.totalLength).toBe(stream.length);
    const expected = Buffer.concat(Array.from({ length: stream.length / pieceLength }, (_, i) => sha1(stream.subarray(i * pieceLength, (i + 1) * pieceLength))));
    expect(hex(meta.pieceHashes)).toBe(hex(expected));
    expect(meta.files.filter((f) => f.padding).every((f) => f.path.includes('.pad'))).toBe(true);
    for (const f of meta.files) if (!f.padding && f.length > 0) expect(f.offset % pieceLength).toBe(0);
  });

  it('toMagnet of a hybrid has both xt (btih and btmh) and parses back', async () => {
    const meta = parseTorrent(await createTorrent(options(SAMPLE, { pieceLength: 32768 })));
    const magnet = toMagnet(meta);
    expect(magnet).toContain(`xt=urn:btih:${meta.infoHashHex}`);
    expect(magnet).toContain(`xt=urn:btmh:1220${meta.infoHashV2Hex}`);
  });

  it('reports progress up to the content size (padding not counted)', async () => {
    const seen: number[] = [];
    await createTorrent(options(SAMPLE, { pieceLength: 32768, onProgress: (hashed) => seen.push(hashed) }));
    expect(seen[seen.length - 1]).toBe(111000);
  });

  it('refuses a piece length v2 cannot use', async () => {
    await expect(createTorrent(options(SAMPLE, { pieceLength: 8192 }))).rejects.toThrow(/power of two of at least 16 KiB/);
    await expect(createTorrent(options(SAMPLE, { pieceLength: 49152 }))).rejects.toThrow(/power of two/);
  });

  it('refuses the same path twice, and a path that is both a file and a folder', async () => {
    const twice = [{ path: ['x'], data: content(5, 1) }, { path: ['x'], data: content(6, 2) }];
    await expect(createTorrent(options(twice))).rejects.toThrow(/appears twice/);
    const clash = [{ path: ['x'], data: content(5, 1) }, { path: ['x', 'y'], data: content(6, 2) }];
    await expect(createTorrent(options(clash))).rejects.toThrow(/both a file and a folder|goes through a file/);
  });

  it('the default (no version) still writes v1 with no v2 keys', async () => {
    const { top, info } = decodeTorrent(await createTorrent({ ...options(SAMPLE, { pieceLength: 32768 }), version: undefined }));
    expect(info.has('file tree')).toBe(false);
    expect(info.has('meta version')).toBe(false);
    expect(top.has('piece layers')).toBe(false);
    expect(parseTorrent(encode(top)).infoHashV2Hex).toBeUndefined();
  });
});
