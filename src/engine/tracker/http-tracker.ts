/**
 * HTTP(S) tracker client: announce (BEP 3, compact BEP 23) and scrape (BEP 48). Stateless;
 * the Announcer keeps the schedule and the tracker id.
 */
import type { HttpClient, HttpResponse } from '../../platform/interfaces/http.js';
import { percentEncodeBytes } from '../util/bytes.js';
import { TorrentError, errorMessage } from '../util/errors.js';
import type { TrackerLimits } from './limits.js';
import { parseAnnounceResponse, parseScrapeResponse } from './http-response.js';
import type { AnnounceRequest, AnnounceResponse, ScrapeResponse } from './types.js';

export async function httpAnnounce(
  http: HttpClient,
  announceUrl: string,
  request: AnnounceRequest,
  limits: TrackerLimits,
  signal?: AbortSignal,
): Promise<AnnounceResponse> {
  const response = await get(http, buildAnnounceUrl(announceUrl, request), limits, signal);
  return parseWithStatus(response, (body) => parseAnnounceResponse(body, limits));
}

export async function httpScrape(
  http: HttpClient,
  announceUrl: string,
  infoHash: Uint8Array,
  limits: TrackerLimits,
  signal?: AbortSignal,
): Promise<ScrapeResponse> {
  const scrapeUrl = scrapeUrlFor(announceUrl);
  if (scrapeUrl === null) throw new TorrentError('tracker', 'this tracker does not support scrape');
  const response = await get(http, buildScrapeUrl(scrapeUrl, infoHash), limits, signal);
  return parseWithStatus(response, (body) => parseScrapeResponse(body, infoHash, limits));
}

/**
 * BEP 3 announce URL. info_hash and peer_id are raw bytes, percent-encoded byte by byte; an
 * existing query (private trackers put a passkey there) is kept and extended.
 */
export function buildAnnounceUrl(announceUrl: string, request: AnnounceRequest): string {
  const params: [string, string][] = [
    ['info_hash', percentEncodeBytes(request.infoHash)],
    ['peer_id', percentEncodeBytes(request.peerId)],
    ['port', integer(request.port)],
    ['uploaded', integer(request.uploaded)],
    ['downloaded', integer(request.downloaded)],
    ['left', integer(request.left)],
    ['compact', '1'],
  ];
  if (request.numWant !== undefined) params.push(['numwant', integer(request.numWant)]);
  params.push(['key', (request.key >>> 0).toString(16).toUpperCase().padStart(8, '0')]);
  if (request.event !== undefined) params.push(['event', request.event]);
  if (request.trackerId !== undefined) params.push(['trackerid', percentEncodeBytes(latin1Bytes(request.trackerId))]);
  return appendQuery(announceUrl, params);
}

/** BEP 48: `.../announce[suffix]` -> `.../scrape[suffix]`; any other last segment has no scrape. */
export function scrapeUrlFor(announceUrl: string): string | null {
  const { base, query } = splitQuery(announceUrl);
  const slash = base.lastIndexOf('/');
  if (slash < 0 || !base.startsWith('announce', slash + 1)) return null;
  return base.slice(0, slash + 1) + 'scrape' + base.slice(slash + 1 + 'announce'.length) + query;
}

export function buildScrapeUrl(scrapeUrl: string, infoHash: Uint8Array): string {
  return appendQuery(scrapeUrl, [['info_hash', percentEncodeBytes(infoHash)]]);
}

function appendQuery(url: string, params: [string, string][]): string {
  const hash = url.indexOf('#');
  const base = hash >= 0 ? url.slice(0, hash) : url;
  const query = params.map(([k, v]) => `${k}=${v}`).join('&');
  if (!base.includes('?')) return `${base}?${query}`;
  return base.endsWith('?') || base.endsWith('&') ? base + query : `${base}&${query}`;
}

function splitQuery(url: string): { base: string; query: string } {
  const hash = url.indexOf('#');
  const noHash = hash >= 0 ? url.slice(0, hash) : url;
  const q = noHash.indexOf('?');
  return q < 0 ? { base: noHash, query: '' } : { base: noHash.slice(0, q), query: noHash.slice(q) };
}

async function get(http: HttpClient, url: string, limits: TrackerLimits, signal?: AbortSignal): Promise<HttpResponse> {
  try {
    return await http.get({
      url,
      timeoutMs: limits.httpTimeoutMs,
      maxBytes: limits.maxResponseBytes,
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    if (error instanceof TorrentError) throw error;
    throw new TorrentError('tracker', `could not reach tracker: ${errorMessage(error)}`);
  }
}

/**
 * Some trackers answer an error status with a bencoded `failure reason`: prefer that message.
 */
function parseWithStatus<T>(response: HttpResponse, parse: (body: Uint8Array) => T): T {
  if (response.status === 200) return parse(response.body);
  try {
    parse(response.body);
  } catch (error) {
    if (error instanceof TorrentError && error.message.startsWith('tracker said:')) throw error;
  }
  throw new TorrentError('tracker', `tracker answered HTTP ${response.status}`);
}

function integer(value: number): string {
  return String(Math.max(0, Math.trunc(value)));
}

function latin1Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}
