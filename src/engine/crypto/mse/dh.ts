/**
 * The Diffie-Hellman exchange of MSE: 768-bit prime P, generator 2, public keys and the shared
 * secret S sent and hashed as exactly 96 big-endian bytes (MSE spec; libtorrent pads the same).
 */
import { fromHex, toHex } from '../../util/bytes.js';
import { TorrentError } from '../../util/errors.js';

export const DH_KEY_LENGTH = 96;

export const DH_PRIME = BigInt(
  '0xFFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A63A36210000000000090563',
);
const GENERATOR = 2n;

/** The spec asks for at least 128 bits of private key; 160 keeps modexp cheap (~1 ms). */
export const DH_PRIVATE_KEY_BYTES = 20;

export interface DhKeyPair {
  readonly privateKey: bigint;
  /** 96 bytes, big-endian. */
  readonly publicKey: Uint8Array;
}

export function bytesToBigInt(bytes: Uint8Array): bigint {
  return BigInt('0x0' + toHex(bytes));
}

/** Fixed-width big-endian encoding; the value must fit. */
export function bigIntToBytes(value: bigint, length: number): Uint8Array {
  const hex = value.toString(16);
  if (hex.length > length * 2) throw new TorrentError('internal', `number does not fit in ${length} bytes`);
  return fromHex(hex.padStart(length * 2, '0'));
}

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}

export function generateDhKeyPair(randomBytes: (n: number) => Uint8Array): DhKeyPair {
  let privateKey = bytesToBigInt(randomBytes(DH_PRIVATE_KEY_BYTES));
  if (privateKey < 2n) privateKey += 2n;
  return { privateKey, publicKey: bigIntToBytes(modPow(GENERATOR, privateKey, DH_PRIME), DH_KEY_LENGTH) };
}

/**
 * S = Y^x mod P, as 96 bytes. A remote key of 0, 1 or P-1 (or >= P) would force S into a tiny
 * set an eavesdropper can guess, so it is refused.
 */
export function dhSharedSecret(privateKey: bigint, remotePublicKey: Uint8Array): Uint8Array {
  const y = bytesToBigInt(remotePublicKey);
  if (y < 2n || y >= DH_PRIME - 1n) {
    throw new TorrentError('protocol', 'peer sent an invalid Diffie-Hellman public key');
  }
  return bigIntToBytes(modPow(y, privateKey, DH_PRIME), DH_KEY_LENGTH);
}
