/**
 * Turns what the user typed (a magnet, a bare infohash, a .torrent path, an http(s) URL) into a
 * TorrentSource, validating it first so bad input fails at once with one clear line rather
 * than after the client has started.
 */
import { readFile, stat } from 'node:fs/promises';
import { parseMagnet, parseTorrent } from '../engine/metainfo/index.js';
import type { MagnetLink, TorrentMeta } from '../engine/metainfo/types.js';
import type { TorrentSource } from '../engine/session/types.js';
import type { HttpClient } from '../platform/interfaces/index.js';

/** A .torrent larger than this is refused (file or URL): real ones are far smaller. */
export const MAX_TORRENT_FILE_BYTES = 10 * 1024 * 1024;
export const TORRENT_URL_TIMEOUT_MS = 30_000;

export type LoadedSource =
  | { kind: 'torrent'; source: TorrentSource; meta: TorrentMeta; bytes: Uint8Array }
  | { kind: 'magnet'; source: TorrentSource; magnet: MagnetLink };

export type InputKind = 'magnet' | 'url' | 'file';

export function classifyInput(input: string): InputKind {
  if (/^magnet:/i.test(input) || /^[0-9a-f]{40}$/i.test(input)) return 'magnet';
  if (/^https?:\/\//i.test(input)) return 'url';
  return 'file';
}

/** A bare 40-hex infohash is accepted as shorthand for a magnet. */
export function toMagnetUri(input: string): string {
  return /^magnet:/i.test(input) ? input : `magnet:?xt=urn:btih:${input}`;
}

export async function loadSource(input: string, http: HttpClient | undefined): Promise<LoadedSource> {
  const kind = classifyInput(input);
  if (kind === 'magnet') {
    const uri = toMagnetUri(input);
    return { kind: 'magnet', source: { kind: 'magnet', uri }, magnet: parseMagnet(uri) };
  }
  const bytes = kind === 'url' ? await fetchTorrent(input, http) : await readTorrentFile(input);
  return { kind: 'torrent', source: { kind: 'torrent', bytes }, meta: parseTorrent(bytes), bytes };
}

export async function readTorrentFile(path: string): Promise<Uint8Array> {
  let size: number;
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new Error(`${path} is a directory, not a .torrent file`);
    size = info.size;
  } catch (error) {
    throw new Error(describeFsError(error, path));
  }
  if (size > MAX_TORRENT_FILE_BYTES) throw new Error(`${path} is too large for a .torrent file (${size} bytes)`);
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    throw new Error(describeFsError(error, path));
  }
}

async function fetchTorrent(url: string, http: HttpClient | undefined): Promise<Uint8Array> {
  if (!http) throw new Error('cannot fetch URLs here');
  let response;
  try {
    response = await http.get({ url, maxBytes: MAX_TORRENT_FILE_BYTES, timeoutMs: TORRENT_URL_TIMEOUT_MS });
  } catch (error) {
    const message = (error as Error).message;
    throw new Error(message.includes(url) ? message : `cannot fetch ${url}: ${message}`);
  }
  if (response.status < 200 || response.status >= 300) throw new Error(`cannot fetch ${url}: HTTP ${response.status}`);
  return response.body;
}

export function describeFsError(error: unknown, path: string): string {
  const code = (error as { code?: string }).code;
  if (code === 'ENOENT') return `no such file: ${path}`;
  if (code === 'EACCES' || code === 'EPERM') return `permission denied: ${path}`;
  if (code === 'EISDIR') return `${path} is a directory`;
  return (error as Error).message ?? String(error);
}
