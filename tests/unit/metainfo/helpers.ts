import { encode, type BEncodable } from '../../../src/engine/bencode/index.js';

/** A .torrent whose info dict is `info` with dummy piece hashes of the right count unless given. */
export function torrentBytes(info: Record<string, BEncodable | undefined>, top: Record<string, BEncodable | undefined> = {}): Uint8Array {
  return encode({ ...top, info });
}

export function dummyPieces(count: number): Uint8Array {
  return new Uint8Array(count * 20).fill(0xab);
}

export function singleInfo(extra: Record<string, BEncodable | undefined> = {}): Record<string, BEncodable | undefined> {
  return { name: 'file.bin', length: 40000, 'piece length': 16384, pieces: dummyPieces(3), ...extra };
}

/** Multi-file info; files as [path components, length] or full dicts. */
export function multiInfo(
  files: ([string[], number] | Record<string, BEncodable>)[],
  extra: Record<string, BEncodable | undefined> = {},
  pieceLength = 16384,
): Record<string, BEncodable | undefined> {
  const list = files.map((file) => (Array.isArray(file) ? { path: file[0], length: file[1] } : file));
  const total = list.reduce((sum, file) => sum + (file['length'] as number), 0);
  return { name: 'root', 'piece length': pieceLength, pieces: dummyPieces(Math.ceil(total / pieceLength)), files: list, ...extra };
}
