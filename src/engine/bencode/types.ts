/**
 * Decoded bencode values (BEP 3). Byte strings stay bytes: BitTorrent strings are often binary
 * (piece hashes, compact peers), and only the reader of a field knows whether it is text.
 *
 * Dict keys are "binary strings": one JS char per byte (latin1), so any key bytes survive a
 * decode/encode round trip unchanged, and a Map (not a plain object) makes `__proto__` harmless.
 */
export type BValue = number | Uint8Array | BValue[] | BDict;
export type BDict = Map<string, BValue>;

/**
 * What `encode` accepts. Strings are written as UTF-8. Keys of Maps and plain objects are binary
 * strings like BDict keys (every char must be <= U+00FF; use `binaryKey` for UTF-8 text keys).
 * Plain-object properties whose value is `undefined` are skipped, which keeps optional fields terse.
 */
export type BEncodable =
  | number
  | string
  | Uint8Array
  | readonly BEncodable[]
  | ReadonlyMap<string, BEncodable>
  | { readonly [key: string]: BEncodable | undefined };
