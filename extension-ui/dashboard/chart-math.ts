/**
 * The numbers behind the Pieces map and the Speed graph (pure, so they are tested without a
 * canvas): a bitfield folded into as many cells as fit, and rate samples scaled into a box.
 */

export function decodeBitfield(base64: string): Uint8Array {
  if (!base64) return new Uint8Array(0);
  const binary = atob(base64);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

export function hasPiece(bits: Uint8Array, index: number): boolean {
  return ((bits[index >> 3] ?? 0) & (0x80 >> (index & 7))) !== 0;
}

/**
 * The fraction of pieces present in each of `cells` cells (cell i covers pieces
 * [i·n/cells, (i+1)·n/cells)). With at least as many cells as pieces, one cell per piece.
 */
export function pieceCells(bits: Uint8Array, pieceCount: number, cells: number): Float32Array {
  const n = Math.max(0, pieceCount);
  const count = Math.max(0, Math.min(n, Math.floor(cells)));
  const out = new Float32Array(count);
  for (let c = 0; c < count; c++) {
    const from = Math.floor((c * n) / count);
    const to = Math.max(from + 1, Math.floor(((c + 1) * n) / count));
    let have = 0;
    for (let i = from; i < to; i++) if (hasPiece(bits, i)) have++;
    out[c] = have / (to - from);
  }
  return out;
}

/** A "nice" top for the rate axis: 1, 2 or 5 × 10^k bytes/s at or above the highest sample (at least 1 KiB/s). */
export function niceMax(samples: readonly number[]): number {
  let max = 1024;
  for (const s of samples) if (s > max) max = s;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (step * power >= max) return step * power;
  return 10 * power;
}

/** Points of a line through `samples` (oldest first) in a width × height box, the newest at the right edge; `slots` samples span the width. */
export function linePoints(samples: readonly number[], slots: number, width: number, height: number, max: number): [number, number][] {
  const n = samples.length;
  if (n === 0 || slots < 2) return [];
  const step = width / (slots - 1);
  return samples.map((v, i) => [width - (n - 1 - i) * step, height - (Math.min(v, max) / max) * height]);
}
