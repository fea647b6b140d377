import type { FileStorage, Hasher, PieceSegment } from '../../platform/interfaces/index.js';
import { StorageError } from '../../platform/interfaces/index.js';
import type { TorrentMeta } from '../metainfo/index.js';
import { TorrentError } from '../util/errors.js';
import { equalBytes } from '../util/bytes.js';
import { PieceMap } from './piece-map.js';

/**
 * Pieces on disk: write a verified piece across its files, read blocks for upload, hash-check.
 * Padding files (BEP 47) are never written; reads of padding yield zeros.
 */
export class PieceStore {
  readonly map: PieceMap;
  /**
   * Pieces verifyLent already wrote through storage.writeIfSha1 (null) or failed to write (the
   * error): the writePiece that follows a good verdict settles them instead of writing again.
   */
  private readonly writtenOnVerify = new Map<number, StorageError | null>();

  constructor(
    readonly meta: TorrentMeta,
    private readonly storage: FileStorage,
    private readonly hasher: Hasher,
  ) {
    this.map = new PieceMap(meta);
  }

  async verify(index: number, data: Uint8Array): Promise<boolean> {
    return this.matches(index, await this.hasher.sha1(data));
  }

  /**
   * Verify a whole piece buffer the caller gives up for the duration: the hasher may move it to
   * another thread. Returns the bytes (possibly a new array over the same memory) and the verdict.
   * When the storage can hash and write in one place (FileStorage.writeIfSha1), a good piece is
   * also written here, and the writePiece call that follows only reports how that went.
   */
  async verifyLent(index: number, data: Uint8Array): Promise<{ ok: boolean; data: Uint8Array }> {
    if (this.storage.writeIfSha1) {
      const result = await this.storage.writeIfSha1(data, this.expected(index), this.writableSegments(index));
      if (result.matched) this.writtenOnVerify.set(index, result.writeError ?? null);
      return { ok: result.matched, data: result.data };
    }
    if (!this.hasher.sha1Transfer) return { ok: await this.verify(index, data), data };
    const result = await this.hasher.sha1Transfer(data);
    return { ok: this.matches(index, result.digest), data: result.data };
  }

  private matches(index: number, digest: Uint8Array): boolean {
    return equalBytes(digest, this.expected(index));
  }

  private expected(index: number): Uint8Array {
    return this.meta.pieceHashes.subarray(index * 20, index * 20 + 20);
  }

  /** The piece's file segments that are stored (padding files never are). */
  private writableSegments(index: number): PieceSegment[] {
    const out: PieceSegment[] = [];
    for (const seg of this.map.segments(index)) {
      if (!seg.file.padding) out.push({ path: seg.file.path, offset: seg.fileOffset, pieceOffset: seg.pieceOffset, length: seg.length });
    }
    return out;
  }

  /** Write a verified piece; a no-op (or its error) when verifyLent already wrote it. */
  async writePiece(index: number, data: Uint8Array): Promise<void> {
    const settled = this.writtenOnVerify.get(index);
    if (settled !== undefined) {
      this.writtenOnVerify.delete(index);
      if (settled) await translate(Promise.reject(settled));
      return;
    }
    const writes: Promise<void>[] = [];
    for (const seg of this.writableSegments(index)) {
      writes.push(this.storage.write(seg.path, seg.offset, data.subarray(seg.pieceOffset, seg.pieceOffset + seg.length)));
    }
    await translate(Promise.all(writes));
  }

  async readBlock(index: number, begin: number, length: number): Promise<Uint8Array> {
    const segments = this.map.segments(index, begin, length);
    if (segments.length === 1 && !segments[0]!.file.padding) {
      const seg = segments[0]!;
      return translate(this.storage.read(seg.file.path, seg.fileOffset, seg.length));
    }
    const out = new Uint8Array(length);
    await translate(
      Promise.all(
        segments.map(async (seg) => {
          if (seg.file.padding) return;
          const bytes = await this.storage.read(seg.file.path, seg.fileOffset, seg.length);
          out.set(bytes, seg.pieceOffset - begin);
        }),
      ),
    );
    return out;
  }

  /** Read a whole piece and check its hash; false when data is missing or wrong. */
  async checkPiece(index: number, sizes: Map<string, number | null>): Promise<boolean> {
    for (const seg of this.map.segments(index)) {
      if (seg.file.padding) continue;
      const size = sizes.get(seg.file.path);
      if (size == null || size < seg.fileOffset + seg.length) return false;
    }
    try {
      const data = await this.readBlock(index, 0, this.map.pieceLength(index));
      return await this.verify(index, data);
    } catch {
      return false;
    }
  }

  /** Current on-disk sizes of every non-padding file (null when absent). */
  async fileSizes(): Promise<Map<string, number | null>> {
    const sizes = new Map<string, number | null>();
    for (const file of this.meta.files) {
      if (file.padding || sizes.has(file.path)) continue;
      sizes.set(file.path, await translate(this.storage.size(file.path)));
    }
    return sizes;
  }

  /** Create wanted empty files, which no piece ever writes. */
  async createEmptyFiles(wanted: (fileIndex: number) => boolean): Promise<void> {
    for (const file of this.meta.files) {
      if (file.length !== 0 || file.padding || !wanted(file.index)) continue;
      if ((await this.storage.size(file.path)) === null) await translate(this.storage.truncate(file.path, 0));
    }
  }

  async flush(): Promise<void> {
    await translate(this.storage.flush());
  }

  async close(): Promise<void> {
    await this.storage.close();
  }

  /** Bytes of one file in one storage read (streaming: the caller knows they are verified). */
  async readFile(file: TorrentMeta['files'][number], offset: number, length: number): Promise<Uint8Array> {
    return translate(this.storage.read(file.path, offset, length));
  }

  async deleteFiles(): Promise<void> {
    for (const file of this.meta.files) if (!file.padding) await this.storage.remove(file.path);
  }
}

/** Storage failures become TorrentErrors a user can act on (full disk gets its own kind). */
async function translate<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof StorageError) {
      if (error.kind === 'no-space') {
        // Adapters may already say so (Node: "disk full: …", OPFS: "browser storage is full: …"): say it once.
        throw new TorrentError('no-space', /\bfull\b/i.test(error.message) ? error.message : `disk full: ${error.message}`);
      }
      throw new TorrentError('storage', error.message);
    }
    throw error;
  }
}
