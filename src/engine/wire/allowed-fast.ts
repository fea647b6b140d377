/**
 * BEP 6 allowed-fast set: the pieces a peer may request from us while we choke it. The set is a
 * function of the peer's address and the infohash only, so a peer that reconnects (or moves
 * within its /24) gets the same pieces and cannot farm more by reconnecting.
 */
import { sha1 } from '../util/sha1.js';
import { readUint32BE } from '../util/bytes.js';
import { parseIPv4, parseIPv6 } from './ip-address.js';

/**
 * The canonical set (BEP 6, "Allowed Fast"): x = (ip & 0xFFFFFF00) ++ infohash; repeat
 * x = SHA1(x) and take its five big-endian uint32 words modulo the piece count, skipping
 * duplicates, until k pieces are chosen. With k >= pieceCount every piece is allowed (the loop
 * would never end otherwise).
 *
 * BEP 6 defines IPv4 only. For IPv6 we keep the /48 (first 6 bytes, the rest zeroed) and hash
 * the 16 bytes the same way: still one set per site, and only we need to know how it was made.
 * IPv4-mapped IPv6 addresses count as IPv4. Returns [] for text that is not an IP address.
 */
export function allowedFastSet(ip: string, infoHash: Uint8Array, pieceCount: number, k: number): number[] {
  if (pieceCount <= 0 || k <= 0) return [];
  if (k >= pieceCount) return Array.from({ length: pieceCount }, (_, i) => i);
  const masked = maskedAddress(ip);
  if (!masked) return [];
  let x: Uint8Array = new Uint8Array(masked.length + infoHash.length);
  x.set(masked, 0);
  x.set(infoHash, masked.length);
  const chosen: number[] = [];
  const seen = new Set<number>();
  while (chosen.length < k) {
    x = sha1(x);
    for (let i = 0; i < 5 && chosen.length < k; i++) {
      // Unsigned 32-bit words; modulo in floating point is exact below 2^53.
      const index = readUint32BE(x, i * 4) % pieceCount;
      if (seen.has(index)) continue;
      seen.add(index);
      chosen.push(index);
    }
  }
  return chosen;
}

function maskedAddress(ip: string): Uint8Array | null {
  const v4 = parseIPv4(ip) ?? mappedIPv4(ip);
  if (v4) return Uint8Array.of(v4[0]!, v4[1]!, v4[2]!, 0);
  const v6 = parseIPv6(ip);
  if (!v6) return null;
  v6.fill(0, 6);
  return v6;
}

function mappedIPv4(ip: string): Uint8Array | null {
  const v6 = parseIPv6(ip);
  if (!v6 || v6.subarray(0, 10).some((b) => b !== 0) || v6[10] !== 0xff || v6[11] !== 0xff) return null;
  return v6.slice(12);
}
