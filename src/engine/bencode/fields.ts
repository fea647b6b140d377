/**
 * Typed access to decoded values, with errors that name the field: a .torrent or a peer message
 * with a wrong type becomes "metainfo: info.piece length must be an integer, not a list".
 */
import { TorrentError, type ErrorKind } from '../util/errors.js';
import { fromUtf8, fromUtf8Strict } from '../util/bytes.js';
import { binaryKey } from './keys.js';
import type { BDict, BValue } from './types.js';

export function isInt(value: BValue | undefined): value is number {
  return typeof value === 'number';
}
export function isBytes(value: BValue | undefined): value is Uint8Array {
  return value instanceof Uint8Array;
}
export function isList(value: BValue | undefined): value is BValue[] {
  return Array.isArray(value);
}
export function isDict(value: BValue | undefined): value is BDict {
  return value instanceof Map;
}

export function typeName(value: BValue | undefined): string {
  if (value === undefined) return 'missing';
  if (typeof value === 'number') return 'an integer';
  if (value instanceof Uint8Array) return 'a string';
  if (Array.isArray(value)) return 'a list';
  return 'a dict';
}

/** `d[key]`, where `key` is text (UTF-8; ASCII keys are used as they are). */
export function dictGet(dict: BDict, key: string): BValue | undefined {
  return dict.get(binaryKey(key));
}

function wrongType(what: string, expected: string, value: BValue | undefined, kind: ErrorKind): never {
  const prefix = kind === 'bencode' ? 'bencode' : kind;
  if (value === undefined) throw new TorrentError(kind, `${prefix}: missing ${what}`);
  throw new TorrentError(kind, `${prefix}: ${what} must be ${expected}, not ${typeName(value)}`);
}

/** `what` names the field in errors ("info.piece length"); `kind` is the error kind to raise. */
export function asInt(value: BValue | undefined, what: string, kind: ErrorKind = 'bencode'): number {
  if (typeof value !== 'number') wrongType(what, 'an integer', value, kind);
  return value;
}

export function asBytes(value: BValue | undefined, what: string, kind: ErrorKind = 'bencode'): Uint8Array {
  if (!(value instanceof Uint8Array)) wrongType(what, 'a string', value, kind);
  return value;
}

/** A byte string read as UTF-8; invalid sequences become U+FFFD. */
export function asString(value: BValue | undefined, what: string, kind: ErrorKind = 'bencode'): string {
  return fromUtf8(asBytes(value, what, kind));
}

/** A byte string read as UTF-8, or null when it is not valid UTF-8. */
export function asStrictString(value: BValue | undefined, what: string, kind: ErrorKind = 'bencode'): string | null {
  return fromUtf8Strict(asBytes(value, what, kind));
}

export function asList(value: BValue | undefined, what: string, kind: ErrorKind = 'bencode'): BValue[] {
  if (!Array.isArray(value)) wrongType(what, 'a list', value, kind);
  return value;
}

export function asDict(value: BValue | undefined, what: string, kind: ErrorKind = 'bencode'): BDict {
  if (!(value instanceof Map)) wrongType(what, 'a dict', value, kind);
  return value;
}

/** The optional variants return undefined for a missing field and still reject a wrong type. */
export function optInt(value: BValue | undefined, what: string, kind: ErrorKind = 'bencode'): number | undefined {
  return value === undefined ? undefined : asInt(value, what, kind);
}
export function optBytes(value: BValue | undefined, what: string, kind: ErrorKind = 'bencode'): Uint8Array | undefined {
  return value === undefined ? undefined : asBytes(value, what, kind);
}
export function optString(value: BValue | undefined, what: string, kind: ErrorKind = 'bencode'): string | undefined {
  return value === undefined ? undefined : asString(value, what, kind);
}
export function optList(value: BValue | undefined, what: string, kind: ErrorKind = 'bencode'): BValue[] | undefined {
  return value === undefined ? undefined : asList(value, what, kind);
}
export function optDict(value: BValue | undefined, what: string, kind: ErrorKind = 'bencode'): BDict | undefined {
  return value === undefined ? undefined : asDict(value, what, kind);
}
