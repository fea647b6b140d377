/**
 * Peer wire message encoders (BEP 3, BEP 5 port, BEP 6 fast, BEP 10 extended). Each returns a
 * fresh buffer: <length prefix uint32><id><payload>.
 */
import { writeUint16BE, writeUint32BE } from '../util/bytes.js';
import { MessageId } from './messages.js';

function bare(id: number): Uint8Array {
  return Uint8Array.of(0, 0, 0, 1, id);
}

function withIndex(id: number, index: number): Uint8Array {
  const out = new Uint8Array(9);
  writeUint32BE(out, 0, 5);
  out[4] = id;
  writeUint32BE(out, 5, index);
  return out;
}

function blockRef(id: number, index: number, begin: number, length: number): Uint8Array {
  const out = new Uint8Array(17);
  writeUint32BE(out, 0, 13);
  out[4] = id;
  writeUint32BE(out, 5, index);
  writeUint32BE(out, 9, begin);
  writeUint32BE(out, 13, length);
  return out;
}

export const encodeKeepAlive = (): Uint8Array => new Uint8Array(4);
export const encodeChoke = (): Uint8Array => bare(MessageId.choke);
export const encodeUnchoke = (): Uint8Array => bare(MessageId.unchoke);
export const encodeInterested = (): Uint8Array => bare(MessageId.interested);
export const encodeNotInterested = (): Uint8Array => bare(MessageId.notInterested);
/** BEP 6: only when both sides set the fast bit. */
export const encodeHaveAll = (): Uint8Array => bare(MessageId.haveAll);
export const encodeHaveNone = (): Uint8Array => bare(MessageId.haveNone);

export const encodeHave = (index: number): Uint8Array => withIndex(MessageId.have, index);
export const encodeSuggest = (index: number): Uint8Array => withIndex(MessageId.suggest, index);
export const encodeAllowedFast = (index: number): Uint8Array => withIndex(MessageId.allowedFast, index);

export const encodeRequest = (index: number, begin: number, length: number): Uint8Array =>
  blockRef(MessageId.request, index, begin, length);
export const encodeCancel = (index: number, begin: number, length: number): Uint8Array =>
  blockRef(MessageId.cancel, index, begin, length);
export const encodeReject = (index: number, begin: number, length: number): Uint8Array =>
  blockRef(MessageId.reject, index, begin, length);

/** Bitfield: high bit of byte 0 is piece 0; spare bits in the last byte must be zero (BEP 3). */
export function encodeBitfield(bits: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + bits.length);
  writeUint32BE(out, 0, 1 + bits.length);
  out[4] = MessageId.bitfield;
  out.set(bits, 5);
  return out;
}

/** The 13-byte header of a PIECE message; write the block right after it to avoid a copy. */
export function encodePieceHeader(index: number, begin: number, blockLength: number): Uint8Array {
  const out = new Uint8Array(13);
  writeUint32BE(out, 0, 9 + blockLength);
  out[4] = MessageId.piece;
  writeUint32BE(out, 5, index);
  writeUint32BE(out, 9, begin);
  return out;
}

/** A whole PIECE message in one buffer (copies the block). */
export function encodePiece(index: number, begin: number, block: Uint8Array): Uint8Array {
  const out = new Uint8Array(13 + block.length);
  out.set(encodePieceHeader(index, begin, block.length), 0);
  out.set(block, 13);
  return out;
}

/** BEP 5: the port our DHT node listens on. */
export function encodePort(port: number): Uint8Array {
  const out = new Uint8Array(7);
  writeUint32BE(out, 0, 3);
  out[4] = MessageId.port;
  writeUint16BE(out, 5, port);
  return out;
}

/** BEP 10: extended message id 0 is the extension handshake, others as the peer's `m` says. */
export function encodeExtended(id: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(6 + payload.length);
  writeUint32BE(out, 0, 2 + payload.length);
  out[4] = MessageId.extended;
  out[5] = id;
  out.set(payload, 6);
  return out;
}
