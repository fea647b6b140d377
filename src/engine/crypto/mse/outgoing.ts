/**
 * The initiator's side of the MSE handshake ("A" in the spec):
 *   1 A->B: Ya, PadA
 *   2 B->A: Yb, PadB
 *   3 A->B: HASH('req1', S), HASH('req2', SKEY) xor HASH('req3', S),
 *           ENCRYPT(VC, crypto_provide, len(PadC), PadC, len(IA)), ENCRYPT(IA)
 *   4 B->A: ENCRYPT(VC, crypto_select, len(PadD), PadD), ENCRYPT2(payload)
 * We send no IA (len(IA) = 0): the BitTorrent handshake follows on the returned stream, once the
 * method is known. A finds the end of PadB by looking for ENCRYPT(VC) within 512 bytes.
 */
import type { TcpSocket } from '../../../platform/interfaces/index.js';
import { concat, readUint16BE, readUint32BE, writeUint16BE, writeUint32BE } from '../../util/bytes.js';
import { TorrentError } from '../../util/errors.js';
import { randomLength, randomPadding, type HandshakeContext } from './context.js';
import { rc4Keys, req1Hash, req2Hash, req3Hash, VC_LENGTH, xor20 } from './derive.js';
import { DH_KEY_LENGTH, dhSharedSecret, generateDhKeyPair } from './dh.js';
import type { HandshakeReader } from './handshake-reader.js';
import { HandshakeRedial } from '../../peer/transport.js';
import { checkPadLength } from './limits.js';
import { MseSocket } from './mse-socket.js';
import { CRYPTO_PLAINTEXT, CRYPTO_RC4 } from './policy.js';
import { mseRc4 } from './rc4.js';

export async function outgoingHandshake(
  ctx: HandshakeContext,
  socket: TcpSocket,
  reader: HandshakeReader,
  infoHash: Uint8Array,
  provide: number,
): Promise<{ socket: TcpSocket; encrypted: boolean }> {
  const keys = generateDhKeyPair(ctx.randomBytes);
  socket.write(concat([keys.publicKey, randomPadding(ctx)]));

  const secret = dhSharedSecret(keys.privateKey, await reader.read(DH_KEY_LENGTH));
  // libtorrent (2.0.8, so qBittorrent and Deluge too) hashes S for HASH('req3', S) without its
  // leading zero bytes: with such an S (1 key in 256) it cannot name the torrent and hangs up.
  // Measured against libtorrent on loopback: 15 refusals in 3,000 handshakes, every one with
  // S[0] = 0. Nothing naming the torrent has been sent yet: start over with a fresh key.
  if (secret[0] === 0) throw new HandshakeRedial('the shared secret starts with a zero byte, which libtorrent peers mishash');
  const { keyA, keyB } = rc4Keys(secret, infoHash);
  const encrypt = mseRc4(keyA);
  const decrypt = mseRc4(keyB);

  const padC = new Uint8Array(randomLength(ctx, ctx.limits.maxSendPadding));
  const fields = new Uint8Array(VC_LENGTH + 4 + 2 + padC.length + 2);
  writeUint32BE(fields, VC_LENGTH, provide);
  writeUint16BE(fields, VC_LENGTH + 4, padC.length);
  // PadC is zeros, then len(IA) = 0 (the last two bytes are already zero).
  encrypt.process(fields);
  socket.write(concat([req1Hash(secret), xor20(req2Hash(infoHash), req3Hash(secret)), fields]));

  // What ENCRYPT(VC) looks like in B's keystream; computing it advances `decrypt` past the VC.
  const encryptedVc = new Uint8Array(VC_LENGTH);
  decrypt.process(encryptedVc);
  await reader.syncOn(encryptedVc, ctx.limits.maxPadding, 'the verification constant (VC)');

  const selectFields = await reader.read(4 + 2);
  decrypt.process(selectFields);
  const select = readUint32BE(selectFields, 0);
  if ((select !== CRYPTO_PLAINTEXT && select !== CRYPTO_RC4) || (select & provide) === 0) {
    throw new TorrentError('protocol', `peer selected crypto method 0x${select.toString(16)}, which we did not offer (0x${provide.toString(16)})`);
  }
  const padDLength = readUint16BE(selectFields, 4);
  checkPadLength(padDLength, ctx.limits, 'PadD');
  decrypt.process(await reader.read(padDLength));

  if (select === CRYPTO_RC4) {
    const rest = reader.takeRest();
    decrypt.process(rest);
    return { socket: new MseSocket(socket, encrypt, decrypt, rest), encrypted: true };
  }
  return { socket: new MseSocket(socket, null, null, reader.takeRest()), encrypted: false };
}
