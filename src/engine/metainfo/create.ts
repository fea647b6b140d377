/**
 * Torrent creation (BEP 3, v1): hashes the content in piece order through the platform Hasher
 * and writes the .torrent bytes. Files are taken in the order given, empty ones included.
 */
import { encode, type BEncodable } from '../bencode/index.js';
import { TorrentError } from '../util/errors.js';
import type { Hasher } from '../../platform/interfaces/hash.js';

export interface CreateTorrentOptions {
  name: string;
  /** Relative to the content root. A single-file torrent has exactly one file and `singleFile: true`. */
  files: { path: string[]; length: number }[];
  singleFile: boolean;
  read(fileIndex: number, offset: number, length: number): Promise<Uint8Array>;
  hasher: Hasher;
  /** Default: pickPieceLength(total). */
  pieceLength?: number;
  announce?: string[][];
  urlList?: string[];
  private?: boolean;
  comment?: string;
  createdBy?: string;
  /** Seconds since the Unix epoch. */
  creationDate?: number;
  onProgress?(hashedBytes: number, totalBytes: number): void;
}

const MIN_PIECE_LENGTH = 16 * 1024;
const MAX_PIECE_LENGTH = 16 * 1024 * 1024;
/** Aim for at most this many pieces: small .torrent files, pieces still fine-grained enough to share early. */
const TARGET_MAX_PIECES = 2000;
/** Largest single read, so a piece of 16 MiB is not one giant read on slow storage. */
const READ_CHUNK = 4 * 1024 * 1024;
/** Pieces hashed concurrently while the next ones are read. */
const HASHES_IN_FLIGHT = 4;

/** A power of two from 16 KiB to 16 MiB giving about 1000-2000 pieces. */
export function pickPieceLength(totalBytes: number): number {
  let length = MIN_PIECE_LENGTH;
  while (length < MAX_PIECE_LENGTH && totalBytes / length > TARGET_MAX_PIECES) length *= 2;
  return length;
}

function fail(message: string): never {
  throw new TorrentError('usage', `create: ${message}`);
}

function checkOptions(options: CreateTorrentOptions): number {
  if (options.name === '' || options.name === '.' || options.name === '..' || /[/\\]/.test(options.name)) {
    fail(`invalid torrent name ${JSON.stringify(options.name)}`);
  }
  if (options.files.length === 0) fail('no files to put in the torrent');
  if (options.singleFile && options.files.length !== 1) fail(`a single-file torrent needs exactly one file, not ${options.files.length}`);
  let total = 0;
  for (const file of options.files) {
    const shown = JSON.stringify(file.path.join('/'));
    if (!Number.isSafeInteger(file.length) || file.length < 0) fail(`file ${shown} has an invalid length ${file.length}`);
    if (!options.singleFile) {
      if (file.path.length === 0) fail('a file has an empty path');
      for (const part of file.path) {
        if (part === '' || part === '.' || part === '..' || /[/\\]/.test(part)) fail(`file ${shown} has an invalid path component ${JSON.stringify(part)}`);
      }
    }
    total += file.length;
  }
  if (total === 0) fail('all files are empty: there is nothing to share');
  if (!Number.isSafeInteger(total)) fail('the files are too large');
  return total;
}

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

/** The bencoded .torrent file (v1). */
export async function createTorrent(options: CreateTorrentOptions): Promise<Uint8Array> {
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

  const tiers = (options.announce ?? []).map((tier) => tier.filter((url) => url !== '')).filter((tier) => tier.length > 0);
  const trackerCount = tiers.reduce((sum, tier) => sum + tier.length, 0);
  const urlList = (options.urlList ?? []).filter((url) => url !== '');
  return encode({
    announce: tiers[0]?.[0],
    'announce-list': trackerCount > 1 ? tiers : undefined, // BEP 12; a lone tracker needs only `announce`
    comment: options.comment,
    'created by': options.createdBy,
    'creation date': options.creationDate,
    info,
    'url-list': urlList.length > 0 ? urlList : undefined, // BEP 19
  });
}
