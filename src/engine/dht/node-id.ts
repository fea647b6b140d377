/**
 * Node ids and the XOR metric (BEP 5): ids and infohashes share one 160-bit space, and the
 * distance between two ids is their XOR read as an unsigned integer.
 */
export const ID_LENGTH = 20;
export const ID_BITS = ID_LENGTH * 8;

export function isId(value: Uint8Array | undefined): value is Uint8Array {
  return value instanceof Uint8Array && value.length === ID_LENGTH;
}

/** Compares the distances of `a` and `b` to `target`: negative when `a` is closer. O(20). */
export function compareDistance(target: Uint8Array, a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < ID_LENGTH; i++) {
    const da = a[i]! ^ target[i]!;
    const db = b[i]! ^ target[i]!;
    if (da !== db) return da - db;
  }
  return 0;
}

/** Leading zero bits of `a XOR b`: 160 for equal ids, 0 when the top bits differ. */
export function commonPrefixBits(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < ID_LENGTH; i++) {
    const x = a[i]! ^ b[i]!;
    if (x !== 0) return i * 8 + Math.clz32(x) - 24;
  }
  return ID_BITS;
}

/**
 * A random id sharing exactly `prefixBits` leading bits with `base` (the next bit differs), so it
 * falls in the k-bucket of that prefix length: the target of a bucket refresh (BEP 5).
 */
export function randomIdInBucket(base: Uint8Array, prefixBits: number, randomBytes: (n: number) => Uint8Array): Uint8Array {
  const id = randomBytes(ID_LENGTH).slice(0, ID_LENGTH);
  if (prefixBits >= ID_BITS) return base.slice();
  const fullBytes = prefixBits >> 3;
  for (let i = 0; i < fullBytes; i++) id[i] = base[i]!;
  const bit = prefixBits & 7;
  const keepMask = (0xff00 >> bit) & 0xff; // the leading `bit` bits of this byte
  const flip = 0x80 >> bit;
  const b = base[fullBytes]!;
  id[fullBytes] = (b & keepMask) | ((b ^ flip) & flip) | (id[fullBytes]! & ~(keepMask | flip) & 0xff);
  return id;
}
