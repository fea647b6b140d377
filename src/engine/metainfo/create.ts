/**
 * Torrent creation (BEP 3, v1): hashes the content in piece order through the platform Hasher
 * and writes the .torrent bytes. Files are taken in the order given, empty ones included.
 * `version: 'hybrid'` hands over to create-hybrid.ts (BEP 52 + v1).
 */
import type { BEncodable } from '../bencode/index.js';
import { TorrentError } from '../util/errors.js';
import { checkOptions, fail, HASHES_IN_FLIGHT, pickPieceLength, READ_CHUNK, torrentBytes, type CreateTorrentOptions } from './create-common.js';
import { createHybridTorrent } from './create-hybrid.js';

export { pickPieceLength, type CreateTorrentOptions } from './create-common.js';

async function hashPieces(options: CreateTorrentOptions, total: number, pieceLength: number): Promise<Uint8Array> {
  const pieceCount = Math.ceil(total / pieceLength);
  const hashes = new Uint8Array(pieceCount * 20);
  const inFlight: Promise<void>[] = [];
  let hashed = 0;
  let pieceIndex = 0;
  let piece = new Uint8Array(Math.min(pieceLength, total));
  let filled = 0;

  const submit = async (data: Uint8Array, index: number): Promise<void> => {
    const pending = options.hasher.sha1(data).then((digest) => {
      if (digest.length !== 20) throw new TorrentError('internal', `create: hasher returned ${digest.length} bytes for SHA-1`);
      hashes.set(digest, index * 20);
      hashed += data.length;
      options.onProgress?.(hashed, total);
    });
    pending.catch(() => undefined); // Awaited below; this only keeps an early failure from being reported as unhandled.
    inFlight.push(pending);
    if (inFlight.length >= HASHES_IN_FLIGHT) await inFlight.shift();
  };

  for (let fileIndex = 0; fileIndex < options.files.length; fileIndex++) {
    const length = options.files[fileIndex]!.length;
    for (let offset = 0; offset < length; ) {
      const wanted = Math.min(length - offset, piece.length - filled, READ_CHUNK);
      const data = await options.read(fileIndex, offset, wanted);
      if (data.length !== wanted) {
        fail(`reading ${JSON.stringify(options.files[fileIndex]!.path.join('/'))} at ${offset} gave ${data.length} bytes instead of ${wanted} (did the file change?)`);
      }
      piece.set(data, filled);
      filled += wanted;
      offset += wanted;
      if (filled === piece.length) {
        await submit(piece, pieceIndex);
        pieceIndex++;
        filled = 0;
        if (pieceIndex < pieceCount) piece = new Uint8Array(Math.min(pieceLength, total - pieceIndex * pieceLength));
      }
    }
  }
  await Promise.all(inFlight);
  return hashes;
}

/** The bencoded .torrent file: v1, or hybrid v1 + v2 with `version: 'hybrid'`. */
export async function createTorrent(options: CreateTorrentOptions): Promise<Uint8Array> {
  if (options.version === 'hybrid') return createHybridTorrent(options);
  if (options.version !== undefined && options.version !== 'v1') fail(`unknown torrent version ${JSON.stringify(options.version)}`);
  const total = checkOptions(options);
  const pieceLength = options.pieceLength ?? pickPieceLength(total);
  if (!Number.isSafeInteger(pieceLength) || pieceLength <= 0) fail(`invalid piece length ${pieceLength}`);
  const pieces = await hashPieces(options, total, pieceLength);

  const info: Record<string, BEncodable | undefined> = {
    name: options.name,
    'piece length': pieceLength,
    pieces,
    private: options.private ? 1 : undefined, // BEP 27
  };
  if (options.singleFile) info['length'] = options.files[0]!.length;
  else info['files'] = options.files.map((file) => ({ length: file.length, path: file.path }));

  return torrentBytes(options, info);
}
