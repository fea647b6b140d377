/**
 * Hybrid torrent creation (BEP 52 with a BEP 3 part for v1 peers). One read of each file feeds
 * both: SHA-1 of each v1 piece (padding bytes are zeros) and SHA-256 of each 16 KiB block, the
 * leaves of the file's merkle tree. Every file starts on a piece boundary (hybrid-layout.ts),
 * so a piece holds one file's bytes only and each file is hashed on its own.
 */
import { binaryKey, keyFromBytes, type BEncodable } from '../bencode/index.js';
import { TorrentError } from '../util/errors.js';
import { sha256 } from '../util/sha256.js';
import { checkOptions, fail, HASHES_IN_FLIGHT, MIN_PIECE_LENGTH, pickPieceLength, READ_CHUNK, torrentBytes, type CreateTorrentOptions } from './create-common.js';
import { buildFileTree, compareTreePaths, treeComponents, type FileTreeEntry } from './v2/file-tree.js';
import { hybridLayout, paddingEntry } from './v2/hybrid-layout.js';
import { fileTreeShape, MERKLE_BLOCK_SIZE, MerkleHasher, rootFromLeaves, rootFromPieceLayer } from './v2/merkle.js';

interface HashedFile {
  piecesRoot: Uint8Array;
  /** Concatenated piece hashes when the file is larger than a piece (BEP 52 `piece layers`). */
  layer?: Uint8Array;
}

function isPowerOfTwo(n: number): boolean {
  return Number.isSafeInteger(n) && n > 0 && (n & (n - 1)) === 0;
}

/** Files in file-tree order: the order BEP 52 requires of both parts. */
function treeOrder(options: CreateTorrentOptions): { index: number; components: string[] }[] {
  if (options.singleFile) return [{ index: 0, components: [binaryKey(options.name)] }];
  const order = options.files.map((file, index) => ({ index, components: treeComponents(file.path) }));
  order.sort((a, b) => compareTreePaths(a.components, b.components));
  return order;
}

class HybridHasher {
  private readonly merkle = new MerkleHasher(sha256);
  private readonly inFlight: Promise<void>[] = [];
  private hashed = 0;

  constructor(
    private readonly options: CreateTorrentOptions,
    private readonly pieceLength: number,
    private readonly total: number,
    private readonly v1Hashes: Uint8Array,
  ) {}

  /** Hashes file `index`, whose first v1 piece is `firstPiece`. */
  async hashFile(index: number, firstPiece: number, padded: boolean): Promise<HashedFile> {
    const { length } = this.options.files[index]!;
    const shape = fileTreeShape(length, this.pieceLength);
    const blocksPerPiece = this.pieceLength / MERKLE_BLOCK_SIZE;
    // A file larger than a piece keeps one hash per piece (its piece layer), never all its
    // leaves; a smaller one keeps its few leaves for its root.
    const layer: Uint8Array[] = new Array(shape.hasLayer ? shape.pieceCount : 0);
    let leaves: Uint8Array[] = [];
    for (let piece = 0; piece < shape.pieceCount; piece++) {
      const start = piece * this.pieceLength;
      const dataLength = Math.min(this.pieceLength, length - start);
      // Padding follows every unaligned file but a lone one: its bytes are the zeros of a fresh buffer.
      const buffer = new Uint8Array(padded ? this.pieceLength : dataLength);
      await this.readInto(index, start, buffer, dataLength);
      await this.submit(buffer, dataLength, firstPiece + piece, (pieceLeaves) => {
        if (shape.hasLayer) layer[piece] = this.merkle.root(pieceLeaves, blocksPerPiece, 0);
        else leaves = pieceLeaves;
      });
    }
    await Promise.all(this.inFlight.splice(0));
    if (!shape.hasLayer) return { piecesRoot: rootFromLeaves(this.merkle, leaves) };
    const joined = new Uint8Array(layer.length * 32);
    layer.forEach((hash, i) => joined.set(hash, i * 32));
    return { piecesRoot: rootFromPieceLayer(this.merkle, layer, this.pieceLength), layer: joined };
  }

  private async readInto(index: number, start: number, buffer: Uint8Array, dataLength: number): Promise<void> {
    for (let filled = 0; filled < dataLength; ) {
      const wanted = Math.min(dataLength - filled, READ_CHUNK);
      const data = await this.options.read(index, start + filled, wanted);
      if (data.length !== wanted) {
        fail(`reading ${JSON.stringify(this.options.files[index]!.path.join('/'))} at ${start + filled} gave ${data.length} bytes instead of ${wanted} (did the file change?)`);
      }
      buffer.set(data, filled);
      filled += wanted;
    }
  }

  private async submit(buffer: Uint8Array, dataLength: number, pieceIndex: number, done: (leaves: Uint8Array[]) => void): Promise<void> {
    const { hasher } = this.options;
    const blocks: Promise<Uint8Array>[] = [];
    for (let at = 0; at < dataLength; at += MERKLE_BLOCK_SIZE) {
      blocks.push(hasher.sha256(buffer.subarray(at, Math.min(at + MERKLE_BLOCK_SIZE, dataLength))));
    }
    const pending = Promise.all([hasher.sha1(buffer), Promise.all(blocks)]).then(([digest, leaves]) => {
      if (digest.length !== 20) throw new TorrentError('internal', `create: hasher returned ${digest.length} bytes for SHA-1`);
      if (leaves.some((leaf) => leaf.length !== 32)) throw new TorrentError('internal', 'create: hasher returned a SHA-256 digest that is not 32 bytes');
      this.v1Hashes.set(digest, pieceIndex * 20);
      done(leaves);
      this.hashed += dataLength;
      this.options.onProgress?.(this.hashed, this.total);
    });
    pending.catch(() => undefined); // Awaited in hashFile; this only keeps an early failure from being reported as unhandled.
    this.inFlight.push(pending);
    if (this.inFlight.length >= HASHES_IN_FLIGHT) await this.inFlight.shift();
  }
}

/** The bencoded hybrid .torrent: v1 `pieces`/`files` with padding, v2 `file tree`, `meta version` 2 and `piece layers`. */
export async function createHybridTorrent(options: CreateTorrentOptions): Promise<Uint8Array> {
  const total = checkOptions(options);
  const pieceLength = options.pieceLength ?? pickPieceLength(total);
  if (!isPowerOfTwo(pieceLength) || pieceLength < MIN_PIECE_LENGTH) {
    fail(`a hybrid torrent needs a piece length that is a power of two of at least 16 KiB (BEP 52), not ${pieceLength}`);
  }
  const order = treeOrder(options);
  // Refuses duplicate and clashing paths before any hashing.
  buildFileTree(order.map(({ index, components }) => ({ components, length: options.files[index]!.length })));

  const slots = hybridLayout(
    order.map(({ index }) => options.files[index]!.length),
    order.map(({ index }) => index),
    pieceLength,
    options.singleFile,
  );
  const v1Total = slots.reduce((sum, slot) => sum + slot.length, 0);
  const v1Hashes = new Uint8Array(Math.ceil(v1Total / pieceLength) * 20);
  const hasher = new HybridHasher(options, pieceLength, total, v1Hashes);
  const hashed = new Map<number, HashedFile>();
  for (const slot of slots) {
    if (slot.source < 0 || slot.length === 0) continue;
    hashed.set(slot.source, await hasher.hashFile(slot.source, slot.offset / pieceLength, !options.singleFile));
  }

  const entries: FileTreeEntry[] = order.map(({ index, components }) => {
    const length = options.files[index]!.length;
    return length === 0 ? { components, length } : { components, length, piecesRoot: hashed.get(index)!.piecesRoot };
  });
  const pieceLayers = new Map<string, BEncodable>();
  for (const file of hashed.values()) if (file.layer) pieceLayers.set(keyFromBytes(file.piecesRoot, 0, 32), file.layer);

  const info: Record<string, BEncodable | undefined> = {
    'file tree': buildFileTree(entries),
    'meta version': 2,
    name: options.name,
    'piece length': pieceLength,
    pieces: v1Hashes,
    private: options.private ? 1 : undefined, // BEP 27
  };
  if (options.singleFile) info['length'] = options.files[0]!.length;
  else info['files'] = slots.map((slot) => (slot.source < 0 ? paddingEntry(slot.length) : { length: slot.length, path: options.files[slot.source]!.path }));
  return torrentBytes(options, info, { 'piece layers': pieceLayers });
}
