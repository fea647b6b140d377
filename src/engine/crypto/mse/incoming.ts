/**
 * The receiver's side ("B"): sniff the first bytes, then either pass a plaintext BitTorrent
 * handshake through or answer MSE. B finds the end of PadA by looking for HASH('req1', S) within
 * 512 bytes, names the torrent from HASH('req2', SKEY) xor HASH('req3', S), and reads the IA,
 * which is RC4-encrypted whatever method is selected (libtorrent: "ia is always rc4").
 */
import type { TcpSocket } from '../../../platform/interfaces/index.js';
import { concat, equalBytes, readUint16BE, readUint32BE, toHex, writeUint16BE, writeUint32BE } from '../../util/bytes.js';
import { TorrentError } from '../../util/errors.js';
import { isHandshakePrefix } from '../../wire/handshake.js';
import type { EncryptionPolicy } from '../../peer/transport.js';
import { randomLength, randomPadding, type HandshakeContext } from './context.js';
import { rc4Keys, req1Hash, req2Hash, req3Hash, shiftedReq3Masks, VC_LENGTH, xor20 } from './derive.js';
import { DH_KEY_LENGTH, dhSharedSecret, generateDhKeyPair } from './dh.js';
import type { HandshakeReader } from './handshake-reader.js';
import { checkInitialPayloadLength, checkPadLength } from './limits.js';
import { MseSocket } from './mse-socket.js';
import { acceptsMseIncoming, acceptsPlaintextIncoming, CRYPTO_RC4, cryptoSelect } from './policy.js';
import { mseRc4 } from './rc4.js';

/** 19 + 'BitTorrent protocol': enough to tell a plaintext handshake from a DH key. */
const PROTOCOL_HEADER_LENGTH = 20;

export async function incomingHandshake(
  ctx: HandshakeContext,
  socket: TcpSocket,
  reader: HandshakeReader,
  infoHashes: () => Iterable<Uint8Array>,
  policy: EncryptionPolicy,
): Promise<{ socket: TcpSocket; encrypted: boolean }> {
  await reader.waitUntil((bytes) => bytes.length >= PROTOCOL_HEADER_LENGTH || !isHandshakePrefix(bytes));
  if (isHandshakePrefix(reader.peek())) {
    if (!acceptsPlaintextIncoming(policy)) {
      throw new TorrentError('protocol', 'peer sent a plaintext BitTorrent handshake, but encryption is required');
    }
    return { socket: new MseSocket(socket, null, null, reader.takeRest()), encrypted: false };
  }
  if (!acceptsMseIncoming(policy)) {
    throw new TorrentError('protocol', 'peer wants an encrypted connection (or sent garbage), but encryption is disabled');
  }

  const remoteKey = await reader.read(DH_KEY_LENGTH);
  const keys = generateDhKeyPair(ctx.randomBytes);
  const secret = dhSharedSecret(keys.privateKey, remoteKey);
  socket.write(concat([keys.publicKey, randomPadding(ctx)]));

  await reader.syncOn(req1Hash(secret), ctx.limits.maxPadding, "the initiator's HASH('req1', S)");
  const infoHash = findInfoHash(await reader.read(20), secret, infoHashes());
  if (!infoHash) throw new TorrentError('protocol', 'peer asked for a torrent we do not have (no info hash matches)');
  const { keyA, keyB } = rc4Keys(secret, infoHash);
  const decrypt = mseRc4(keyA);
  const encrypt = mseRc4(keyB);

  const head = await reader.read(VC_LENGTH + 4 + 2);
  decrypt.process(head);
  if (!equalBytes(head.subarray(0, VC_LENGTH), new Uint8Array(VC_LENGTH))) {
    throw new TorrentError('protocol', 'wrong verification constant: the peer used other keys or sent garbage');
  }
  const provide = readUint32BE(head, VC_LENGTH);
  const padCLength = readUint16BE(head, VC_LENGTH + 4);
  checkPadLength(padCLength, ctx.limits, 'PadC');
  const padAndLength = await reader.read(padCLength + 2);
  decrypt.process(padAndLength);
  const iaLength = readUint16BE(padAndLength, padCLength);
  checkInitialPayloadLength(iaLength, ctx.limits);
  const initialPayload = await reader.read(iaLength);
  decrypt.process(initialPayload);

  const select = cryptoSelect(policy, provide);
  if (select === 0) {
    throw new TorrentError('protocol', `peer offers crypto methods 0x${provide.toString(16)}, none of which the '${policy}' encryption policy accepts`);
  }
  const padD = new Uint8Array(randomLength(ctx, ctx.limits.maxSendPadding));
  const reply = new Uint8Array(VC_LENGTH + 4 + 2 + padD.length);
  writeUint32BE(reply, VC_LENGTH, select);
  writeUint16BE(reply, VC_LENGTH + 4, padD.length);
  encrypt.process(reply);
  socket.write(reply);

  const rest = reader.takeRest();
  if (select === CRYPTO_RC4) {
    decrypt.process(rest);
    return { socket: new MseSocket(socket, encrypt, decrypt, concat([initialPayload, rest])), encrypted: true };
  }
  return { socket: new MseSocket(socket, null, null, concat([initialPayload, rest])), encrypted: false };
}

/**
 * The torrent whose HASH('req2', infohash) the peer sent, masked with HASH('req3', S) - or with
 * the mask a libtorrent initiator computes when S starts with a zero byte (see derive.ts).
 */
function findInfoHash(masked: Uint8Array, secret: Uint8Array, candidates: Iterable<Uint8Array>): Uint8Array | undefined {
  const unmasked = xor20(masked, req3Hash(secret));
  const byReq2 = new Map<string, Uint8Array>();
  for (const infoHash of candidates) {
    const req2 = req2Hash(infoHash);
    if (equalBytes(req2, unmasked)) return infoHash;
    byReq2.set(toHex(req2), infoHash);
  }
  for (const mask of shiftedReq3Masks(secret)) {
    const found = byReq2.get(toHex(xor20(masked, mask)));
    if (found) return found;
  }
  return undefined;
}
