import * as enc from '../../../src/engine/wire/message-encoder.js';
import type { WireMessage } from '../../../src/engine/wire/messages.js';
import { bytes } from './helpers.js';

/** Every message type with its encoding; the parser must give the message back. */
export const SAMPLES: [WireMessage, Uint8Array][] = [
  [{ type: 'keep-alive' }, enc.encodeKeepAlive()],
  [{ type: 'choke' }, enc.encodeChoke()],
  [{ type: 'unchoke' }, enc.encodeUnchoke()],
  [{ type: 'interested' }, enc.encodeInterested()],
  [{ type: 'not-interested' }, enc.encodeNotInterested()],
  [{ type: 'have', index: 0x01020304 }, enc.encodeHave(0x01020304)],
  [{ type: 'bitfield', bits: Uint8Array.of(0xff, 0x80) }, enc.encodeBitfield(Uint8Array.of(0xff, 0x80))],
  [{ type: 'request', index: 1, begin: 16384, length: 16384 }, enc.encodeRequest(1, 16384, 16384)],
  [{ type: 'piece', index: 2, begin: 32768, block: bytes(100) }, enc.encodePiece(2, 32768, bytes(100))],
  [{ type: 'cancel', index: 3, begin: 0, length: 16384 }, enc.encodeCancel(3, 0, 16384)],
  [{ type: 'port', port: 6881 }, enc.encodePort(6881)],
  [{ type: 'suggest', index: 4 }, enc.encodeSuggest(4)],
  [{ type: 'have-all' }, enc.encodeHaveAll()],
  [{ type: 'have-none' }, enc.encodeHaveNone()],
  [{ type: 'reject', index: 5, begin: 16384, length: 100 }, enc.encodeReject(5, 16384, 100)],
  [{ type: 'allowed-fast', index: 6 }, enc.encodeAllowedFast(6)],
  [{ type: 'extended', id: 3, payload: bytes(10) }, enc.encodeExtended(3, bytes(10))],
  [{ type: 'extended', id: 0, payload: new Uint8Array(0) }, enc.encodeExtended(0, new Uint8Array(0))],
];
