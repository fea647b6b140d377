/**
 * The hashes MSE derives from the shared secret S and the stream key SKEY (the infohash):
 * HASH('req1', S) marks the end of PadA, HASH('req2', SKEY) xor HASH('req3', S) names the
 * torrent without revealing it, and the RC4 keys are HASH('keyA'|'keyB', S, SKEY): keyA
 * encrypts what the initiator sends, keyB what the receiver sends. HASH is SHA-1.
 */
import { concat, utf8 } from '../../util/bytes.js';
import { sha1 } from '../../util/sha1.js';

const REQ1 = utf8('req1');
const REQ2 = utf8('req2');
const REQ3 = utf8('req3');
const KEY_A = utf8('keyA');
const KEY_B = utf8('keyB');

/** 8 zero bytes, sent encrypted: finding them tells the initiator where PadB ended. */
export const VC_LENGTH = 8;

export function req1Hash(secret: Uint8Array): Uint8Array {
  return sha1(concat([REQ1, secret]));
}

/** HASH('req2', SKEY): computed per torrent to match an incoming peer's request. */
export function req2Hash(infoHash: Uint8Array): Uint8Array {
  return sha1(concat([REQ2, infoHash]));
}

export function req3Hash(secret: Uint8Array): Uint8Array {
  return sha1(concat([REQ3, secret]));
}

export function xor20(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(20);
  for (let i = 0; i < 20; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

export function rc4Keys(secret: Uint8Array, infoHash: Uint8Array): { keyA: Uint8Array; keyB: Uint8Array } {
  return { keyA: sha1(concat([KEY_A, secret, infoHash])), keyB: sha1(concat([KEY_B, secret, infoHash])) };
}

/**
 * The masks a libtorrent 2.0.8 initiator may have used for HASH('req3', S) when S starts with one
 * zero byte: it hashes S's 95 significant bytes followed by one byte it never set (so any of
 * 256). Empty for any other S (two leading zero bytes, 1 in 65,536, are not worth 65,536 hashes).
 */
export function shiftedReq3Masks(secret: Uint8Array): Uint8Array[] {
  if (secret[0] !== 0 || secret[1] === 0) return [];
  const shifted = concat([REQ3, secret.subarray(1), new Uint8Array(1)]);
  const masks: Uint8Array[] = [];
  for (let last = 0; last < 256; last++) {
    shifted[shifted.length - 1] = last;
    masks.push(sha1(shifted));
  }
  return masks;
}
