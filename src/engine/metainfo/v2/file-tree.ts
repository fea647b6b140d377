/**
 * BEP 52 `file tree`: nested dicts keyed by path components, a file being a dict whose only
 * key is "" holding `{ length, pieces root }` (no `pieces root` for an empty file). Keys are
 * the bencode layer's binary strings (one char per byte), so JS string order is the raw byte
 * order a bencoded dict is sorted by, and the order files appear in.
 */
import { asDict, asInt, binaryKey, dictGet, isBytes, isDict, keyText, type BDict, type BEncodable, type BValue } from '../../bencode/index.js';
import { TorrentError } from '../../util/errors.js';
import type { MetainfoLimits } from '../limits.js';
import { MERKLE_HASH_SIZE } from './merkle.js';

export interface FileTreeEntry {
  /** Binary-string path components (see bencode/keys.ts), relative to the torrent's name for a multi-file torrent. */
  components: string[];
  length: number;
  /** Absent exactly when the file is empty. */
  piecesRoot?: Uint8Array;
}

function fail(message: string): never {
  throw new TorrentError('metainfo', `metainfo: ${message}`);
}

/** Order of two paths in a file tree: component by component, by raw bytes (binary-string keys). */
export function compareTreePaths(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  }
  return a.length - b.length;
}

/** UTF-8 path components as binary-string keys. */
export function treeComponents(path: readonly string[]): string[] {
  return path.map((part) => binaryKey(part));
}

/** The `file tree` value for entries already sorted by compareTreePaths with no duplicate or clashing path. */
export function buildFileTree(entries: readonly FileTreeEntry[]): Map<string, BEncodable> {
  const root = new Map<string, BEncodable>();
  for (const entry of entries) {
    let dir = root;
    entry.components.forEach((part, i) => {
      const existing = dir.get(part);
      if (i === entry.components.length - 1) {
        if (existing !== undefined) fail(`path ${shown(entry.components)} appears twice, or as both a file and a folder`);
        const leaf = new Map<string, BEncodable>([['length', entry.length]]);
        if (entry.piecesRoot) leaf.set('pieces root', entry.piecesRoot);
        dir.set(part, new Map([['', leaf]]));
        return;
      }
      if (existing instanceof Map && !existing.has('')) {
        dir = existing as Map<string, BEncodable>;
        return;
      }
      if (existing !== undefined) fail(`path ${shown(entry.components)} goes through a file`);
      const child = new Map<string, BEncodable>();
      dir.set(part, child);
      dir = child;
    });
  }
  return root;
}

function shown(components: readonly string[]): string {
  return JSON.stringify(components.map((part) => keyText(part)).join('/').slice(0, 200));
}

/** The files of a `file tree`, in tree order, checked against the limits. */
export function readFileTree(value: BValue | undefined, limits: MetainfoLimits): FileTreeEntry[] {
  const tree = asDict(value, 'info.file tree', 'metainfo');
  const out: FileTreeEntry[] = [];
  const walk = (dir: BDict, prefix: string[]): void => {
    if (prefix.length >= limits.maxPathDepth) fail(`info.file tree is nested deeper than ${limits.maxPathDepth} folders`);
    if (dir.size === 0) fail(`info.file tree has an empty folder at ${shown(prefix)}`);
    for (const key of Array.from(dir.keys()).sort()) {
      if (key === '') fail(`info.file tree has a file with no name in ${shown(prefix)}`);
      const components = [...prefix, key];
      const node = dir.get(key); // a binary key: dictGet would re-encode it
      if (!isDict(node)) fail(`info.file tree entry ${shown(components)} is not a dict`);
      const leaf = dictGet(node, '');
      if (leaf === undefined) {
        walk(node, components);
        continue;
      }
      if (node.size !== 1) fail(`info.file tree entry ${shown(components)} is both a file and a folder`);
      out.push(readLeaf(leaf, components));
      if (out.length > limits.maxFiles) fail(`the torrent has more than ${limits.maxFiles} files`);
    }
  };
  walk(tree, []);
  if (out.length === 0) fail('info.file tree has no files');
  return out;
}

function readLeaf(value: BValue, components: string[]): FileTreeEntry {
  const what = `info.file tree entry ${shown(components)}`;
  const leaf = asDict(value, what, 'metainfo');
  const length = asInt(dictGet(leaf, 'length'), `${what} length`, 'metainfo');
  if (length < 0) fail(`${what} has a negative length (${length})`);
  if (length === 0) return { components, length }; // BEP 52: no pieces root for an empty file
  const root = dictGet(leaf, 'pieces root');
  if (!isBytes(root) || root.length !== MERKLE_HASH_SIZE) fail(`${what} needs a pieces root of ${MERKLE_HASH_SIZE} bytes`);
  return { components, length, piecesRoot: root };
}
