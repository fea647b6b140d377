/**
 * BEP 10 extension handshake: the bencoded dict sent as extended message id 0. Parsing is
 * tolerant of keys it does not know and of fields of the wrong type (ignored), and strict on
 * the values it keeps (ranges, limits).
 */
import { encode } from '../bencode/index.js';
import { fromUtf8 } from '../util/bytes.js';
import { bytesField, decodePeerDict, dictField, intField } from './bvalue.js';
import { wireLimits, type WireLimits } from './limits.js';

export interface ExtendedHandshakeOptions {
  /** Extension name -> the id the peer must use to send it to us (1..255; 0 disables). */
  readonly m: Readonly<Record<string, number>>;
  /** BEP 9: size of the info dict, when we have it. */
  readonly metadataSize?: number;
  readonly clientName?: string;
  readonly listenPort?: number;
  readonly reqq?: number;
  /** The peer's address as we see it: 4 or 16 bytes. */
  readonly yourIp?: Uint8Array;
}

export interface ExtendedHandshake {
  /**
   * Extension name -> id to use when sending it to this peer. Id 0 means the peer disabled the
   * extension (BEP 10: a later handshake may do so); negative or > 255 ids are dropped.
   */
  readonly m: Map<string, number>;
  readonly metadataSize?: number;
  /** Set instead of metadataSize when the peer's metadata_size is not usable. */
  readonly metadataSizeError?: string;
  readonly clientName?: string;
  readonly listenPort?: number;
  /** Clamped to limits.maxReqq. */
  readonly reqq?: number;
  readonly yourIp?: Uint8Array;
}

/** The bencoded payload; send it with encodeExtended(0, payload). */
export function encodeExtendedHandshake(options: ExtendedHandshakeOptions): Uint8Array {
  const m = new Map<string, number>(Object.entries(options.m));
  const dict = new Map<string, number | string | Uint8Array | Map<string, number>>([['m', m]]);
  if (options.metadataSize !== undefined) dict.set('metadata_size', options.metadataSize);
  if (options.listenPort !== undefined) dict.set('p', options.listenPort);
  if (options.reqq !== undefined) dict.set('reqq', options.reqq);
  if (options.clientName !== undefined) dict.set('v', options.clientName);
  if (options.yourIp !== undefined) dict.set('yourip', options.yourIp);
  return encode(dict);
}

/** Throws TorrentError if the payload is not a bencoded dictionary. */
export function parseExtendedHandshake(payload: Uint8Array, limits?: Partial<WireLimits>): ExtendedHandshake {
  const { maxMetadataSize, maxReqq, maxClientNameLength } = wireLimits(limits);
  const dict = decodePeerDict(payload, 'an extension handshake');
  const m = new Map<string, number>();
  for (const [name, id] of dictField(dict, 'm') ?? []) {
    if (typeof id === 'number' && Number.isInteger(id) && id >= 0 && id <= 255) m.set(name, id);
  }
  const result: {
    m: Map<string, number>;
    metadataSize?: number;
    metadataSizeError?: string;
    clientName?: string;
    listenPort?: number;
    reqq?: number;
    yourIp?: Uint8Array;
  } = { m };

  const metadataSize = intField(dict, 'metadata_size');
  if (metadataSize !== undefined) {
    if (metadataSize <= 0) result.metadataSizeError = `peer announced metadata of ${metadataSize} bytes`;
    else if (metadataSize > maxMetadataSize) {
      result.metadataSizeError = `peer announced metadata of ${metadataSize} bytes; the limit is ${maxMetadataSize}`;
    } else result.metadataSize = metadataSize;
  }
  const name = bytesField(dict, 'v');
  if (name !== undefined) {
    // Shown in the UI: no control characters, bounded length.
    result.clientName = fromUtf8(name.subarray(0, maxClientNameLength * 4))
      .replace(/[\u0000-\u001f\u007f]/g, '')
      .slice(0, maxClientNameLength);
  }
  const port = intField(dict, 'p');
  if (port !== undefined && port > 0 && port <= 0xffff) result.listenPort = port;
  const reqq = intField(dict, 'reqq');
  if (reqq !== undefined && reqq > 0) result.reqq = Math.min(reqq, maxReqq);
  const yourIp = bytesField(dict, 'yourip');
  if (yourIp !== undefined && (yourIp.length === 4 || yourIp.length === 16)) result.yourIp = yourIp.slice();
  return result;
}
