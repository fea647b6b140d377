/**
 * Where each file of a torrent lives on a web seed (BEP 19).
 *
 * - A url-list entry not ending in '/' is the single file's own URL.
 * - An entry ending in '/' is a directory: a single-file torrent appends its `name`; a
 *   multi-file torrent appends `<name>/<path…>`. Each component is percent-encoded.
 * - A multi-file torrent whose entry lacks the '/' is treated as if it had one (libtorrent
 *   does the same): a file URL cannot serve many files.
 *
 * Names come from the info dict's raw bytes, not from TorrentMeta's paths: those are sanitized
 * and de-duplicated for the local disk, while the server holds the names as the torrent has them.
 */
import { decode, dictGet, isBytes, isDict, isList, type BDict, type BValue } from '../bencode/index.js';
import type { TorrentMeta } from '../metainfo/index.js';
import { fromUtf8Strict, percentEncodeBytes, utf8 } from '../util/bytes.js';
import { TorrentError } from '../util/errors.js';

/** Raw name and path components (bytes) of every file, padding files included. */
interface RawNames {
  name: Uint8Array;
  /** Per file: its path components; empty for a single-file torrent. */
  paths: Uint8Array[][];
}

/** Checks a url-list entry; returns a message a user can act on, or null when usable. */
export function checkWebSeedUrl(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `web seed ${JSON.stringify(url.slice(0, 200))} is not a valid URL`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return `web seed ${url.slice(0, 200)}: only http and https URLs are supported, not ${parsed.protocol}`;
  }
  return null;
}

/** `key.utf-8` when it is valid UTF-8 (as metainfo/parse reads names), else the raw `key`. */
function pickText(dict: BDict, key: string): Uint8Array | undefined {
  const alternative = dictGet(dict, `${key}.utf-8`);
  if (isBytes(alternative) && fromUtf8Strict(alternative) !== null) return alternative;
  const value = dictGet(dict, key);
  return isBytes(value) ? value : undefined;
}

function pickPath(entry: BDict): Uint8Array[] {
  const alternative = dictGet(entry, 'path.utf-8');
  if (isList(alternative) && alternative.length > 0 && alternative.every((p) => isBytes(p) && fromUtf8Strict(p) !== null)) {
    return alternative as Uint8Array[];
  }
  const raw = dictGet(entry, 'path');
  return isList(raw) ? raw.filter(isBytes) : [];
}

/** The raw names, or null when the info dict cannot be read (then sanitized paths are used). */
function readRawNames(meta: TorrentMeta): RawNames | null {
  let info: BValue;
  try {
    // Already parsed once by metainfo under its limits: this cannot exceed them.
    info = decode(meta.infoBytes, { maxTotalSize: meta.infoBytes.length, maxStringLength: meta.infoBytes.length });
  } catch {
    return null;
  }
  if (!isDict(info)) return null;
  const name = pickText(info, 'name');
  if (!name) return null;
  if (!meta.multiFile) return { name, paths: [[]] };
  const files = dictGet(info, 'files');
  if (!isList(files) || files.length !== meta.files.length) return null;
  const paths = files.map((entry) => (isDict(entry) ? pickPath(entry) : []));
  return { name, paths };
}

/** Percent-encodes every byte outside RFC 3986's unreserved set, so '/', '?', '#', '%' in names stay literal. */
function encodeComponent(bytes: Uint8Array): string {
  return percentEncodeBytes(bytes);
}

/**
 * File URLs of one web seed, built once on first use per file. Throws TorrentError('usage')
 * for a URL that is not http(s).
 */
export class WebSeedUrls {
  private readonly base: string;
  private readonly single: boolean;
  private readonly raw: RawNames | null;
  private readonly cache: (string | undefined)[];

  constructor(
    url: string,
    private readonly meta: TorrentMeta,
  ) {
    const problem = checkWebSeedUrl(url);
    if (problem) throw new TorrentError('usage', problem);
    this.single = !meta.multiFile;
    this.base = !this.single && !url.endsWith('/') ? `${url}/` : url;
    this.raw = readRawNames(meta);
    this.cache = new Array<string | undefined>(meta.files.length);
  }

  /** The URL of file `fileIndex` (an index into meta.files). */
  fileUrl(fileIndex: number): string {
    const cached = this.cache[fileIndex];
    if (cached !== undefined) return cached;
    const url = this.build(fileIndex);
    this.cache[fileIndex] = url;
    return url;
  }

  private build(fileIndex: number): string {
    if (this.single) {
      if (!this.base.endsWith('/')) return this.base;
      return this.base + encodeComponent(this.raw?.name ?? utf8(this.meta.name));
    }
    const raw = this.raw;
    const parts =
      raw !== null
        ? [raw.name, ...raw.paths[fileIndex]!]
        : this.meta.files[fileIndex]!.path.split('/').map((part) => utf8(part));
    return this.base + parts.map(encodeComponent).join('/');
  }
}
