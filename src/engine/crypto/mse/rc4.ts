/**
 * RC4 (ARCFOUR), as MSE uses it: one keystream per direction, the first 1024 bytes discarded
 * (MSE spec, against the known weaknesses of RC4's early keystream). It sits on the data path of
 * every encrypted connection, so it works in place with no allocation.
 */

export class Rc4 {
  // Int32Array: V8 keeps the S-box in int registers without the uint8 clamping/conversions.
  private readonly s = new Int32Array(256);
  private i = 0;
  private j = 0;

  constructor(key: Uint8Array) {
    const s = this.s;
    for (let k = 0; k < 256; k++) s[k] = k;
    let j = 0;
    const n = key.length;
    for (let k = 0; k < 256; k++) {
      const t = s[k]!;
      j = (j + t + key[k % n]!) & 255;
      s[k] = s[j]!;
      s[j] = t;
    }
  }

  /** XOR the keystream into data[start..end) in place. */
  process(data: Uint8Array, start = 0, end = data.length): void {
    const s = this.s;
    let i = this.i;
    let j = this.j;
    for (let k = start; k < end; k++) {
      i = (i + 1) & 255;
      const si = s[i]!;
      j = (j + si) & 255;
      const sj = s[j]!;
      s[i] = sj;
      s[j] = si;
      data[k]! ^= s[(si + sj) & 255]!;
    }
    this.i = i;
    this.j = j;
  }

  /** Advance the keystream by n bytes. */
  discard(n: number): void {
    this.process(new Uint8Array(n));
  }
}

/** An RC4 stream keyed as MSE does: the first 1024 bytes of keystream thrown away. */
export function mseRc4(key: Uint8Array): Rc4 {
  const rc4 = new Rc4(key);
  rc4.discard(1024);
  return rc4;
}
