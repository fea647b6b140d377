/**
 * Which crypto methods each EncryptionPolicy offers (crypto_provide, sent by the initiator) and
 * picks (crypto_select, sent by the receiver). MSE spec: 0x01 plaintext, 0x02 RC4, one bit
 * selected out of those provided.
 */
import type { EncryptionPolicy } from '../../peer/transport.js';

export const CRYPTO_PLAINTEXT = 0x01;
export const CRYPTO_RC4 = 0x02;

/** What an outgoing MSE handshake offers. 'required' never offers plaintext: libtorrent with
 * encryption forced drops a peer that does (INTEROP.md). */
export function cryptoProvide(policy: EncryptionPolicy): number {
  return policy === 'required' ? CRYPTO_RC4 : CRYPTO_RC4 | CRYPTO_PLAINTEXT;
}

/**
 * What the incoming side selects from `provided`, or 0 when nothing is acceptable. 'allowed'
 * prefers plaintext when the peer offers both (as libtorrent does by default: the header is
 * still obfuscated, the payload costs nothing); 'preferred' and 'required' pick RC4.
 */
export function cryptoSelect(policy: EncryptionPolicy, provided: number): number {
  const rc4 = (provided & CRYPTO_RC4) !== 0;
  const plaintext = (provided & CRYPTO_PLAINTEXT) !== 0;
  switch (policy) {
    case 'disabled':
      return 0;
    case 'allowed':
      return plaintext ? CRYPTO_PLAINTEXT : rc4 ? CRYPTO_RC4 : 0;
    case 'preferred':
      return rc4 ? CRYPTO_RC4 : plaintext ? CRYPTO_PLAINTEXT : 0;
    case 'required':
      return rc4 ? CRYPTO_RC4 : 0;
  }
}

/** Whether a plaintext BitTorrent handshake is accepted on an incoming connection. */
export function acceptsPlaintextIncoming(policy: EncryptionPolicy): boolean {
  return policy !== 'required';
}

/** Whether an incoming MSE handshake is answered at all. */
export function acceptsMseIncoming(policy: EncryptionPolicy): boolean {
  return policy !== 'disabled';
}
