/**
 * Limits of the MSE/PE handshake (Message Stream Encryption, the Vuze/libtorrent spec: see
 * https://wiki.vuze.com/w/Message_Stream_Encryption and libtorrent's bt_peer_connection).
 * Every number a peer can push on us is here, with its default, and checked in one place.
 */
import { TorrentError } from '../../util/errors.js';

export interface MseLimits {
  /** PadA/PadB/PadC/PadD may be 0..512 bytes (spec). Also the width of the sync windows. */
  readonly maxPadding: number;
  /** Largest len(IA) accepted from an initiator. The field is 16 bits; the IA is buffered. */
  readonly maxInitialPayload: number;
  /** The whole handshake, from the first byte to the stream handed back (libtorrent: 10 s). */
  readonly handshakeTimeoutMs: number;
  /** Bytes held while the handshake runs; a peer sending more than the protocol allows is cut. */
  readonly maxBufferedBytes: number;
  /** Our own random padding lengths are drawn from 0..maxSendPadding. */
  readonly maxSendPadding: number;
}

export const DEFAULT_MSE_LIMITS: MseLimits = {
  maxPadding: 512,
  maxInitialPayload: 65535,
  handshakeTimeoutMs: 10_000,
  maxBufferedBytes: 256 * 1024,
  maxSendPadding: 512,
};

export function resolveMseLimits(overrides: Partial<MseLimits> = {}): MseLimits {
  return { ...DEFAULT_MSE_LIMITS, ...overrides };
}

/** A padding length read from the wire (len(PadC), len(PadD)). */
export function checkPadLength(length: number, limits: MseLimits, what: string): void {
  if (length > limits.maxPadding) {
    throw new TorrentError('protocol', `${what} is ${length} bytes, more than the allowed ${limits.maxPadding}`);
  }
}

/** len(IA) read from the wire. */
export function checkInitialPayloadLength(length: number, limits: MseLimits): void {
  if (length > limits.maxInitialPayload) {
    throw new TorrentError('protocol', `initial payload is ${length} bytes, more than the allowed ${limits.maxInitialPayload}`);
  }
}

/** Bytes buffered while the handshake runs. */
export function checkBuffered(length: number, limits: MseLimits): void {
  if (length > limits.maxBufferedBytes) {
    throw new TorrentError('protocol', `peer sent ${length} bytes before the handshake completed (limit ${limits.maxBufferedBytes})`);
  }
}
