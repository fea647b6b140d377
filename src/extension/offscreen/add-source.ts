/**
 * Turns what the user typed or dropped into an engine source, refusing bad input with a message
 * the add field shows as it is. Parsing here (before anything is saved) means a refused input
 * leaves the list unchanged.
 */
import type { HttpClient } from '../../platform/interfaces/index.js';
import { parseMagnet, parseTorrent } from '../../engine/metainfo/index.js';
import type { TorrentSource } from '../../engine/session/types.js';
import { errorMessage, TorrentError } from '../../engine/util/errors.js';
import type { AddSource } from '../messages.js';
import { fromBase64 } from './saved-torrents.js';

export const ADD_LIMITS = {
  /** A .torrent fetched from a URL larger than this is refused. */
  maxTorrentFileBytes: 16 * 1024 * 1024,
  fetchTimeoutMs: 30_000,
} as const;

const USAGE = 'Enter a magnet link (magnet:?xt=urn:btih:…) or the http(s) address of a .torrent file.';

export interface ParsedSource {
  source: TorrentSource;
  infoHash: string;
  /** Shown before metadata arrives. */
  name: string;
}

export async function parseAddSource(input: AddSource, http: HttpClient): Promise<ParsedSource> {
  switch (input.kind) {
    case 'magnet':
      return fromMagnet(input.uri.trim());
    case 'torrent':
      return fromTorrentBytes(decodeBase64(input.base64));
    case 'url':
      return fromUrl(input.url.trim(), http);
  }
}

function fromMagnet(uri: string): ParsedSource {
  const magnet = parseMagnet(uri);
  return { source: { kind: 'magnet', uri }, infoHash: magnet.infoHashHex, name: magnet.name ?? magnet.infoHashHex };
}

function fromTorrentBytes(bytes: Uint8Array): ParsedSource {
  const meta = parseTorrent(bytes);
  return { source: { kind: 'torrent', bytes }, infoHash: meta.infoHashHex, name: meta.name };
}

async function fromUrl(text: string, http: HttpClient): Promise<ParsedSource> {
  if (/^magnet:/i.test(text)) return fromMagnet(text);
  // A bare infohash (40 hex or 32 base32 digits) is a magnet without the wrapping.
  if (/^[0-9a-f]{40}$/i.test(text) || /^[a-z2-7]{32}$/i.test(text)) return fromMagnet(`magnet:?xt=urn:btih:${text}`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TorrentError('usage', USAGE);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TorrentError('usage', USAGE);
  let body: Uint8Array;
  try {
    const response = await http.get({ url: url.href, timeoutMs: ADD_LIMITS.fetchTimeoutMs, maxBytes: ADD_LIMITS.maxTorrentFileBytes });
    if (response.status < 200 || response.status >= 300) throw new Error(`the server answered ${response.status}`);
    body = response.body;
  } catch (error) {
    throw new TorrentError('usage', `Could not fetch ${url.href}: ${errorMessage(error)}`);
  }
  try {
    return fromTorrentBytes(body);
  } catch (error) {
    throw new TorrentError('metainfo', `${url.href} is not a usable .torrent file: ${errorMessage(error)}`);
  }
}

function decodeBase64(text: string): Uint8Array {
  try {
    return fromBase64(text);
  } catch {
    throw new TorrentError('usage', 'the .torrent file could not be read');
  }
}
