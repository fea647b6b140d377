/**
 * .torrent files (BEP 3) and bare info dicts (fetched over ut_metadata, BEP 9) into TorrentMeta.
 * Everything is checked before it is trusted; a bad file fails with one line naming the problem.
 */
import {
  asBytes,
  asDict,
  asInt,
  decode,
  decodeWithSpans,
  dictGet,
  isBytes,
  isInt,
  isList,
  type BDict,
  type BValue,
} from '../bencode/index.js';
import { fromUtf8, fromUtf8Strict, toHex } from '../util/bytes.js';
import { TorrentError } from '../util/errors.js';
import { sha1 } from '../util/sha1.js';
import { layoutFiles } from './files.js';
import { resolveMetainfoLimits, type MetainfoLimits } from './limits.js';
import { sanitizeComponent } from './path-sanitizer.js';
import type { TorrentMeta } from './types.js';
import { checkHybrid, checkMetaVersion } from './v2/hybrid-check.js';

export interface InfoExtras {
  announce?: string[][];
  urlList?: string[];
}

function fail(message: string): never {
  throw new TorrentError('metainfo', `metainfo: ${message}`);
}

/** Bencode errors become metainfo errors, so the user learns which input was broken. */
function decodeAs<T>(what: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof TorrentError && error.kind === 'bencode') {
      throw new TorrentError('metainfo', `metainfo: ${what} is not valid bencode (${error.message})`);
    }
    throw error;
  }
}

/** Text of `key`, preferring a valid `key.utf-8` (set by encoders whose `key` is in a local code page). */
function readText(dict: BDict, key: string): string | undefined {
  const alternative = dictGet(dict, `${key}.utf-8`);
  if (isBytes(alternative)) {
    const text = fromUtf8Strict(alternative);
    if (text !== null) return text;
  }
  const value = dictGet(dict, key);
  return isBytes(value) ? fromUtf8(value) : undefined;
}

/** Trimmed, non-empty, each URL once across all tiers; empty tiers dropped (BEP 12). */
export function normalizeTiers(tiers: readonly (readonly string[])[]): string[][] {
  const seen = new Set<string>();
  const out: string[][] = [];
  for (const tier of tiers) {
    const kept: string[] = [];
    for (const url of tier) {
      const trimmed = url.trim();
      if (trimmed === '' || seen.has(trimmed)) continue;
      seen.add(trimmed);
      kept.push(trimmed);
    }
    if (kept.length > 0) out.push(kept);
  }
  return out;
}

function normalizeUrls(urls: readonly string[]): string[] {
  return normalizeTiers([urls])[0] ?? [];
}

function stringsOf(value: BValue | undefined): string[] {
  if (isBytes(value)) return [fromUtf8(value)];
  if (!isList(value)) return [];
  return value.filter(isBytes).map((item) => fromUtf8(item));
}

/**
 * BEP 12: `announce-list` when it names any tracker (then `announce` is ignored, as libtorrent
 * does), else `announce` as a single tier. Malformed entries are skipped: trackers are optional.
 */
function readAnnounce(top: BDict): string[][] {
  const list = dictGet(top, 'announce-list');
  if (isList(list)) {
    const tiers = normalizeTiers(list.map((tier) => stringsOf(tier)));
    if (tiers.length > 0) return tiers;
  }
  const announce = dictGet(top, 'announce');
  return normalizeTiers(isBytes(announce) ? [[fromUtf8(announce)]] : []);
}

/** `pieceLayers`: the .torrent's top-level `piece layers` (BEP 52), null for a bare info dict. */
function buildMeta(info: BDict, infoBytes: Uint8Array, extras: InfoExtras, limits: MetainfoLimits, pieceLayers: BValue | undefined | null): TorrentMeta {
  const version = checkMetaVersion(info);
  const pieceLength = asInt(dictGet(info, 'piece length'), 'info.piece length', 'metainfo');
  if (pieceLength <= 0) fail(`info.piece length must be positive (got ${pieceLength})`);
  if (pieceLength > limits.maxPieceLength) fail(`info.piece length ${pieceLength} exceeds the limit of ${limits.maxPieceLength}`);
  const pieceHashes = asBytes(dictGet(info, 'pieces'), 'info.pieces', 'metainfo');
  if (pieceHashes.length % 20 !== 0) fail(`info.pieces is ${pieceHashes.length} bytes, not a multiple of 20`);

  asBytes(dictGet(info, 'name'), 'info.name', 'metainfo');
  const infoHash = sha1(infoBytes);
  const infoHashHex = toHex(infoHash);
  const name = sanitizeComponent(readText(info, 'name')!, limits.maxPathComponentLength) || infoHashHex;

  const { files, totalLength, multiFile } = layoutFiles(info, name, limits);
  const pieceCount = Math.ceil(totalLength / pieceLength);
  if (pieceCount > limits.maxPieces) fail(`the torrent has ${pieceCount} pieces (limit ${limits.maxPieces})`);
  if (pieceHashes.length !== pieceCount * 20) {
    fail(`info.pieces holds ${pieceHashes.length / 20} hashes but ${totalLength} bytes in pieces of ${pieceLength} need ${pieceCount}`);
  }

  // A hybrid torrent (BEP 52): we download over v1, after checking the v2 part agrees with it.
  const infoHashV2 = version === 2 ? checkHybrid({ info, infoBytes, pieceLength, pieceLayers, limits }) : undefined;

  const privateFlag = dictGet(info, 'private');
  return {
    infoHash,
    infoHashHex,
    ...(infoHashV2 ? { infoHashV2, infoHashV2Hex: toHex(infoHashV2) } : {}),
    infoBytes,
    name,
    pieceLength,
    pieceCount,
    pieceHashes,
    lastPieceLength: totalLength - (pieceCount - 1) * pieceLength,
    totalLength,
    files,
    multiFile,
    private: isInt(privateFlag) && privateFlag === 1, // BEP 27
    announce: normalizeTiers(extras.announce ?? []),
    urlList: normalizeUrls(extras.urlList ?? []),
  };
}

/** A bare info dict, e.g. assembled from ut_metadata pieces (BEP 9). Trackers come from the magnet. */
export function parseInfo(infoBytes: Uint8Array, extras: InfoExtras = {}, limits?: Partial<MetainfoLimits>): TorrentMeta {
  const resolved = resolveMetainfoLimits(limits);
  if (infoBytes.length > resolved.maxMetadataSize) {
    fail(`the info dict is ${infoBytes.length} bytes (limit ${resolved.maxMetadataSize})`);
  }
  const size = { maxTotalSize: resolved.maxMetadataSize, maxStringLength: resolved.maxMetadataSize };
  const info = asDict(decodeAs('the info dict', () => decode(infoBytes, size)), 'info', 'metainfo');
  return buildMeta(info, infoBytes, extras, resolved, null);
}

/** A .torrent file. The infohash is the SHA-1 of the `info` value's own bytes, never a re-encoding. */
export function parseTorrent(bytes: Uint8Array, limits?: Partial<MetainfoLimits>): TorrentMeta {
  const resolved = resolveMetainfoLimits(limits);
  if (bytes.length > resolved.maxTorrentSize) fail(`the .torrent file is ${bytes.length} bytes (limit ${resolved.maxTorrentSize})`);
  const size = { maxTotalSize: resolved.maxTorrentSize, maxStringLength: resolved.maxTorrentSize };
  const { value, spans } = decodeAs('the .torrent file', () => decodeWithSpans(bytes, size));
  if (!(value instanceof Map)) fail('not a .torrent file (its top level is not a dict)');
  const info = asDict(dictGet(value, 'info'), 'info dict', 'metainfo');
  const span = spans.get('info')!;
  const infoBytes = bytes.slice(span.start, span.end);
  if (infoBytes.length > resolved.maxMetadataSize) {
    fail(`the info dict is ${infoBytes.length} bytes (limit ${resolved.maxMetadataSize})`);
  }

  const extras = { announce: readAnnounce(value), urlList: stringsOf(dictGet(value, 'url-list')) };
  const meta = buildMeta(info, infoBytes, extras, resolved, dictGet(value, 'piece layers'));
  const comment = readText(value, 'comment');
  const createdBy = readText(value, 'created by');
  const creationDate = dictGet(value, 'creation date');
  if (comment !== undefined && comment !== '') meta.comment = comment;
  if (createdBy !== undefined && createdBy !== '') meta.createdBy = createdBy;
  if (isInt(creationDate)) meta.creationDate = creationDate;
  return meta;
}
