/**
 * Bencode encoder (BEP 3): one pass into a growing buffer, dict keys sorted by raw bytes.
 * Used per ut_metadata/ut_pex message, so it avoids building intermediate arrays of chunks.
 */
import { TorrentError } from '../util/errors.js';
import type { BEncodable } from './types.js';

const encoder = new TextEncoder();

/** Our own values are never this deep; deeper means a cycle, which would otherwise recurse forever. */
const MAX_ENCODE_DEPTH = 1000;

class Writer {
  buffer = new Uint8Array(256);
  length = 0;

  ensure(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < needed) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }

  byte(value: number): void {
    this.ensure(1);
    this.buffer[this.length++] = value;
  }

  /** Writes a string of ASCII digits/signs (numbers and length prefixes). */
  ascii(text: string): void {
    this.ensure(text.length);
    for (let i = 0; i < text.length; i++) this.buffer[this.length++] = text.charCodeAt(i);
  }

  bytes(data: Uint8Array): void {
    this.ascii(String(data.length));
    this.byte(0x3a);
    this.ensure(data.length);
    this.buffer.set(data, this.length);
    this.length += data.length;
  }

  /** A binary-string dict key: one byte per char. */
  key(key: string): void {
    this.ascii(String(key.length));
    this.byte(0x3a);
    this.ensure(key.length);
    for (let i = 0; i < key.length; i++) {
      const code = key.charCodeAt(i);
      if (code > 0xff) {
        throw new TorrentError('bencode', `bencode: dict key ${JSON.stringify(key.slice(0, 40))} is not a binary string (use binaryKey() for UTF-8 text)`);
      }
      this.buffer[this.length++] = code;
    }
  }
}

export function encode(value: BEncodable): Uint8Array {
  const writer = new Writer();
  write(writer, value, 0);
  return writer.buffer.slice(0, writer.length);
}

function write(writer: Writer, value: BEncodable, depth: number): void {
  if (depth > MAX_ENCODE_DEPTH) throw new TorrentError('bencode', `bencode: value nested deeper than ${MAX_ENCODE_DEPTH} (cyclic?)`);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new TorrentError('bencode', `bencode: cannot encode ${value}: only safe integers are allowed`);
    writer.byte(0x69); // i
    writer.ascii(String(value)); // String(-0) is "0": never the i-0e that BEP 3 forbids
    writer.byte(0x65); // e
  } else if (typeof value === 'string') {
    writer.bytes(encoder.encode(value));
  } else if (value instanceof Uint8Array) {
    writer.bytes(value);
  } else if (Array.isArray(value)) {
    writer.byte(0x6c); // l
    for (const item of value as readonly BEncodable[]) write(writer, item, depth + 1);
    writer.byte(0x65);
  } else if (value instanceof Map) {
    writer.byte(0x64); // d
    const keys = Array.from((value as ReadonlyMap<string, BEncodable>).keys()).sort();
    for (const key of keys) {
      const item = value.get(key) as BEncodable | undefined;
      if (item === undefined) continue;
      writer.key(key);
      write(writer, item, depth + 1);
    }
    writer.byte(0x65);
  } else if (typeof value === 'object' && value !== null) {
    writer.byte(0x64);
    const record = value as { readonly [key: string]: BEncodable | undefined };
    // Default sort compares UTF-16 code units, which for binary-string keys is raw byte order (BEP 3).
    const keys = Object.keys(record).sort();
    for (const key of keys) {
      const item = record[key];
      if (item === undefined) continue;
      writer.key(key);
      write(writer, item, depth + 1);
    }
    writer.byte(0x65);
  } else {
    throw new TorrentError('bencode', `bencode: cannot encode a value of type ${value === null ? 'null' : typeof value}`);
  }
}
