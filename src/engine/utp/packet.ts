/**
 * uTP packet codec (BEP 29). Every packet starts with a 20-byte header, big-endian:
 *
 *   0       4       8               16              24              32
 *   +-------+-------+---------------+---------------+---------------+
 *   | type  | ver   | extension     | connection_id                 |
 *   | timestamp_microseconds                                        |
 *   | timestamp_difference_microseconds                             |
 *   | wnd_size                                                      |
 *   | seq_nr                        | ack_nr                        |
 *
 * then a chain of extensions (<next type><len><len bytes>), then the payload. Extension 1 is the
 * selective ACK: a bitmask whose bit i (LSB first in each byte) says ack_nr + 2 + i arrived.
 */
import { readUint16BE, readUint32BE, writeUint16BE, writeUint32BE } from '../util/bytes.js';

export const ST_DATA = 0;
export const ST_FIN = 1;
export const ST_STATE = 2;
export const ST_RESET = 3;
export const ST_SYN = 4;
export type PacketType = typeof ST_DATA | typeof ST_FIN | typeof ST_STATE | typeof ST_RESET | typeof ST_SYN;

export const UTP_VERSION = 1;
export const HEADER_LENGTH = 20;
export const EXTENSION_SACK = 1;

export interface UtpPacket {
  readonly type: PacketType;
  readonly connectionId: number;
  /** Sender's clock when sent, microseconds mod 2^32. */
  readonly timestamp: number;
  /** Sender's measure of our one-way delay (its receive time minus our last timestamp). */
  readonly timestampDiff: number;
  /** Bytes the sender can still receive. */
  readonly wndSize: number;
  readonly seqNr: number;
  readonly ackNr: number;
  /** Selective ACK bitmask (extension 1), if present. */
  readonly sack?: Uint8Array;
  /** A view into the datagram: copy what you keep. */
  readonly payload: Uint8Array;
}

export type DecodeResult = { readonly packet: UtpPacket } | { readonly error: string };

export interface DecodeLimits {
  readonly maxSackBytes: number;
  readonly maxExtensions: number;
}

/**
 * Whether a datagram is meant for uTP at all: the first byte must carry version 1 and a known
 * type. DHT messages (bencoded, starting with 'd' = 0x64) fail this and go elsewhere.
 */
export function isUtpDatagram(data: Uint8Array): boolean {
  if (data.length === 0) return false;
  const first = data[0]!;
  return (first & 0x0f) === UTP_VERSION && first >> 4 <= ST_SYN;
}

export function decodePacket(data: Uint8Array, limits: DecodeLimits): DecodeResult {
  if (data.length < HEADER_LENGTH) return { error: `packet of ${data.length} bytes is shorter than the 20-byte header` };
  const first = data[0]!;
  if ((first & 0x0f) !== UTP_VERSION) return { error: `unknown uTP version ${first & 0x0f}` };
  const type = first >> 4;
  if (type > ST_SYN) return { error: `unknown packet type ${type}` };
  let extension = data[1]!;
  let offset = HEADER_LENGTH;
  let sack: Uint8Array | undefined;
  let count = 0;
  while (extension !== 0) {
    if (++count > limits.maxExtensions) return { error: `more than ${limits.maxExtensions} extensions` };
    if (offset + 2 > data.length) return { error: 'extension header runs past the packet' };
    const next = data[offset]!;
    const length = data[offset + 1]!;
    const start = offset + 2;
    if (start + length > data.length) return { error: `extension ${extension} of ${length} bytes runs past the packet` };
    if (extension === EXTENSION_SACK) {
      // BEP 29: the bitmask is a multiple of 4 bytes, at least 4.
      if (length < 4 || length % 4 !== 0) return { error: `selective ack of ${length} bytes is not a multiple of 4` };
      sack = data.subarray(start, start + Math.min(length, limits.maxSackBytes));
    }
    // Other extensions (libtorrent's close reason, old extension bits) are skipped.
    extension = next;
    offset = start + length;
  }
  const packet: UtpPacket = {
    type: type as PacketType,
    connectionId: readUint16BE(data, 2),
    timestamp: readUint32BE(data, 4),
    timestampDiff: readUint32BE(data, 8),
    wndSize: readUint32BE(data, 12),
    seqNr: readUint16BE(data, 16),
    ackNr: readUint16BE(data, 18),
    payload: data.subarray(offset),
    ...(sack ? { sack } : {}),
  };
  return { packet };
}

/** A fresh datagram (never reused: the UDP layer may hold it until sent). */
export function encodePacket(packet: UtpPacket): Uint8Array {
  const sackLength = packet.sack ? packet.sack.length : 0;
  const extLength = sackLength > 0 ? 2 + sackLength : 0;
  const out = new Uint8Array(HEADER_LENGTH + extLength + packet.payload.length);
  out[0] = (packet.type << 4) | UTP_VERSION;
  out[1] = sackLength > 0 ? EXTENSION_SACK : 0;
  writeUint16BE(out, 2, packet.connectionId & 0xffff);
  writeUint32BE(out, 4, packet.timestamp >>> 0);
  writeUint32BE(out, 8, packet.timestampDiff >>> 0);
  writeUint32BE(out, 12, packet.wndSize >>> 0);
  writeUint16BE(out, 16, packet.seqNr & 0xffff);
  writeUint16BE(out, 18, packet.ackNr & 0xffff);
  if (sackLength > 0) {
    out[HEADER_LENGTH] = 0; // no further extension
    out[HEADER_LENGTH + 1] = sackLength;
    out.set(packet.sack!, HEADER_LENGTH + 2);
  }
  out.set(packet.payload, HEADER_LENGTH + extLength);
  return out;
}

/** a - b on 16-bit sequence numbers, as a signed distance in [-32768, 32767]. */
export function seqDiff(a: number, b: number): number {
  const d = (a - b) & 0xffff;
  return d >= 0x8000 ? d - 0x10000 : d;
}

export function seqAdd(a: number, n: number): number {
  return (a + n) & 0xffff;
}

/** Microseconds mod 2^32 from a millisecond clock (BEP 29 timestamps wrap). */
export function microseconds(nowMs: number): number {
  return Math.floor(nowMs * 1000) % 0x1_0000_0000 >>> 0;
}
