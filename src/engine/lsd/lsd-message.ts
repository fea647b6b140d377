/**
 * BEP 14 announces: an HTTP-like request over UDP multicast.
 *
 *   BT-SEARCH * HTTP/1.1\r\n
 *   Host: 239.192.152.143:6771\r\n
 *   Port: <port>\r\n
 *   Infohash: <40 hex>\r\n        (one or more, consecutive)
 *   cookie: <opaque>\r\n          (optional; lets a client spot its own announces)
 *   \r\n
 *   \r\n
 */
import { TorrentError } from '../util/errors.js';
import type { LsdLimits } from './lsd-limits.js';

export interface LsdAnnounce {
  port: number;
  /** Lower-case 40-digit hex infohashes. */
  infoHashes: string[];
  cookie?: string;
}

const REQUEST_LINE = 'BT-SEARCH * HTTP/1.1';
const HEX40 = /^[0-9a-fA-F]{40}$/;

/** `host` is the group as the Host header shows it: "239.192.152.143:6771" or "[ff15::efc0:988f]:6771". */
export function encodeLsdAnnounce(host: string, announce: LsdAnnounce): Uint8Array {
  let text = `${REQUEST_LINE}\r\nHost: ${host}\r\nPort: ${announce.port}\r\n`;
  for (const hash of announce.infoHashes) text += `Infohash: ${hash}\r\n`;
  if (announce.cookie !== undefined) text += `cookie: ${announce.cookie}\r\n`;
  text += '\r\n\r\n';
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/** Bytes one Infohash header adds to an announce. */
export const INFOHASH_HEADER_BYTES = 'Infohash: \r\n'.length + 40;

/**
 * Reads an announce; throws TorrentError('protocol') for anything that is not a well-formed one.
 * Unknown headers are ignored (BEP 14: forward compatibility); Infohash values that are not 40
 * hex digits are skipped, and at least one valid one is required.
 */
export function parseLsdAnnounce(bytes: Uint8Array, limits: LsdLimits): LsdAnnounce {
  if (bytes.length > limits.maxIncomingBytes) fail(`announce of ${bytes.length} bytes (at most ${limits.maxIncomingBytes})`);
  let text = '';
  for (const b of bytes) {
    if (b > 0x7e || (b < 0x20 && b !== 0x0d && b !== 0x0a && b !== 0x09)) fail('announce is not plain ASCII text');
    text += String.fromCharCode(b);
  }
  const lines = text.split(/\r?\n/);
  if (lines[0] !== REQUEST_LINE) fail('not a BT-SEARCH request');
  let port: number | undefined;
  let cookie: string | undefined;
  const infoHashes: string[] = [];
  let headers = 0;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue; // the blank lines that end the request
    if (++headers > limits.maxHeaders) fail(`more than ${limits.maxHeaders} header lines`);
    const colon = line.indexOf(':');
    if (colon <= 0) fail('header line without a name');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'port') {
      if (!/^\d{1,5}$/.test(value) || Number(value) < 1 || Number(value) > 65535) fail(`bad Port "${value.slice(0, 20)}"`);
      port = Number(value);
    } else if (name === 'infohash') {
      if (HEX40.test(value) && infoHashes.length < limits.maxInfohashes) infoHashes.push(value.toLowerCase());
    } else if (name === 'cookie') {
      cookie = value.slice(0, limits.maxCookieLength);
    }
  }
  if (port === undefined) fail('no Port header');
  if (infoHashes.length === 0) fail('no valid Infohash header');
  return { port, infoHashes: [...new Set(infoHashes)], ...(cookie !== undefined ? { cookie } : {}) };
}

function fail(message: string): never {
  throw new TorrentError('protocol', `LSD: ${message}`);
}
