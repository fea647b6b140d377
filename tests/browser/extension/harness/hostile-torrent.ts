// A multi-file torrent whose name and paths are a corpus of hostile file names (traversal,
// absolute, drive letters, reserved names, bidi and control characters, NUL, overlong, empty,
// duplicates, case-folded duplicates, a file where a folder must be), with real piece hashes
// over deterministic content, so a real peer can seed it.
import { createHash } from 'node:crypto';
import { encode, type BEncodable } from '../../../../src/engine/bencode/index.js';

export const HOSTILE_PIECE_LENGTH = 16 * 1024;

export const HOSTILE_NAME = '../..\u202Eevil\u0000name';

/** Path components per file (BEP 3 `path` lists). */
export const HOSTILE_PATHS: readonly (readonly string[])[] = [
  ['..', '..', '..', 'escape.txt'],
  ['/etc', 'passwd'],
  ['C:\\', 'Windows', 'win.ini'],
  ['a/../../b', 'slash-inside.txt'],
  ['back\\..\\..\\slash.txt'],
  ['CON'],
  ['nul.txt'],
  ['com1', 'LPT9.log'],
  ['bidi\u202Etxt.exe'],
  ['zero\u0000width\u200B.bin'],
  ['ctrl\u0001\u001f\u007f.bin'],
  ['x'.repeat(300) + '.bin'],
  ['\u00e9'.repeat(200) + '.txt'],
  ['.', 'dot.txt'],
  ['', 'empty-part.txt'],
  ['dup.txt'],
  ['dup.txt'],
  ['DUP.txt'],
  ['trailing. . '],
  ['folder'],
  ['folder', 'inside.txt'],
  ['..'],
];

/** Deterministic content for file i (sizes vary, some cross piece boundaries, one is empty). */
export function hostileContent(index: number): Uint8Array {
  const size = index === 5 ? 0 : 1_000 + ((index * 7_919) % 40_000);
  const out = new Uint8Array(size);
  let x = (index + 1) * 2_654_435_761;
  for (let i = 0; i < size; i++) {
    x = (x * 1_103_515_245 + 12_345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

export function hostileTorrent(trackers: readonly string[]): { bytes: Uint8Array; contents: Uint8Array[]; total: number } {
  const contents = HOSTILE_PATHS.map((_, i) => hostileContent(i));
  const total = contents.reduce((n, c) => n + c.length, 0);
  const all = new Uint8Array(total);
  let at = 0;
  for (const c of contents) {
    all.set(c, at);
    at += c.length;
  }
  const hashes: Buffer[] = [];
  for (let off = 0; off < total; off += HOSTILE_PIECE_LENGTH) {
    hashes.push(createHash('sha1').update(all.subarray(off, Math.min(total, off + HOSTILE_PIECE_LENGTH))).digest());
  }
  const info: Record<string, BEncodable> = {
    name: HOSTILE_NAME,
    'piece length': HOSTILE_PIECE_LENGTH,
    pieces: new Uint8Array(Buffer.concat(hashes)),
    files: HOSTILE_PATHS.map((path, i) => ({ length: contents[i]!.length, path: [...path] })),
  };
  const top: Record<string, BEncodable> = { info };
  if (trackers.length > 0) {
    top.announce = trackers[0]!;
    top['announce-list'] = trackers.map((t) => [t]);
  }
  return { bytes: encode(top), contents, total };
}
