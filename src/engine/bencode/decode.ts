/**
 * Strict bencode decoder (BEP 3), iterative so no input can exhaust the call stack.
 *
 * Rules enforced, each with an error naming the byte offset:
 * - integers: `i<digits>e`, optional `-`, no leading zeros, no `i-0e`, no `ie`, at most
 *   Number.MAX_SAFE_INTEGER in magnitude (a larger value would silently lose precision);
 * - strings: `<length>:<bytes>`, length without leading zeros and within the limits;
 * - dict keys are strings and unique. Keys out of order are accepted: BEP 3 requires sorted keys,
 *   but real .torrent files break that rule and libtorrent accepts them. The infohash is taken
 *   from the raw bytes, so accepting them changes nothing. Duplicate keys are refused: they make
 *   the meaning ambiguous (which `length` is the real one?);
 * - the whole input is one value (`decode`) or one value at the start (`decodePrefix`).
 */
import { TorrentError } from '../util/errors.js';
import { resolveBencodeLimits, type BencodeLimits } from './limits.js';
import { describeKey, keyFromBytes } from './keys.js';
import type { BDict, BValue } from './types.js';

const CH_0 = 0x30;
const CH_9 = 0x39;
const CH_COLON = 0x3a;
const CH_MINUS = 0x2d;
const CH_D = 0x64;
const CH_E = 0x65;
const CH_I = 0x69;
const CH_L = 0x6c;

/** A top-level dict entry's raw encoded value: `bytes.subarray(start, end)`. */
export interface ValueSpan {
  start: number;
  end: number;
}

export interface DecodeResult {
  value: BValue;
  /** Bytes consumed. */
  length: number;
  /** Spans of each value of the top-level dict (empty when the top level is not a dict). */
  spans: Map<string, ValueSpan>;
}

type Frame =
  | { kind: 'list'; list: BValue[] }
  | { kind: 'dict'; dict: BDict; key: string | null; valueAt: number };

function fail(message: string, at: number, detail = ''): never {
  throw new TorrentError('bencode', `bencode: ${message} at byte ${at}${detail && ` (${detail})`}`);
}

function describeByte(byte: number): string {
  const hex = '0x' + byte.toString(16).padStart(2, '0');
  return byte >= 0x21 && byte <= 0x7e ? `'${String.fromCharCode(byte)}' (${hex})` : hex;
}

/** Decodes exactly one value; any bytes after it are an error. */
export function decode(bytes: Uint8Array, limits?: Partial<BencodeLimits>): BValue {
  const resolved = resolveBencodeLimits(limits);
  if (bytes.length > resolved.maxTotalSize) {
    throw new TorrentError('bencode', `bencode: input of ${bytes.length} bytes exceeds the ${resolved.maxTotalSize}-byte limit`);
  }
  const result = decodeValue(bytes, resolved, false);
  if (result.length !== bytes.length) fail('trailing data after the value', result.length);
  return result.value;
}

/** Decodes one value at the start of `bytes` and reports how many bytes it took (BEP 9 data messages carry raw bytes after the dict). */
export function decodePrefix(bytes: Uint8Array, limits?: Partial<BencodeLimits>): { value: BValue; length: number } {
  const result = decodeValue(bytes, resolveBencodeLimits(limits), false);
  return { value: result.value, length: result.length };
}

/**
 * Like `decode`, and also records where each value of the top-level dict lies in `bytes`: the
 * infohash is the SHA-1 of the `info` value exactly as encoded (BEP 3), never of a re-encoding.
 */
export function decodeWithSpans(bytes: Uint8Array, limits?: Partial<BencodeLimits>): DecodeResult {
  const resolved = resolveBencodeLimits(limits);
  if (bytes.length > resolved.maxTotalSize) {
    throw new TorrentError('bencode', `bencode: input of ${bytes.length} bytes exceeds the ${resolved.maxTotalSize}-byte limit`);
  }
  const result = decodeValue(bytes, resolved, true);
  if (result.length !== bytes.length) fail('trailing data after the value', result.length);
  return result;
}

/** The raw encoded bytes of `key` in the top-level dict of `bytes`, or null if absent. */
export function findRawValue(bytes: Uint8Array, key: string, limits?: Partial<BencodeLimits>): Uint8Array | null {
  const span = decodeWithSpans(bytes, limits).spans.get(key);
  return span ? bytes.slice(span.start, span.end) : null;
}

function decodeValue(bytes: Uint8Array, limits: BencodeLimits, recordSpans: boolean): DecodeResult {
  const end = bytes.length;
  const stack: Frame[] = [];
  const spans = new Map<string, ValueSpan>();
  let pos = 0;
  let tokens = 0;
  let root: BValue | undefined;

  const countToken = (): void => {
    if (++tokens > limits.maxTokens) fail(`more than ${limits.maxTokens} values`, pos);
  };

  // Reads `<length>:` and returns the string's bytes as [start, stop); advances pos past them.
  const readStringSpan = (): [number, number] => {
    const at = pos;
    let length = 0;
    let digits = 0;
    while (pos < end && bytes[pos]! >= CH_0 && bytes[pos]! <= CH_9) {
      length = length * 10 + (bytes[pos]! - CH_0);
      digits++;
      pos++;
      if (length > limits.maxStringLength) {
        while (pos < end && bytes[pos]! >= CH_0 && bytes[pos]! <= CH_9 && pos - at < 20) pos++;
        fail(`string length ${keyFromBytes(bytes, at, pos)} exceeds the ${limits.maxStringLength}-byte limit`, at);
      }
    }
    if (pos >= end) fail('unexpected end of data', pos);
    if (bytes[pos] !== CH_COLON) fail(`expected ':' after string length, found ${describeByte(bytes[pos]!)}`, pos);
    if (digits > 1 && bytes[at] === CH_0) fail('leading zero in string length', at);
    pos++;
    const start = pos;
    if (length > end - start) fail('unexpected end of data', end, `string of ${length} bytes needs ${length - (end - start)} more`);
    if (start + length > limits.maxTotalSize) fail(`value exceeds the ${limits.maxTotalSize}-byte limit`, start);
    pos = start + length;
    return [start, pos];
  };

  const readInteger = (): number => {
    const at = pos;
    pos++; // 'i'
    let negative = false;
    if (pos < end && bytes[pos] === CH_MINUS) {
      negative = true;
      pos++;
    }
    const firstDigit = pos;
    let value = 0;
    while (pos < end && bytes[pos]! >= CH_0 && bytes[pos]! <= CH_9) {
      value = value * 10 + (bytes[pos]! - CH_0);
      pos++;
      if (value > Number.MAX_SAFE_INTEGER) fail('integer out of range (beyond 2^53-1)', at);
    }
    if (pos >= end) fail('unexpected end of data', pos);
    if (bytes[pos] !== CH_E) fail(`invalid character ${describeByte(bytes[pos]!)} in integer`, pos);
    const digits = pos - firstDigit;
    if (digits === 0) fail('empty integer', at);
    if (bytes[firstDigit] === CH_0 && digits > 1) fail('leading zero in integer', at);
    if (negative && value === 0) fail('negative zero (i-0e)', at);
    pos++; // 'e'
    return negative ? -value : value;
  };

  for (;;) {
    if (pos >= end) fail('unexpected end of data', pos);
    if (pos > limits.maxTotalSize) fail(`value exceeds the ${limits.maxTotalSize}-byte limit`, pos);
    const top = stack.length > 0 ? stack[stack.length - 1]! : undefined;
    const byte = bytes[pos]!;
    let value: BValue;
    const valueAt = pos;

    if (top !== undefined && top.kind === 'dict' && top.key === null) {
      if (byte === CH_E) {
        pos++;
        stack.pop();
        value = top.dict;
      } else if (byte >= CH_0 && byte <= CH_9) {
        countToken();
        const keyAt = pos;
        const [start, stop] = readStringSpan();
        const key = keyFromBytes(bytes, start, stop);
        if (top.dict.has(key)) fail(`duplicate dict key ${describeKey(key)}`, keyAt);
        top.key = key;
        top.valueAt = pos;
        continue;
      } else {
        fail(`dict key must be a string, found ${describeByte(byte)}`, pos);
      }
    } else if (byte === CH_I) {
      countToken();
      value = readInteger();
    } else if (byte >= CH_0 && byte <= CH_9) {
      countToken();
      const [start, stop] = readStringSpan();
      value = bytes.slice(start, stop);
    } else if (byte === CH_L || byte === CH_D) {
      countToken();
      if (stack.length >= limits.maxDepth) fail(`nesting deeper than ${limits.maxDepth}`, pos);
      pos++;
      stack.push(byte === CH_L ? { kind: 'list', list: [] } : { kind: 'dict', dict: new Map(), key: null, valueAt: 0 });
      continue;
    } else if (byte === CH_E && top !== undefined && top.kind === 'list') {
      pos++;
      stack.pop();
      value = top.list;
    } else if (byte === CH_E && top !== undefined && top.kind === 'dict') {
      fail(`missing value for dict key ${describeKey(top.key!)}`, pos);
    } else {
      fail(`unexpected ${describeByte(byte)} (expected i, l, d or a string length)`, valueAt);
    }

    // A value is complete: attach it to its parent, or finish.
    const parent = stack.length > 0 ? stack[stack.length - 1]! : undefined;
    if (parent === undefined) {
      root = value;
      break;
    }
    if (parent.kind === 'list') {
      parent.list.push(value);
    } else {
      const key = parent.key!;
      parent.dict.set(key, value);
      if (recordSpans && stack.length === 1) spans.set(key, { start: parent.valueAt, end: pos });
      parent.key = null;
    }
  }
  return { value: root, length: pos, spans };
}
