/**
 * The combined hash-and-write path (FileStorage.writeIfSha1) in real Chromium: the piece goes to
 * the storage worker once, is hashed there and written only if it matches, and comes back. Also
 * through the engine's PieceStore (verifyLent + writePiece), as the torrent drives it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowserFixture, type BrowserFixture } from './harness.js';

let fx: BrowserFixture;

beforeAll(async () => {
  fx = await openBrowserFixture();
}, 60_000);
afterAll(async () => {
  await fx?.close();
});

describe('OpfsStorage.writeIfSha1 in Chromium', () => {
  it('writes a matching piece across two files and gives the same bytes back', async () => {
    const result = await fx.page.evaluate(async () => {
      const manager = new te.OpfsStorageManager();
      const s = await manager.open('verified');
      const piece = new Uint8Array(256 * 1024);
      for (let i = 0; i < piece.length; i++) piece[i] = (i * 13 + 7) & 0xff;
      const copy = piece.slice();
      const sha1 = new Uint8Array(await crypto.subtle.digest('SHA-1', copy));
      const segments = [
        { path: 'a.bin', offset: 1000, pieceOffset: 0, length: 100_000 },
        { path: 'dir/b.bin', offset: 0, pieceOffset: 100_000, length: piece.length - 100_000 },
      ];
      const out = await s.writeIfSha1(piece, sha1, segments);
      const a = await s.read('a.bin', 1000, 100_000);
      const b = await s.read('dir/b.bin', 0, copy.length - 100_000);
      const same = (x: Uint8Array, y: Uint8Array) => x.length === y.length && x.every((v, i) => v === y[i]);
      const summary = {
        matched: out.matched,
        writeError: out.writeError?.message ?? null,
        lentDetached: piece.byteLength,
        back: same(out.data, copy),
        a: same(a, copy.subarray(0, 100_000)),
        b: same(b, copy.subarray(100_000)),
      };
      await manager.removeRoot('verified');
      await manager.close();
      return summary;
    });
    expect(result).toEqual({ matched: true, writeError: null, lentDetached: 0, back: true, a: true, b: true });
  });

  it('writes nothing when the hash does not match, and still gives the bytes back', async () => {
    const result = await fx.page.evaluate(async () => {
      const manager = new te.OpfsStorageManager();
      const s = await manager.open('mismatch');
      const piece = new Uint8Array(128 * 1024).fill(5);
      const sha1 = new Uint8Array(await crypto.subtle.digest('SHA-1', piece));
      piece[77] = 6; // one corrupted byte
      const out = await s.writeIfSha1(piece, sha1, [{ path: 'x.bin', offset: 0, pieceOffset: 0, length: piece.length }]);
      const summary = { matched: out.matched, size: await s.size('x.bin'), length: out.data.length, byte: out.data[77], other: out.data[78] };
      await manager.removeRoot('mismatch');
      await manager.close();
      return summary;
    });
    expect(result).toEqual({ matched: false, size: null, length: 128 * 1024, byte: 6, other: 5 });
  });

  it('refuses a segment outside the piece or the root before sending anything', async () => {
    const result = await fx.page.evaluate(async () => {
      const manager = new te.OpfsStorageManager();
      const s = await manager.open('bad-segment');
      const piece = new Uint8Array(1024);
      const sha1 = new Uint8Array(20);
      const out = {
        outside: await te.failure(s.writeIfSha1(piece, sha1, [{ path: 'f', offset: 0, pieceOffset: 1000, length: 100 }])),
        escape: await te.failure(s.writeIfSha1(piece, sha1, [{ path: '../f', offset: 0, pieceOffset: 0, length: 10 }])),
        stillUsable: piece.byteLength,
      };
      await manager.close();
      return out;
    });
    expect(result.outside?.kind).toBe('io');
    expect(result.escape?.kind).toBe('outside-root');
    expect(result.stillUsable).toBe(1024);
  });
});

describe('PieceStore over OpfsStorage (hash and write in the storage worker)', () => {
  /** Two files, 256 KiB pieces: piece 1 spans both files. */
  async function setUp(root: string) {
    return fx.page.evaluate(async (root: string) => {
      const content = new Uint8Array(1000 * 1024);
      for (let i = 0; i < content.length; i++) content[i] = (i * 31 + (i >> 10)) & 0xff;
      const files = [
        { path: ['a.bin'], length: 300 * 1024 },
        { path: ['b.bin'], length: 700 * 1024 },
      ];
      const starts = [0, 300 * 1024];
      const torrent = await te.createTorrent({
        name: 'pair',
        files,
        singleFile: false,
        pieceLength: 256 * 1024,
        hasher: new te.WebCryptoHasher(),
        read: async (file, offset, length) => content.slice(starts[file]! + offset, starts[file]! + offset + length),
      });
      te.held[root] = { content, meta: te.parseTorrent(torrent) };
      return null;
    }, root);
  }

  it('a good piece is written by verifyLent; writePiece then writes nothing more', async () => {
    await setUp('store-good');
    const result = await fx.page.evaluate(async () => {
      const { content, meta } = te.held['store-good'] as { content: Uint8Array; meta: ReturnType<typeof te.parseTorrent> };
      const manager = new te.OpfsStorageManager();
      const storage = await manager.open('store-good');
      const store = new te.PieceStore(meta, storage, new te.WebCryptoHasher());
      const piece = content.slice(256 * 1024, 512 * 1024);
      const checked = await store.verifyLent(1, piece);
      // Written already, before writePiece: the storage worker did it.
      const sizes = { a: await storage.size(meta.files[0]!.path), b: await storage.size(meta.files[1]!.path) };
      await store.writePiece(1, checked.data);
      const back = await store.readBlock(1, 0, 256 * 1024);
      const same = back.every((v, i) => v === content[256 * 1024 + i]);
      await manager.removeRoot('store-good');
      await manager.close();
      return { ok: checked.ok, detached: piece.byteLength, sizes, same };
    });
    expect(result).toEqual({ ok: true, detached: 0, sizes: { a: 300 * 1024, b: 212 * 1024 }, same: true });
  });

  it('a corrupted piece fails verification and leaves the files untouched', async () => {
    await setUp('store-bad');
    const result = await fx.page.evaluate(async () => {
      const { content, meta } = te.held['store-bad'] as { content: Uint8Array; meta: ReturnType<typeof te.parseTorrent> };
      const manager = new te.OpfsStorageManager();
      const storage = await manager.open('store-bad');
      const store = new te.PieceStore(meta, storage, new te.WebCryptoHasher());
      const piece = content.slice(0, 256 * 1024);
      piece[1234] ^= 0xff;
      const checked = await store.verifyLent(0, piece);
      const out = { ok: checked.ok, length: checked.data.length, size: await storage.size(meta.files[0]!.path) };
      await manager.removeRoot('store-bad');
      await manager.close();
      return out;
    });
    expect(result).toEqual({ ok: false, length: 256 * 1024, size: null });
  });

  it('a full quota surfaces from writePiece as no-space, and the piece bytes come back intact', async () => {
    const page = await fx.newPage();
    const cdp = await page.createCDPSession();
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: fx.origin, quotaSize: 4 * 1024 * 1024 });
    const result = await page.evaluate(async () => {
      // 1 MiB pieces of a 16 MiB single file: the quota runs out after a few.
      const pieceLength = 1024 * 1024;
      const content = new Uint8Array(16 * pieceLength);
      for (let i = 0; i < content.length; i += 4096) content[i] = (i >> 12) & 0xff;
      const torrent = await te.createTorrent({
        name: 'big.bin',
        files: [{ path: ['big.bin'], length: content.length }],
        singleFile: true,
        pieceLength,
        hasher: new te.WebCryptoHasher(),
        read: async (_file, offset, length) => content.slice(offset, offset + length),
      });
      const meta = te.parseTorrent(torrent);
      const manager = new te.OpfsStorageManager();
      const storage = await manager.open('store-quota');
      const store = new te.PieceStore(meta, storage, new te.WebCryptoHasher());
      let out = null;
      for (let index = 0; index < 16 && !out; index++) {
        const checked = await store.verifyLent(index, content.slice(index * pieceLength, (index + 1) * pieceLength));
        const error = await te.failure(store.writePiece(index, checked.data));
        if (error) {
          const intact = checked.data.every((v, i) => v === content[index * pieceLength + i]);
          out = { index, ok: checked.ok, intact, error };
        }
      }
      await manager.removeRoot('store-quota');
      await manager.close();
      return out;
    });
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: fx.origin });
    await page.close();
    expect(result).not.toBeNull();
    expect(result!.ok).toBe(true);
    expect(result!.intact).toBe(true);
    expect(result!.error.name).toBe('TorrentError');
    expect(result!.error.kind).toBe('no-space');
    expect(result!.error.message).toMatch(/browser storage is full/);
  });
});
