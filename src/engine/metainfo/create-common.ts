/**
 * What v1 and hybrid torrent creation share: the options, their checks, the piece size choice
 * and the top level of the .torrent (trackers, web seeds, comment) around an info dict.
 */
import { encode, type BEncodable } from '../bencode/index.js';
import { TorrentError } from '../util/errors.js';
import type { Hasher } from '../../platform/interfaces/hash.js';

export interface CreateTorrentOptions {
  name: string;
  /**
   * 'v1' (the default): BEP 3 only. 'hybrid': BEP 52 v2 metadata (file tree, piece layers)
   * and a v1 part with BEP 47 padding files, both describing the same files in the same order.
   */
  version?: 'v1' | 'hybrid';
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

export const MIN_PIECE_LENGTH = 16 * 1024;
export const MAX_PIECE_LENGTH = 16 * 1024 * 1024;
/** Aim for at most this many pieces: small .torrent files, pieces still fine-grained enough to share early. */
const TARGET_MAX_PIECES = 2000;
/** Largest single read, so a piece of 16 MiB is not one giant read on slow storage. */
export const READ_CHUNK = 4 * 1024 * 1024;
/** Pieces hashed concurrently while the next ones are read. */
export const HASHES_IN_FLIGHT = 4;

/** A power of two from 16 KiB to 16 MiB giving about 1000-2000 pieces. */
export function pickPieceLength(totalBytes: number): number {
  let length = MIN_PIECE_LENGTH;
  while (length < MAX_PIECE_LENGTH && totalBytes / length > TARGET_MAX_PIECES) length *= 2;
  return length;
}

export function fail(message: string): never {
  throw new TorrentError('usage', `create: ${message}`);
}

export function checkOptions(options: CreateTorrentOptions): number {
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

/** The bencoded .torrent: `info` and `extra` (e.g. BEP 52 `piece layers`) with the options' trackers, web seeds and comment. */
export function torrentBytes(options: CreateTorrentOptions, info: Record<string, BEncodable | undefined>, extra: Record<string, BEncodable | undefined> = {}): Uint8Array {
  const tiers = (options.announce ?? []).map((tier) => tier.filter((url) => url !== '')).filter((tier) => tier.length > 0);
  const trackerCount = tiers.reduce((sum, tier) => sum + tier.length, 0);
  const urlList = (options.urlList ?? []).filter((url) => url !== '');
  return encode({
    ...extra,
    announce: tiers[0]?.[0],
    'announce-list': trackerCount > 1 ? tiers : undefined, // BEP 12; a lone tracker needs only `announce`
    comment: options.comment,
    'created by': options.createdBy,
    'creation date': options.creationDate,
    info,
    'url-list': urlList.length > 0 ? urlList : undefined, // BEP 19
  });
}
