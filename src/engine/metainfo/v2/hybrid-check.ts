/**
 * The v2 part of a hybrid torrent (BEP 52), checked against its v1 part. TorrentEdge downloads
 * and seeds over v1 (the pieces and files of BEP 3); the v2 part gives the torrent its second
 * infohash, and a torrent whose two parts disagree is refused rather than half trusted: the
 * same files, lengths and order, each non-empty file on a piece boundary (BEP 47 padding), and
 * `piece layers` (outside the info dict, so only in a .torrent file) holding, for each file
 * larger than a piece, one hash per piece that together hash to the file's `pieces root`.
 */
import { asDict, asList, dictGet, isBytes, isInt, isList, keyFromBytes, keyText, type BDict, type BValue } from '../../bencode/index.js';
import { TorrentError } from '../../util/errors.js';
import { sha256 } from '../../util/sha256.js';
import type { MetainfoLimits } from '../limits.js';
import { readFileTree, type FileTreeEntry } from './file-tree.js';
import { fileTreeShape, MERKLE_BLOCK_SIZE, MerkleHasher, rootFromPieceLayer } from './merkle.js';

/** Before BEP 47's `attr`, BitComet marked padding files by name alone (as files.ts). */
const LEGACY_PADDING_PREFIX = '_____padding_file_';

function fail(message: string): never {
  throw new TorrentError('metainfo', `metainfo: ${message}`);
}

function shownPath(components: readonly string[]): string {
  return JSON.stringify(components.map((part) => keyText(part)).join('/').slice(0, 200));
}

/** `meta version` of an info dict: 1 when absent (BEP 3). */
export function metaVersion(info: BDict): number {
  const value = dictGet(info, 'meta version');
  if (value === undefined) return 1;
  if (!isInt(value)) fail('info.meta version must be an integer');
  return value;
}

/** Called before the v1 part is read: refuses what only a v2 client could use, with the reason. */
export function checkMetaVersion(info: BDict): number {
  const version = metaVersion(info);
  if (version !== 1 && version !== 2) fail(`unsupported meta version ${version} (BEP 52 defines 2)`);
  if (version === 2 && !info.has('pieces')) fail('v2-only torrents are not supported (this one has no v1 part: info.pieces is missing)');
  if (version === 2 && !info.has('file tree')) fail('info has meta version 2 but no file tree');
  return version;
}

interface V1File {
  components: string[];
  length: number;
  padding: boolean;
}

/** The v1 files with raw path bytes as binary-string components (single-file: the raw name). */
function v1Files(info: BDict): V1File[] {
  const length = dictGet(info, 'length');
  const name = dictGet(info, 'name');
  if (isInt(length) && isBytes(name)) return [{ components: [keyFromBytes(name, 0, name.length)], length, padding: false }];
  return asList(dictGet(info, 'files'), 'info.files', 'metainfo').map((item) => {
    const entry = asDict(item, 'info.files entry', 'metainfo');
    const path = dictGet(entry, 'path');
    const components = isList(path) ? path.map((part) => (isBytes(part) ? keyFromBytes(part, 0, part.length) : '')) : [];
    const attr = dictGet(entry, 'attr');
    const last = components[components.length - 1] ?? '';
    const padding = (isBytes(attr) && attr.includes(0x70 /* 'p' */)) || last.startsWith(LEGACY_PADDING_PREFIX);
    return { components, length: dictGet(entry, 'length') as number, padding };
  });
}

function sameComponents(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((part, i) => part === b[i]);
}

function checkSameFiles(tree: readonly FileTreeEntry[], v1: readonly V1File[], pieceLength: number): void {
  let offset = 0;
  let next = 0;
  for (const file of v1) {
    if (!file.padding) {
      const v2 = tree[next++];
      if (v2 === undefined) fail(`hybrid torrent: v1 file ${shownPath(file.components)} is not in the v2 file tree`);
      if (!sameComponents(v2.components, file.components)) {
        fail(`hybrid torrent: v1 file ${shownPath(file.components)} stands where the v2 file tree has ${shownPath(v2.components)}`);
      }
      if (v2.length !== file.length) fail(`hybrid torrent: file ${shownPath(file.components)} is ${file.length} bytes in v1 but ${v2.length} in v2`);
      if (file.length > 0 && offset % pieceLength !== 0) {
        fail(`hybrid torrent: file ${shownPath(file.components)} does not start on a piece boundary (missing padding file)`);
      }
    }
    offset += file.length;
  }
  if (next < tree.length) fail(`hybrid torrent: v2 file ${shownPath(tree[next]!.components)} is not in the v1 file list`);
}

function checkPieceLayers(tree: readonly FileTreeEntry[], value: BValue | undefined, pieceLength: number): void {
  if (value === undefined) fail('hybrid torrent has no piece layers');
  const layers = asDict(value, 'piece layers', 'metainfo');
  const merkle = new MerkleHasher(sha256);
  for (const file of tree) {
    const shape = fileTreeShape(file.length, pieceLength);
    if (!shape.hasLayer) continue;
    const what = `the piece layer of ${shownPath(file.components)}`;
    const layer = layers.get(keyFromBytes(file.piecesRoot!, 0, file.piecesRoot!.length)); // a binary key: not dictGet
    if (layer === undefined) fail(`hybrid torrent: ${what} is missing`);
    if (!isBytes(layer) || layer.length !== shape.pieceCount * 32) {
      fail(`hybrid torrent: ${what} must hold ${shape.pieceCount} hashes of 32 bytes for ${file.length} bytes in pieces of ${pieceLength}`);
    }
    const root = rootFromPieceLayer(merkle, MerkleHasher.split(layer), pieceLength);
    if (keyFromBytes(root, 0, 32) !== keyFromBytes(file.piecesRoot!, 0, 32)) fail(`hybrid torrent: ${what} does not hash to its pieces root`);
  }
}

export interface HybridCheckInput {
  info: BDict;
  infoBytes: Uint8Array;
  pieceLength: number;
  /** The .torrent's top-level `piece layers`; null for a bare info dict (ut_metadata), which never has them. */
  pieceLayers: BValue | undefined | null;
  limits: MetainfoLimits;
}

/** The v2 infohash (SHA-256 of the info dict) of a hybrid torrent whose parts agree; fails naming the first disagreement. */
export function checkHybrid(input: HybridCheckInput): Uint8Array {
  const { info, pieceLength } = input;
  if (pieceLength < MERKLE_BLOCK_SIZE || (pieceLength & (pieceLength - 1)) !== 0) {
    fail(`info.piece length of a v2 torrent must be a power of two of at least 16 KiB (got ${pieceLength})`);
  }
  const tree = readFileTree(dictGet(info, 'file tree'), input.limits);
  checkSameFiles(tree, v1Files(info), pieceLength);
  if (input.pieceLayers !== null) checkPieceLayers(tree, input.pieceLayers, pieceLength);
  return sha256(input.infoBytes);
}
