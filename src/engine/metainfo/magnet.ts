/**
 * Magnet links (BEP 9): `xt=urn:btih:` with 40 hex or 32 base32 digits, and for a hybrid
 * torrent (BEP 52) `xt=urn:btmh:1220` + the 64-hex v2 infohash (a SHA-256 multihash), `dn` display name,
 * `tr` trackers, `ws` web seeds (BEP 19), `x.pe` peer addresses, `so` file selection (BEP 53).
 * Numbered keys (`tr.1`, `xt.2`) are the same keys, as BEP 9 allows.
 */
import { fromHex, toHex } from '../util/bytes.js';
import { TorrentError } from '../util/errors.js';
import { resolveMetainfoLimits, type MetainfoLimits } from './limits.js';
import type { MagnetLink, TorrentMeta } from './types.js';
import { formatEndpoint } from '../util/endpoint.js';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function fail(message: string): never {
  throw new TorrentError('magnet', `magnet: ${message}`);
}

function decodeBase32(text: string): Uint8Array {
  const out = new Uint8Array(Math.floor((text.length * 5) / 8));
  let bits = 0;
  let value = 0;
  let index = 0;
  for (const char of text.toUpperCase()) {
    const digit = BASE32.indexOf(char);
    if (digit < 0) fail(`info hash has a character that is not base32: ${JSON.stringify(char)}`);
    value = (value << 5) | digit;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[index++] = (value >>> bits) & 0xff;
    }
  }
  return out;
}

function parseInfoHash(text: string): Uint8Array {
  if (text.length === 40) {
    if (!/^[0-9a-fA-F]{40}$/.test(text)) fail('info hash of 40 characters must be hex (0-9, a-f)');
    return fromHex(text);
  }
  if (text.length === 32) return decodeBase32(text);
  fail(`info hash must be 40 hex or 32 base32 characters, not ${text.length}`);
}

/** Multihash prefix of a SHA-256 digest: code 0x12, length 0x20 (BEP 52 magnets). */
const BTMH_SHA256_PREFIX = '1220';

function parseBtmh(text: string): string {
  if (!/^[0-9a-fA-F]{68}$/.test(text) || text.slice(0, 4) !== BTMH_SHA256_PREFIX) {
    fail('urn:btmh: must be a SHA-256 multihash: 1220 followed by 64 hex digits');
  }
  return text.slice(4).toLowerCase();
}

/** `host:port`, `[v6]:port`; null when malformed (x.pe entries are hints, not requirements). */
export function parsePeerAddress(text: string): { host: string; port: number } | null {
  const match = /^\[([0-9a-fA-F:.]+)\]:(\d{1,5})$/.exec(text) ?? /^([^:[\]\s]+):(\d{1,5})$/.exec(text);
  if (!match) return null;
  const port = Number(match[2]);
  if (port < 1 || port > 65535) return null;
  return { host: match[1]!, port };
}

/** BEP 53 `so`: "0,2,4-6" -> [0, 2, 4, 5, 6], ascending and unique. */
export function parseSelectOnly(text: string, maxCount: number): number[] {
  const selected = new Set<number>();
  for (const part of text.split(',')) {
    const match = /^(\d{1,9})(?:-(\d{1,9}))?$/.exec(part.trim());
    if (!match) fail(`so= must list file indexes like 0,2,4-6, not ${JSON.stringify(text.slice(0, 50))}`);
    const first = Number(match[1]);
    const last = match[2] === undefined ? first : Number(match[2]);
    if (last < first) fail(`so= range ${part.trim()} runs backwards`);
    if (last - first + 1 + selected.size > maxCount) fail(`so= selects more than ${maxCount} files`);
    for (let i = first; i <= last; i++) selected.add(i);
  }
  return Array.from(selected).sort((a, b) => a - b);
}

function formatSelectOnly(indexes: readonly number[]): string {
  const sorted = Array.from(new Set(indexes)).sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(j === i ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

function decodeComponent(key: string, raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    fail(`bad percent-encoding in ${key}=`);
  }
}

export function parseMagnet(uri: string, limits?: Partial<MetainfoLimits>): MagnetLink {
  const resolved = resolveMetainfoLimits(limits);
  const text = uri.trim();
  if (text.length > resolved.maxMagnetLength) fail(`link is ${text.length} characters long (limit ${resolved.maxMagnetLength})`);
  if (!/^magnet:\?/i.test(text)) fail('not a magnet link (it must start with "magnet:?")');

  const hashes: string[] = [];
  let v2Hash: string | undefined;
  let name: string | undefined;
  const trackers = new Set<string>();
  const webSeeds = new Set<string>();
  const peers: { host: string; port: number }[] = [];
  let selectOnly: number[] | undefined;

  for (const pair of text.slice('magnet:?'.length).split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawKey = (eq < 0 ? pair : pair.slice(0, eq)).toLowerCase();
    const key = rawKey.replace(/^(xt|dn|tr|ws|x\.pe|so)\.\d+$/, '$1');
    const rawValue = eq < 0 ? '' : pair.slice(eq + 1);
    switch (key) {
      case 'xt': {
        const value = decodeComponent(key, rawValue);
        if (/^urn:btih:/i.test(value)) hashes.push(value.slice('urn:btih:'.length));
        else if (/^urn:btmh:/i.test(value)) v2Hash ??= parseBtmh(value.slice('urn:btmh:'.length));
        break;
      }
      case 'dn':
        // Form encoding writes spaces as '+', and names are where people paste such links from.
        name = decodeComponent(key, rawValue.replace(/\+/g, ' ')).trim() || undefined;
        break;
      case 'tr': {
        const url = decodeComponent(key, rawValue).trim();
        if (url !== '') trackers.add(url);
        break;
      }
      case 'ws': {
        const url = decodeComponent(key, rawValue).trim();
        if (url !== '') webSeeds.add(url);
        break;
      }
      case 'x.pe': {
        const peer = parsePeerAddress(decodeComponent(key, rawValue).trim());
        if (peer && !peers.some((p) => p.host === peer.host && p.port === peer.port)) peers.push(peer);
        break;
      }
      case 'so':
        selectOnly = parseSelectOnly(decodeComponent(key, rawValue), resolved.maxSelectOnly);
        break;
      default:
        break; // Unknown keys (xl, as, kt, …) are allowed and ignored.
    }
  }

  if (hashes.length === 0) {
    if (v2Hash !== undefined) fail('v2-only torrents are not supported (this link has urn:btmh but no urn:btih info hash)');
    fail('link has no info hash (xt=urn:btih:…)');
  }
  const infoHash = parseInfoHash(hashes[0]!);
  const link: MagnetLink = {
    infoHash,
    infoHashHex: toHex(infoHash),
    trackers: Array.from(trackers),
    webSeeds: Array.from(webSeeds),
    peers,
  };
  if (v2Hash !== undefined) link.infoHashV2Hex = v2Hash;
  if (name !== undefined) link.name = name;
  if (selectOnly !== undefined) link.selectOnly = selectOnly;
  return link;
}

/** A magnet URI for `link`; hex infohash (and the v2 one of a hybrid as urn:btmh), every field percent-encoded. */
export function formatMagnet(link: Pick<MagnetLink, 'infoHashHex'> & Partial<MagnetLink>): string {
  let out = `magnet:?xt=urn:btih:${link.infoHashHex.toLowerCase()}`;
  if (link.infoHashV2Hex) out += `&xt=urn:btmh:${BTMH_SHA256_PREFIX}${link.infoHashV2Hex.toLowerCase()}`;
  if (link.name) out += `&dn=${encodeURIComponent(link.name)}`;
  for (const url of link.trackers ?? []) out += `&tr=${encodeURIComponent(url)}`;
  for (const url of link.webSeeds ?? []) out += `&ws=${encodeURIComponent(url)}`;
  for (const peer of link.peers ?? []) {
    out += `&x.pe=${encodeURIComponent(formatEndpoint(peer.host, peer.port))}`;
  }
  if (link.selectOnly && link.selectOnly.length > 0) out += `&so=${formatSelectOnly(link.selectOnly)}`;
  return out;
}

export function toMagnet(meta: TorrentMeta): string {
  return formatMagnet({
    infoHashHex: meta.infoHashHex,
    infoHashV2Hex: meta.infoHashV2Hex,
    name: meta.name,
    trackers: meta.announce.flat(),
    webSeeds: meta.urlList,
  });
}
