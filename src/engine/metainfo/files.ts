/**
 * The file list of an info dict (BEP 3 single- and multi-file modes, BEP 47 padding files),
 * laid out on disk as other clients do: "<name>" or "<name>/<path…>", sanitized and unique.
 */
import { asDict, asInt, asList, dictGet, isBytes, isList, type BDict, type BValue } from '../bencode/index.js';
import { fromUtf8, fromUtf8Strict } from '../util/bytes.js';
import { TorrentError } from '../util/errors.js';
import type { MetainfoLimits } from './limits.js';
import { sanitizePath } from './path-sanitizer.js';
import type { TorrentFile } from './types.js';
import { makeUniquePaths } from './unique-paths.js';

/** Before BEP 47's `attr`, BitComet marked padding files by name alone. */
const LEGACY_PADDING_PREFIX = '_____padding_file_';

interface RawFile {
  components: string[];
  length: number;
  padding: boolean;
}

function fail(message: string): never {
  throw new TorrentError('metainfo', `metainfo: ${message}`);
}

function checkLength(value: BValue | undefined, what: string): number {
  const length = asInt(value, what, 'metainfo');
  if (length < 0) fail(`${what} is negative (${length})`);
  return length;
}

/** `path.utf-8` when every element is valid UTF-8 (some encoders put the real name there), else `path` with U+FFFD for bad bytes. */
function readPath(entry: BDict, what: string, limits: MetainfoLimits): string[] {
  const raw = asList(dictGet(entry, 'path'), `${what}.path`, 'metainfo');
  if (raw.length > limits.maxPathDepth) fail(`${what}.path has ${raw.length} components (limit ${limits.maxPathDepth})`);
  const alternative = dictGet(entry, 'path.utf-8');
  if (isList(alternative) && alternative.length > 0 && alternative.length <= limits.maxPathDepth) {
    const decoded = alternative.map((part) => (isBytes(part) ? fromUtf8Strict(part) : null));
    if (decoded.every((part): part is string => part !== null)) return decoded;
  }
  return raw.map((part, i) => {
    if (!isBytes(part)) fail(`${what}.path[${i}] must be a string`);
    return fromUtf8(part);
  });
}

function readFiles(info: BDict, limits: MetainfoLimits): RawFile[] {
  const list = asList(dictGet(info, 'files'), 'info.files', 'metainfo');
  if (list.length === 0) fail('info.files is empty: the torrent has no files');
  if (list.length > limits.maxFiles) fail(`the torrent has ${list.length} files (limit ${limits.maxFiles})`);
  return list.map((item, i) => {
    const what = `info.files[${i}]`;
    const entry = asDict(item, what, 'metainfo');
    const length = checkLength(dictGet(entry, 'length'), `${what}.length`);
    const components = readPath(entry, what, limits);
    const attr = dictGet(entry, 'attr');
    const last = components[components.length - 1] ?? '';
    const padding = (isBytes(attr) && attr.includes(0x70 /* 'p' */)) || last.startsWith(LEGACY_PADDING_PREFIX);
    return { components, length, padding };
  });
}

export interface FileLayout {
  files: TorrentFile[];
  totalLength: number;
  multiFile: boolean;
}

/** `name` is already sanitized and non-empty. */
export function layoutFiles(info: BDict, name: string, limits: MetainfoLimits): FileLayout {
  const hasFiles = info.has('files');
  const hasLength = info.has('length');
  if (hasFiles && hasLength) fail('info has both length and files: cannot tell a single-file from a multi-file torrent');
  if (!hasFiles && !hasLength) fail('info has neither length nor files');

  let raw: RawFile[];
  let paths: string[][];
  if (hasLength) {
    raw = [{ components: [name], length: checkLength(dictGet(info, 'length'), 'info.length'), padding: false }];
    paths = [[name]];
  } else {
    raw = readFiles(info, limits);
    paths = raw.map((file, i) => {
      const safe = sanitizePath(file.components, limits.maxPathComponentLength);
      // A path made only of "..", "." and "" still holds data; give it a name of its own.
      return [name, ...(safe.length > 0 ? safe : [`unnamed-${i}`])];
    });
  }

  const unique = makeUniquePaths(
    paths,
    raw.map((file) => file.padding),
    limits.maxPathComponentLength,
  );
  let offset = 0;
  const files = raw.map((file, index): TorrentFile => {
    const entry = { index, path: unique[index]!, length: file.length, offset, padding: file.padding };
    offset += file.length;
    if (offset > Number.MAX_SAFE_INTEGER) fail('the total size of the files is too large');
    return entry;
  });
  if (offset === 0) fail('the torrent has no data: all of its files are empty');
  return { files, totalLength: offset, multiFile: hasFiles };
}
