/**
 * The Merkle–Damgård framing SHA-1 and SHA-256 share: 64-byte blocks through a compression
 * function, then the padding (0x80, zeros, the bit length as a 64-bit big-endian integer), then
 * the state words out big-endian.
 */
export type CompressBlock = (state: Int32Array, data: Uint8Array, offset: number) => void;

export function mdDigest(data: Uint8Array, state: Int32Array, compress: CompressBlock): Uint8Array {
  const fullBlocks = Math.floor(data.length / 64);
  for (let i = 0; i < fullBlocks; i++) compress(state, data, i * 64);

  const rest = data.length - fullBlocks * 64;
  const tail = new Uint8Array(rest < 56 ? 64 : 128);
  tail.set(data.subarray(fullBlocks * 64));
  tail[rest] = 0x80;
  const bitLength = data.length * 8;
  const high = Math.floor(bitLength / 0x100000000);
  const low = bitLength >>> 0;
  const end = tail.length;
  for (let i = 0; i < 4; i++) {
    tail[end - 8 + i] = (high >>> (24 - i * 8)) & 0xff;
    tail[end - 4 + i] = (low >>> (24 - i * 8)) & 0xff;
  }
  for (let offset = 0; offset < tail.length; offset += 64) compress(state, tail, offset);

  const out = new Uint8Array(state.length * 4);
  for (let i = 0; i < state.length; i++) {
    const word = state[i]!;
    out[i * 4] = (word >>> 24) & 0xff;
    out[i * 4 + 1] = (word >>> 16) & 0xff;
    out[i * 4 + 2] = (word >>> 8) & 0xff;
    out[i * 4 + 3] = word & 0xff;
  }
  return out;
}
