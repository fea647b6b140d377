/**
 * Tolerant field readers over decoded bencode for extension messages: a field of the wrong type
 * reads as missing (peers add and misuse keys; only the values we keep must be right).
 */
import { decode, decodePrefix, isBytes, isDict, isInt, type BDict, type BValue } from '../bencode/index.js';
import { errorMessage, TorrentError } from '../util/errors.js';

/** A safe integer under `key`, or undefined if missing or of another type. */
export function intField(dict: BDict, key: string): number | undefined {
  const value = dict.get(key);
  return isInt(value) && Number.isSafeInteger(value) ? value : undefined;
}

export function bytesField(dict: BDict, key: string): Uint8Array | undefined {
  const value = dict.get(key);
  return isBytes(value) ? value : undefined;
}

export function dictField(dict: BDict, key: string): BDict | undefined {
  const value = dict.get(key);
  return isDict(value) ? value : undefined;
}

/**
 * Decode a bencoded dict sent by a peer, turning a bencode error into a protocol error (the
 * peer, not a file, is at fault). With `prefix`, bytes may follow the dict (BEP 9 data).
 */
export function decodePeerDict(payload: Uint8Array, what: string): BDict;
export function decodePeerDict(payload: Uint8Array, what: string, prefix: true): { dict: BDict; length: number };
export function decodePeerDict(
  payload: Uint8Array,
  what: string,
  prefix?: true,
): BDict | { dict: BDict; length: number } {
  let value: BValue;
  let length = payload.length;
  try {
    if (prefix) ({ value, length } = decodePrefix(payload));
    else value = decode(payload);
  } catch (error) {
    throw new TorrentError('protocol', `peer sent ${what} that is not valid bencode (${errorMessage(error)})`);
  }
  if (!isDict(value)) throw new TorrentError('protocol', `peer sent ${what} that is not a dictionary`);
  return prefix ? { dict: value, length } : value;
}
