/**
 * What the "Create torrent" page collects, checked in one place before anything is read: the
 * picked files (with their paths under the picked folder), the name, trackers, web seeds, the
 * private flag and the piece size. Refusals name the field and say what to do; nothing here
 * touches the browser, so it is tested in Node.
 */
import { DEFAULT_METAINFO_LIMITS } from '../../engine/metainfo/limits.js';

export const CREATE_LIMITS = {
  /** Files in one torrent (the parser accepts more; a page listing them would not cope). */
  maxFiles: 10_000,
  maxTrackers: 100,
  maxWebSeeds: 100,
  maxUrlLength: 2_048,
  /** UTF-8 bytes of the torrent's name (a file name on every platform). */
  maxNameBytes: 255,
  /** Piece sizes offered: powers of two, as the CLI's `--piece-length` (0 = picked by size). */
  minPieceLength: 16 * 1024,
  maxPieceLength: 16 * 1024 * 1024,
  /** 20 bytes per piece in the info dict; the .torrent must stay under the parser's size limit. */
  maxPieces: Math.floor((DEFAULT_METAINFO_LIMITS.maxTorrentSize * 0.8) / 20),
} as const;

export const TRACKER_PROTOCOLS: readonly string[] = ['http:', 'https:', 'udp:'];
export const WEB_SEED_PROTOCOLS: readonly string[] = ['http:', 'https:'];

export type CreateField = 'files' | 'name' | 'trackers' | 'webSeeds' | 'pieceLength';

/** A picked file: `path` is its place under the picked folder ("folder/sub/a.txt") or just its name. */
export interface PickedFile {
  path: string;
  length: number;
}

export interface CreateForm {
  files: readonly PickedFile[];
  /** True when the files came from one picked (or dropped) folder: the torrent is named after it. */
  name: string;
  /** One URL per line; an empty line starts a new tier (BEP 12). */
  trackers: string;
  /** One URL per line (BEP 19). */
  webSeeds: string;
  private: boolean;
  /** 0: picked by size. */
  pieceLength: number;
}

/** What the hashing worker is asked to make. `order[i]` is the index in `form.files` of the torrent's file i. */
export interface CreatePlan {
  name: string;
  singleFile: boolean;
  files: { path: string[]; length: number }[];
  order: number[];
  totalLength: number;
  announce: string[][];
  urlList: string[];
  private: boolean;
  pieceLength?: number;
}

export type CreateCheck = { ok: true; plan: CreatePlan } | { ok: false; errors: Partial<Record<CreateField, string>> };

/**
 * The files' common top folder, if every path has one ("photos/a.jpg", "photos/x/b.jpg" →
 * "photos"): what a picked or dropped folder looks like.
 */
export function commonFolder(files: readonly PickedFile[]): string | null {
  let folder: string | null = null;
  for (const file of files) {
    const parts = file.path.split('/');
    if (parts.length < 2) return null;
    if (folder === null) folder = parts[0]!;
    else if (folder !== parts[0]) return null;
  }
  return folder;
}

/** The name the page proposes: the folder's, a lone file's, else the first file's without its extension. */
export function suggestName(files: readonly PickedFile[]): string {
  if (files.length === 0) return '';
  const folder = commonFolder(files);
  if (folder) return folder;
  const first = files[0]!.path.split('/').pop()!;
  if (files.length === 1) return first;
  const dot = first.lastIndexOf('.');
  return dot > 0 ? first.slice(0, dot) : first;
}

export function checkCreateForm(form: CreateForm): CreateCheck {
  const errors: Partial<Record<CreateField, string>> = {};
  const name = form.name.trim();
  const nameError = checkName(name);
  if (nameError) errors.name = nameError;

  const filesError = checkFiles(form.files);
  if (filesError) errors.files = filesError;

  const trackers = parseTiers(form.trackers);
  const trackerError = checkUrls(trackers.flat(), TRACKER_PROTOCOLS, CREATE_LIMITS.maxTrackers, 'tracker');
  if (trackerError) errors.trackers = trackerError;
  const webSeeds = lines(form.webSeeds);
  const webSeedError = checkUrls(webSeeds, WEB_SEED_PROTOCOLS, CREATE_LIMITS.maxWebSeeds, 'web seed');
  if (webSeedError) errors.webSeeds = webSeedError;

  const total = form.files.reduce((sum, f) => sum + f.length, 0);
  const pieceError = checkPieceLength(form.pieceLength, total);
  if (pieceError) errors.pieceLength = pieceError;
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  const layout = torrentLayout(form.files, name);
  return {
    ok: true,
    plan: {
      name,
      ...layout,
      totalLength: total,
      announce: trackers,
      urlList: webSeeds,
      private: form.private,
      ...(form.pieceLength > 0 ? { pieceLength: form.pieceLength } : {}),
    },
  };
}

function checkName(name: string): string | null {
  if (name === '') return 'Give the torrent a name.';
  if (name === '.' || name === '..' || /[/\\]/.test(name)) return 'The name cannot contain "/" or "\\", nor be "." or "..".';
  // Control characters would not survive as a file name anywhere.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'The name cannot contain control characters.';
  if (new TextEncoder().encode(name).length > CREATE_LIMITS.maxNameBytes) return `The name is too long (at most ${CREATE_LIMITS.maxNameBytes} bytes).`;
  return null;
}

function checkFiles(files: readonly PickedFile[]): string | null {
  if (files.length === 0) return 'Choose the files or the folder to share.';
  if (files.length > CREATE_LIMITS.maxFiles) return `Too many files: ${files.length} (at most ${CREATE_LIMITS.maxFiles.toLocaleString('en')}). Share a smaller folder, or pack the files into an archive.`;
  let total = 0;
  const seen = new Set<string>();
  for (const file of files) {
    if (!Number.isSafeInteger(file.length) || file.length < 0) return `${file.path} cannot be read.`;
    const parts = file.path.split('/');
    if (parts.some((p) => p === '' || p === '.' || p === '..')) return `${file.path} has a path no torrent can hold.`;
    if (seen.has(file.path)) return `${file.path} was picked twice.`;
    seen.add(file.path);
    total += file.length;
  }
  if (total === 0) return 'Every file is empty (0 bytes): there is nothing to share.';
  if (!Number.isSafeInteger(total)) return 'The files are too large together.';
  return null;
}

function checkPieceLength(pieceLength: number, total: number): string | null {
  if (pieceLength === 0) return null;
  const { minPieceLength, maxPieceLength, maxPieces } = CREATE_LIMITS;
  if (!Number.isSafeInteger(pieceLength) || pieceLength < minPieceLength || pieceLength > maxPieceLength || (pieceLength & (pieceLength - 1)) !== 0) {
    return 'The piece size must be a power of two from 16 KiB to 16 MiB.';
  }
  if (total / pieceLength > maxPieces) return `That piece size makes more than ${maxPieces.toLocaleString('en')} pieces: choose a larger one (or Automatic).`;
  return null;
}

/** Lines of a text box, trimmed, blank ones dropped. */
function lines(text: string): string[] {
  return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
}

/** One URL per line; a blank line between groups starts a new tier (BEP 12). */
export function parseTiers(text: string): string[][] {
  const tiers: string[][] = [];
  let tier: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') {
      if (tier.length > 0) tiers.push(tier);
      tier = [];
    } else tier.push(line);
  }
  if (tier.length > 0) tiers.push(tier);
  return tiers;
}

function checkUrls(urls: readonly string[], protocols: readonly string[], max: number, what: string): string | null {
  if (urls.length > max) return `Too many ${what}s: ${urls.length} (at most ${max}).`;
  const seen = new Set<string>();
  for (const text of urls) {
    if (text.length > CREATE_LIMITS.maxUrlLength) return `A ${what} URL is longer than ${CREATE_LIMITS.maxUrlLength} characters.`;
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return `"${text}" is not a valid ${what} URL.`;
    }
    if (!protocols.includes(url.protocol)) return `"${text}" is not a valid ${what} URL: use ${protocols.map((p) => p.slice(0, -1)).join(', ')}.`;
    if (url.hostname === '') return `"${text}" is not a valid ${what} URL: it names no host.`;
    if (seen.has(text)) return `"${text}" is listed twice.`;
    seen.add(text);
  }
  return null;
}

/**
 * Paths inside the torrent, sorted component-wise by UTF-16 code units as `torrentedge create`
 * sorts a folder (cli/file-walk.ts), so the same folder gives the same infohash in both. A
 * picked folder's own name is the torrent's name, not a path component.
 */
function torrentLayout(files: readonly PickedFile[], name: string): Pick<CreatePlan, 'singleFile' | 'files' | 'order'> {
  const folder = commonFolder(files);
  if (files.length === 1 && !folder) return { singleFile: true, files: [{ path: [name], length: files[0]!.length }], order: [0] };
  const entries = files.map((file, index) => {
    const parts = file.path.split('/');
    return { path: folder ? parts.slice(1) : parts, length: file.length, index };
  });
  entries.sort((a, b) => comparePaths(a.path, b.path));
  return { singleFile: false, files: entries.map((e) => ({ path: e.path, length: e.length })), order: entries.map((e) => e.index) };
}

export function comparePaths(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  }
  return a.length - b.length;
}
