/**
 * Parsing of HTTP tracker responses: announce (BEP 3, compact peers BEP 23, peers6 BEP 7) and
 * scrape (BEP 48). Anything malformed becomes a TorrentError('tracker', ...), never a crash.
 */
import { decode, type BValue } from '../bencode/index.js';
import { fromUtf8 } from '../util/bytes.js';
import { TorrentError, errorMessage } from '../util/errors.js';
import type { TrackerLimits } from './limits.js';
import { isValidPort, parseCompactPeerList } from './peer-list.js';
import type { AnnounceResponse, PeerAddress, ScrapeResponse } from './types.js';

type BDict = Map<string, BValue>;

export function parseAnnounceResponse(body: Uint8Array, limits: TrackerLimits): AnnounceResponse {
  const dict = decodeDict(body, limits);
  throwIfFailure(dict, limits);

  const peers: PeerAddress[] = [];
  const max = limits.maxPeersPerResponse;
  const v4 = dict.get('peers');
  if (v4 instanceof Uint8Array) addCompact(peers, v4, 6, max);
  else if (Array.isArray(v4)) addDictPeers(peers, v4, max);
  else if (v4 !== undefined) throw invalid('"peers" is neither a string nor a list');
  // BEP 7: IPv6 peers come in a separate key, 18 bytes each.
  const v6 = dict.get('peers6');
  if (v6 instanceof Uint8Array) addCompact(peers, v6, 18, max);

  const interval = nonNegativeInt(dict.get('interval'));
  if (interval === undefined && v4 === undefined) throw invalid('no "interval" and no "peers"');

  const response: AnnounceResponse = { interval: interval ?? limits.defaultIntervalSec, peers };
  const minInterval = nonNegativeInt(dict.get('min interval'));
  if (minInterval !== undefined) response.minInterval = minInterval;
  const complete = nonNegativeInt(dict.get('complete'));
  if (complete !== undefined) response.complete = complete;
  const incomplete = nonNegativeInt(dict.get('incomplete'));
  if (incomplete !== undefined) response.incomplete = incomplete;
  const warning = dict.get('warning message');
  if (warning instanceof Uint8Array) response.warning = text(warning, limits);
  const trackerId = dict.get('tracker id');
  if (trackerId instanceof Uint8Array && trackerId.length > 0 && trackerId.length <= limits.maxMessageLength) {
    response.trackerId = binaryString(trackerId);
  }
  return response;
}

/** BEP 48: `files` maps each raw 20-byte info hash to {complete, incomplete, downloaded}. */
export function parseScrapeResponse(body: Uint8Array, infoHash: Uint8Array, limits: TrackerLimits): ScrapeResponse {
  const dict = decodeDict(body, limits);
  throwIfFailure(dict, limits);
  const files = dict.get('files');
  if (!isDict(files)) throw invalid('scrape response has no "files" dictionary');
  const entry = files.get(binaryString(infoHash));
  if (!isDict(entry)) throw new TorrentError('tracker', 'tracker has no scrape data for this torrent');
  return {
    complete: nonNegativeInt(entry.get('complete')) ?? 0,
    incomplete: nonNegativeInt(entry.get('incomplete')) ?? 0,
    downloaded: nonNegativeInt(entry.get('downloaded')) ?? 0,
  };
}

/** One char per byte: dictionary keys from the bencode decoder use the same form. */
export function binaryString(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += String.fromCharCode(bytes[i]!);
  return out;
}

function decodeDict(body: Uint8Array, limits: TrackerLimits): BDict {
  if (body.length > limits.maxResponseBytes) {
    throw invalid(`response is larger than ${limits.maxResponseBytes} bytes`);
  }
  let value: BValue;
  try {
    value = decode(body, { maxTotalSize: limits.maxResponseBytes });
  } catch (error) {
    throw invalid(`not bencoded: ${errorMessage(error)}`);
  }
  if (!isDict(value)) throw invalid('not a bencoded dictionary');
  return value;
}

function throwIfFailure(dict: BDict, limits: TrackerLimits): void {
  const failure = dict.get('failure reason');
  if (failure === undefined) return;
  const reason = failure instanceof Uint8Array ? text(failure, limits) : 'unknown reason';
  throw new TorrentError('tracker', `tracker said: ${reason || 'unknown reason'}`);
}

function addCompact(out: PeerAddress[], bytes: Uint8Array, size: 6 | 18, max: number): void {
  for (const peer of parseCompactPeerList(bytes, size, max - out.length)) out.push(peer);
}

function addDictPeers(out: PeerAddress[], list: BValue[], max: number): void {
  for (const item of list) {
    if (out.length >= max) return;
    if (!isDict(item)) continue;
    const ip = item.get('ip');
    const port = item.get('port');
    if (!(ip instanceof Uint8Array) || ip.length === 0 || ip.length > 255) continue;
    if (typeof port !== 'number' || !isValidPort(port)) continue;
    out.push({ host: fromUtf8(ip), port });
  }
}

function isDict(value: BValue | undefined): value is BDict {
  return value instanceof Map;
}

function nonNegativeInt(value: BValue | undefined): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

function text(bytes: Uint8Array, limits: TrackerLimits): string {
  return fromUtf8(bytes.subarray(0, limits.maxMessageLength)).trim();
}

function invalid(detail: string): TorrentError {
  return new TorrentError('tracker', `tracker sent an invalid response: ${detail}`);
}
