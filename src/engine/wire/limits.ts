/**
 * Limits for everything a remote peer can make us parse or buffer on a connection. Plain,
 * named numbers with their defaults visible here; pass a partial object to override.
 */
export interface WireLimits {
  /**
   * Largest length prefix accepted for any message. Checked as soon as the 4-byte prefix
   * arrives, before a single payload byte is buffered, so a peer cannot make us wait for (and
   * hold) an endless message. 1 MiB covers a bitfield of 8 Mi pieces (libtorrent caps torrents
   * at 0x200000 pieces = a 256 KiB bitfield) with room to spare.
   */
  readonly maxMessageLength: number;
  /**
   * Largest block a peer may ask for (REQUEST), cancel, reject or send (PIECE). We only ever
   * request 16 KiB (BEP 3: "all current implementations use 2^14"); 128 KiB is what old clients
   * have been seen to use and libtorrent/Transmission still accept.
   */
  readonly maxBlockLength: number;
  /** Largest BEP 10 extended payload: a 16 KiB ut_metadata piece plus its dict fits many times. */
  readonly maxExtendedPayload: number;
  /** Peers taken from each list of one ut_pex message (BEP 11); the rest are ignored. */
  readonly maxPexPeers: number;
  /** Largest info dictionary we fetch with ut_metadata (BEP 9); libtorrent uses the same cap. */
  readonly maxMetadataSize: number;
  /** Ceiling for the `reqq` a peer advertises (BEP 10) before we size a pipeline on it. */
  readonly maxReqq: number;
  /** Longest client name (`v`, BEP 10) kept, in characters. */
  readonly maxClientNameLength: number;
}

export const DEFAULT_WIRE_LIMITS: WireLimits = Object.freeze({
  maxMessageLength: 1024 * 1024 + 64,
  maxBlockLength: 128 * 1024,
  maxExtendedPayload: 256 * 1024,
  maxPexPeers: 200,
  maxMetadataSize: 10 * 1000 * 1000,
  maxReqq: 2000,
  maxClientNameLength: 100,
});

/** Block size we request and send (BEP 3). */
export const BLOCK_LENGTH = 16 * 1024;

/** Size of every ut_metadata piece but the last (BEP 9). */
export const METADATA_PIECE_LENGTH = 16 * 1024;

export function wireLimits(overrides?: Partial<WireLimits>): WireLimits {
  return overrides ? { ...DEFAULT_WIRE_LIMITS, ...overrides } : DEFAULT_WIRE_LIMITS;
}
