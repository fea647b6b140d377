import { TorrentError } from '../util/errors.js';

/** Set bits in each byte value, so count() and popcounts never loop over bits. */
export const POPCOUNT = (() => {
  const table = new Uint8Array(256);
  for (let i = 1; i < 256; i++) table[i] = (i & 1) + table[i >> 1]!;
  return table;
})();

/**
 * One bit per piece in BEP 3 layout: the high bit of byte 0 is piece 0, and the spare bits at
 * the end of the last byte are zero. The number of set bits is kept up to date, so `count`,
 * `hasAll` and `hasNone` are O(1).
 */
export class Bitfield {
  readonly size: number;
  private readonly bits: Uint8Array;
  private setCount = 0;

  constructor(size: number, bytes?: Uint8Array) {
    if (!Number.isInteger(size) || size < 0) {
      throw new TorrentError('internal', `bitfield size must be a non-negative integer, got ${size}`);
    }
    this.size = size;
    this.bits = new Uint8Array((size + 7) >> 3);
    if (bytes) {
      checkLayout(bytes, size);
      this.bits.set(bytes);
      for (let i = 0; i < this.bits.length; i++) this.setCount += POPCOUNT[this.bits[i]!]!;
    }
  }

  /** Parse a BITFIELD payload for a torrent of `size` pieces (BEP 3). */
  static fromBytes(bytes: Uint8Array, size: number): Bitfield {
    return new Bitfield(size, bytes);
  }

  get count(): number {
    return this.setCount;
  }

  get(i: number): boolean {
    if (i < 0 || i >= this.size) return false;
    return (this.bits[i >> 3]! & (0x80 >> (i & 7))) !== 0;
  }

  set(i: number): void {
    this.checkIndex(i);
    const mask = 0x80 >> (i & 7);
    const byte = this.bits[i >> 3]!;
    if ((byte & mask) !== 0) return;
    this.bits[i >> 3] = byte | mask;
    this.setCount++;
  }

  clear(i: number): void {
    this.checkIndex(i);
    const mask = 0x80 >> (i & 7);
    const byte = this.bits[i >> 3]!;
    if ((byte & mask) === 0) return;
    this.bits[i >> 3] = byte & ~mask;
    this.setCount--;
  }

  hasAll(): boolean {
    return this.setCount === this.size;
  }

  hasNone(): boolean {
    return this.setCount === 0;
  }

  /** A copy of the bytes, ready to send as a BITFIELD payload. */
  toBytes(): Uint8Array {
    return this.bits.slice();
  }

  /**
   * The live bytes, without a copy, for word-wise scans (interest, popcount of an AND).
   * Callers must not write to them: the count would go stale.
   */
  view(): Uint8Array {
    return this.bits;
  }

  /** Calls `fn` with every set index, in order; skips empty bytes, so sparse fields are cheap. */
  forEachSet(fn: (index: number) => void): void {
    const bytes = this.bits;
    for (let k = 0; k < bytes.length; k++) {
      const byte = bytes[k]!;
      if (byte === 0) continue;
      for (let bit = 0; bit < 8; bit++) if ((byte & (0x80 >> bit)) !== 0) fn(k * 8 + bit);
    }
  }

  /** How many indexes are set both here and in `other` (same size). */
  countAnd(other: Bitfield): number {
    const a = this.bits;
    const b = other.bits;
    let count = 0;
    for (let k = 0; k < a.length && k < b.length; k++) count += POPCOUNT[a[k]! & b[k]!]!;
    return count;
  }

  clone(): Bitfield {
    return new Bitfield(this.size, this.bits);
  }

  private checkIndex(i: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.size) {
      throw new TorrentError('internal', `piece index ${i} is out of range (0..${this.size - 1})`);
    }
  }
}

function checkLayout(bytes: Uint8Array, size: number): void {
  const expected = (size + 7) >> 3;
  if (bytes.length !== expected) {
    throw new TorrentError(
      'protocol',
      `bitfield is ${bytes.length} bytes but a torrent of ${size} pieces needs ${expected}`,
    );
  }
  const spare = expected * 8 - size;
  if (spare > 0 && (bytes[expected - 1]! & ((1 << spare) - 1)) !== 0) {
    // BEP 3: "Spare bits at the end are set to zero. Clients which receive a bitfield that is
    // not ... should drop the connection."
    throw new TorrentError('protocol', `bitfield has spare bits set past piece ${size - 1}`);
  }
}
