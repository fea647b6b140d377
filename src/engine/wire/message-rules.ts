/**
 * The legal length of each message, by id (Transmission-style table), and the decoding of a
 * message body once its length has been accepted. `length` below is the 4-byte length prefix,
 * which counts the id byte.
 */
import { readUint16BE, readUint32BE } from '../util/bytes.js';
import { TorrentError } from '../util/errors.js';
import type { WireLimits } from './limits.js';
import { MessageId, type WireMessage } from './messages.js';

/** Marks an id we do not know: its payload is skipped, not parsed (forward compatibility). */
const UNKNOWN = -1;

export interface LengthTable {
  readonly min: Int32Array;
  readonly max: Int32Array;
}

/** Bytes of a bitfield for `pieceCount` pieces (BEP 3: spare bits at the end are zero). */
export function bitfieldByteLength(pieceCount: number): number {
  return Math.ceil(pieceCount / 8);
}

export function buildLengthTable(limits: WireLimits, pieceCount: number | undefined): LengthTable {
  const min = new Int32Array(256).fill(UNKNOWN);
  const max = new Int32Array(256).fill(UNKNOWN);
  const rule = (id: number, lo: number, hi: number): void => {
    min[id] = lo;
    max[id] = Math.min(hi, limits.maxMessageLength);
  };
  rule(MessageId.choke, 1, 1);
  rule(MessageId.unchoke, 1, 1);
  rule(MessageId.interested, 1, 1);
  rule(MessageId.notInterested, 1, 1);
  rule(MessageId.have, 5, 5);
  // Before metadata (magnet links) the piece count is unknown; the peer layer checks the
  // bitfield again once it is known.
  if (pieceCount === undefined) rule(MessageId.bitfield, 1, limits.maxMessageLength);
  else rule(MessageId.bitfield, 1 + bitfieldByteLength(pieceCount), 1 + bitfieldByteLength(pieceCount));
  rule(MessageId.request, 13, 13);
  rule(MessageId.piece, 9 + 1, 9 + limits.maxBlockLength);
  rule(MessageId.cancel, 13, 13);
  rule(MessageId.port, 3, 3); // BEP 5
  rule(MessageId.suggest, 5, 5); // BEP 6
  rule(MessageId.haveAll, 1, 1);
  rule(MessageId.haveNone, 1, 1);
  rule(MessageId.reject, 13, 13);
  rule(MessageId.allowedFast, 5, 5);
  // BEP 10: id byte, extended message id byte, then the extension's payload.
  rule(MessageId.extended, 2, 2 + limits.maxExtendedPayload);
  return { min, max };
}

export function isKnownId(table: LengthTable, id: number): boolean {
  return table.min[id] !== UNKNOWN;
}

/** Error message if `length` is illegal for `id`, else null. */
export function checkLength(table: LengthTable, id: number, length: number): string | null {
  const lo = table.min[id]!;
  const hi = table.max[id]!;
  if (length >= lo && length <= hi) return null;
  const expected = lo === hi ? `${lo}` : `${lo}..${hi}`;
  return `peer sent message id ${id} with length ${length}, expected ${expected}`;
}

const CHOKE: WireMessage = Object.freeze({ type: 'choke' });
const UNCHOKE: WireMessage = Object.freeze({ type: 'unchoke' });
const INTERESTED: WireMessage = Object.freeze({ type: 'interested' });
const NOT_INTERESTED: WireMessage = Object.freeze({ type: 'not-interested' });
const HAVE_ALL: WireMessage = Object.freeze({ type: 'have-all' });
const HAVE_NONE: WireMessage = Object.freeze({ type: 'have-none' });

function fail(message: string): never {
  throw new TorrentError('protocol', message);
}

function checkIndex(index: number, pieceCount: number | undefined, what: string): void {
  if (pieceCount !== undefined && index >= pieceCount) {
    fail(`peer sent ${what} for piece ${index}, but the torrent has ${pieceCount} pieces`);
  }
}

function checkBitfield(bits: Uint8Array, pieceCount: number | undefined): void {
  if (pieceCount === undefined) return;
  if (bits.length !== bitfieldByteLength(pieceCount)) {
    fail(`peer sent a bitfield of ${bits.length} bytes for ${pieceCount} pieces`);
  }
  const spare = bits.length * 8 - pieceCount;
  if (spare > 0 && (bits[bits.length - 1]! & ((1 << spare) - 1)) !== 0) {
    fail('peer sent a bitfield with spare bits set past the last piece');
  }
}

/**
 * Decode `body` (id byte first) whose length already passed the table. Throws
 * TorrentError('protocol') on an out-of-range index or block length.
 */
export function decodeBody(body: Uint8Array, limits: WireLimits, pieceCount: number | undefined): WireMessage {
  const id = body[0]!;
  switch (id) {
    case MessageId.piece: {
      const index = readUint32BE(body, 1);
      checkIndex(index, pieceCount, 'a block');
      return { type: 'piece', index, begin: readUint32BE(body, 5), block: body.subarray(9) };
    }
    case MessageId.choke:
      return CHOKE;
    case MessageId.unchoke:
      return UNCHOKE;
    case MessageId.interested:
      return INTERESTED;
    case MessageId.notInterested:
      return NOT_INTERESTED;
    case MessageId.haveAll:
      return HAVE_ALL;
    case MessageId.haveNone:
      return HAVE_NONE;
    case MessageId.have:
    case MessageId.suggest:
    case MessageId.allowedFast: {
      const index = readUint32BE(body, 1);
      const type = id === MessageId.have ? 'have' : id === MessageId.suggest ? 'suggest' : 'allowed-fast';
      checkIndex(index, pieceCount, type);
      return { type, index };
    }
    case MessageId.bitfield: {
      const bits = body.subarray(1);
      checkBitfield(bits, pieceCount);
      return { type: 'bitfield', bits };
    }
    case MessageId.request:
    case MessageId.cancel:
    case MessageId.reject: {
      const type = id === MessageId.request ? 'request' : id === MessageId.cancel ? 'cancel' : 'reject';
      const index = readUint32BE(body, 1);
      const begin = readUint32BE(body, 5);
      const length = readUint32BE(body, 9);
      checkIndex(index, pieceCount, type);
      if (length === 0 || length > limits.maxBlockLength) {
        fail(`peer sent ${type} for a block of ${length} bytes (allowed 1..${limits.maxBlockLength})`);
      }
      return { type, index, begin, length };
    }
    case MessageId.port:
      return { type: 'port', port: readUint16BE(body, 1) };
    case MessageId.extended:
      return { type: 'extended', id: body[1]!, payload: body.subarray(2) };
    default:
      // Unreachable: unknown ids are skipped before their body is read.
      return fail(`peer sent unknown message id ${id}`);
  }
}
