/**
 * Dict keys are binary strings: one char per byte (latin1). Byte-exact and cheap to compare;
 * plain JS string order on them equals the raw byte order BEP 3 sorts keys by.
 */
import { fromUtf8, utf8 } from '../util/bytes.js';

const CHUNK = 0x2000;

export function keyFromBytes(bytes: Uint8Array, start: number, stop: number): string {
  if (stop - start <= CHUNK) return String.fromCharCode.apply(null, bytes.subarray(start, stop) as unknown as number[]);
  let out = '';
  for (let i = start; i < stop; i += CHUNK) {
    out += String.fromCharCode.apply(null, bytes.subarray(i, Math.min(i + CHUNK, stop)) as unknown as number[]);
  }
  return out;
}

/** The bytes of a binary-string key. */
export function keyBytes(key: string): Uint8Array {
  const out = new Uint8Array(key.length);
  for (let i = 0; i < key.length; i++) out[i] = key.charCodeAt(i) & 0xff;
  return out;
}

/** The binary-string key for UTF-8 text (identity for ASCII keys such as `info`). */
export function binaryKey(text: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(text)) return text;
  const bytes = utf8(text);
  return keyFromBytes(bytes, 0, bytes.length);
}

/** A binary-string key read as UTF-8 text (invalid sequences become U+FFFD). */
export function keyText(key: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(key)) return key;
  return fromUtf8(keyBytes(key));
}

/** A key quoted for an error message, shortened and with unprintable bytes escaped. */
export function describeKey(key: string): string {
  const shown = key.slice(0, 40).replace(/[^\x20-\x7e]|["\\]/g, (c) => '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0'));
  return '"' + shown + (key.length > 40 ? '…"' : '"');
}
