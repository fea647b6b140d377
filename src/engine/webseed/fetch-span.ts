/**
 * One ranged GET of one file span (BEP 19: web seeds are plain HTTP servers; RFC 9110 ranges),
 * with the answer checked before a byte of it is trusted.
 */
import type { HttpClient } from '../../platform/interfaces/http.js';
import { errorMessage, TorrentError } from '../util/errors.js';
import type { WebSeedLimits } from './limits.js';

/** A failed fetch. `fatal`: retrying cannot help (the server's file is not the torrent's). */
export class WebSeedFetchError extends TorrentError {
  constructor(
    message: string,
    readonly fatal = false,
    /** From Retry-After on 503/429, in ms. */
    readonly retryAfterMs?: number,
  ) {
    super('network', message);
  }
}

export interface SpanRequest {
  url: string;
  fileOffset: number;
  length: number;
  /** The file's length in the torrent: what a 200 must carry, and what Content-Range must name. */
  fileLength: number;
}

const CONTENT_RANGE = /^bytes\s+(\d+)-(\d+)\/(\d+|\*)$/i;

/** RFC 9110 Retry-After: delay-seconds only (an HTTP date needs a wall clock we do not have). */
function retryAfter(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,9}$/.test(value.trim())) return undefined;
  return Number(value.trim()) * 1000;
}

/** The bytes of the span. Throws WebSeedFetchError with a message naming the URL. */
export async function fetchSpan(
  http: HttpClient,
  request: SpanRequest,
  limits: WebSeedLimits,
  signal: AbortSignal,
): Promise<Uint8Array> {
  const { url, fileOffset, length, fileLength } = request;
  const last = fileOffset + length - 1;
  // A server ignoring Range sends the whole file: allow that only for small files.
  const maxBytes = fileLength <= limits.maxWholeFileBytes ? Math.max(fileLength, length) : length;
  let response;
  try {
    response = await http.get({
      url,
      headers: { Range: `bytes=${fileOffset}-${last}` },
      timeoutMs: limits.requestTimeoutMs,
      maxBytes,
      signal,
    });
  } catch (error) {
    throw new WebSeedFetchError(`web seed ${url}: ${errorMessage(error)}`);
  }
  const { status, body, headers } = response;

  if (status === 206) {
    const range = headers['content-range'];
    const match = range === undefined ? null : CONTENT_RANGE.exec(range.trim());
    if (match) {
      if (match[3] !== '*' && Number(match[3]) !== fileLength) {
        throw new WebSeedFetchError(
          `web seed ${url}: the file on the server is ${match[3]} bytes but the torrent says ${fileLength}; it is a different file`,
          true,
        );
      }
      if (Number(match[1]) !== fileOffset || Number(match[2]) !== last) {
        throw new WebSeedFetchError(`web seed ${url}: asked for bytes ${fileOffset}-${last}, got ${match[1]}-${match[2]}`);
      }
    }
    if (body.length !== length) {
      throw new WebSeedFetchError(`web seed ${url}: asked for ${length} bytes at ${fileOffset}, got ${body.length}`);
    }
    return body;
  }

  if (status === 200) {
    // The server ignored Range and sent the whole file: it must be the torrent's file.
    if (body.length !== fileLength) {
      throw new WebSeedFetchError(
        `web seed ${url}: the file on the server is ${body.length} bytes but the torrent says ${fileLength}; it is a different file`,
        true,
      );
    }
    return body.subarray(fileOffset, fileOffset + length);
  }

  if (status === 416) {
    throw new WebSeedFetchError(`web seed ${url}: the server has no bytes ${fileOffset}-${last} (HTTP 416); its file is shorter than the torrent's`, true);
  }
  const wait = status === 503 || status === 429 ? retryAfter(headers['retry-after']) : undefined;
  throw new WebSeedFetchError(`web seed ${url}: HTTP ${status}`, false, wait);
}
