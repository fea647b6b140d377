/**
 * Limits and tunables for uTP (BEP 29): everything a remote peer can make us buffer, and the
 * timers that decide when a peer is gone. Plain, named numbers with their defaults visible
 * here; pass a partial object to override.
 */
export interface UtpLimits {
  /** Open uTP connections (both directions). A SYN past this is answered with ST_RESET. */
  readonly maxConnections: number;
  /** Largest payload in one ST_DATA packet. ~1400 keeps a datagram under a 1500-byte MTU. */
  readonly maxPayload: number;
  /**
   * Largest datagram we send: header, extensions and payload together. A selective ack rides
   * on a data packet only in the room its payload leaves. libtorrent reads every datagram into
   * a 1500-byte buffer and silently drops what does not fit, so a longer one loses payload
   * bytes from the stream; 1452 is also what an IPv6 path with a 1500-byte MTU carries.
   */
  readonly maxPacketBytes: number;
  /**
   * Receive buffer per connection: bytes held out of order or not yet read (paused). The free
   * part is what we advertise as wnd_size (BEP 29), so a peer cannot make us hold more.
   */
  readonly receiveBufferBytes: number;
  /** Packets held out of order, ahead of ack_nr; anything further ahead is dropped. */
  readonly maxReorderPackets: number;
  /** write() returns false once this many bytes wait unsent; 'drain' fires below half. */
  readonly sendHighWaterMark: number;
  /** Largest selective-ACK bitmask we read or write, in bytes (BEP 29: a multiple of 4). */
  readonly maxSackBytes: number;
  /** Extensions walked in one header before the packet is called malformed. */
  readonly maxExtensions: number;
  /** LEDBAT target queuing delay (BEP 29: 100 ms), microseconds. */
  readonly targetDelayUs: number;
  /** LEDBAT: most the congestion window grows per RTT (BEP 29: 3000 bytes). */
  readonly maxCwndIncreasePerRtt: number;
  /** Congestion window ceiling, bytes. */
  readonly maxCwndBytes: number;
  /** Smallest congestion window, bytes (never below one packet). */
  readonly minCwndBytes: number;
  /** Retransmission timeout bounds (RFC 6298 style, from RTT samples), milliseconds. */
  readonly initialRtoMs: number;
  readonly minRtoMs: number;
  readonly maxRtoMs: number;
  /** Consecutive timeouts of the same data before the connection is declared dead. */
  readonly maxTimeouts: number;
  /** Duplicate acks (or packets selectively acked past a hole) that trigger fast retransmit. */
  readonly duplicateAckThreshold: number;
  /** Default connect() timeout, milliseconds (SYN retransmitted on the RTO meanwhile). */
  readonly connectTimeoutMs: number;
  /** An ST_STATE is sent when nothing else went out for this long (NAT keep-alive). */
  readonly keepAliveMs: number;
  /** A connection that hears nothing for this long is closed with a timeout. */
  readonly idleTimeoutMs: number;
  /**
   * After the peer's FIN, with data before it still missing: how long we wait in silence for
   * the retransmissions before giving up. libtorrent, closing a connection on an error, sends
   * its FIN and never resends what was lost; without this we would wait for idleTimeoutMs.
   */
  readonly finWaitMs: number;
  /** How long a peer may advertise a zero window before we probe with one packet. */
  readonly zeroWindowProbeMs: number;
  /** After a clean close, ids stay routed this long so the peer's retransmitted FIN is acked. */
  readonly lingerMs: number;
  /** Period of the timer that checks retransmission, keep-alive and idle deadlines. */
  readonly tickMs: number;
  /** Minutes of delay history for the LEDBAT base delay (BEP 29: "the last two minutes"). */
  readonly baseDelayMinutes: number;
}

export const DEFAULT_UTP_LIMITS: UtpLimits = Object.freeze({
  maxConnections: 500,
  maxPayload: 1400,
  maxPacketBytes: 1452,
  receiveBufferBytes: 1024 * 1024,
  maxReorderPackets: 1024,
  sendHighWaterMark: 256 * 1024,
  maxSackBytes: 128,
  maxExtensions: 8,
  targetDelayUs: 100_000,
  maxCwndIncreasePerRtt: 3000,
  maxCwndBytes: 1024 * 1024,
  minCwndBytes: 2 * 1400,
  initialRtoMs: 1000,
  minRtoMs: 500,
  maxRtoMs: 60_000,
  maxTimeouts: 8,
  duplicateAckThreshold: 3,
  connectTimeoutMs: 10_000,
  keepAliveMs: 29_000,
  idleTimeoutMs: 90_000,
  finWaitMs: 10_000,
  zeroWindowProbeMs: 1000,
  lingerMs: 3000,
  tickMs: 50,
  baseDelayMinutes: 2,
});

/** uTP header (20 bytes) plus one extension's 2-byte header: what a packet spends before data. */
const HEADER_AND_EXTENSION_BYTES = 22;

export function utpLimits(overrides?: Partial<UtpLimits>): UtpLimits {
  const limits = overrides ? { ...DEFAULT_UTP_LIMITS, ...overrides } : DEFAULT_UTP_LIMITS;
  if (limits.maxSackBytes < 4 || limits.maxSackBytes % 4 !== 0) {
    throw new RangeError(`uTP maxSackBytes ${limits.maxSackBytes} is not a positive multiple of 4`);
  }
  // A full data packet must fit (a selective ack then simply stays off it), and so must an
  // ST_STATE with the longest selective ack.
  if (limits.maxPayload + 20 > limits.maxPacketBytes || limits.maxSackBytes + HEADER_AND_EXTENSION_BYTES > limits.maxPacketBytes) {
    throw new RangeError(`uTP maxPacketBytes ${limits.maxPacketBytes} cannot hold a ${limits.maxPayload}-byte payload or a ${limits.maxSackBytes}-byte selective ack`);
  }
  return limits;
}

/** The smallest receive window a small socket buffer may impose (about 45 full packets). */
const MIN_SOCKET_WINDOW_BYTES = 64 * 1024;
/**
 * The share of the socket's buffer the window may fill: the kernel counts each datagram's
 * bookkeeping against the buffer too (~1.5x a 1,450-byte payload on loopback). Measured with a
 * stock 208 KiB buffer and libtorrent sending: a window of the whole buffer still lost ~100
 * datagrams per 32 MiB; two thirds of it lost none.
 */
const SOCKET_WINDOW_SHARE = 2 / 3;

/**
 * Limits for connections over a UDP socket whose OS buffer holds `socketBufferBytes` of payload
 * (UdpSocket.receiveBufferBytes): the receive window (what we advertise) well within it, so a peer
 * that sends a whole window at once (libtorrent does) cannot overflow the kernel's buffer, where
 * every datagram dropped costs a retransmission, often on the peer's timer.
 */
export function limitsForSocket(socketBufferBytes: number | undefined, base: Partial<UtpLimits> = {}): Partial<UtpLimits> {
  if (socketBufferBytes === undefined) return base;
  const wanted = base.receiveBufferBytes ?? DEFAULT_UTP_LIMITS.receiveBufferBytes;
  return { ...base, receiveBufferBytes: Math.min(wanted, Math.max(MIN_SOCKET_WINDOW_BYTES, Math.floor(socketBufferBytes * SOCKET_WINDOW_SHARE))) };
}

/**
 * How many bytes of selective ack fit on a packet with `payloadBytes` of payload (a multiple of
 * 4; 0 = none fits). ST_STATE carries the longest mask; data packets what room is left.
 */
export function sackRoom(limits: UtpLimits, payloadBytes: number): number {
  const room = Math.min(limits.maxSackBytes, limits.maxPacketBytes - HEADER_AND_EXTENSION_BYTES - payloadBytes);
  return room < 4 ? 0 : room - (room % 4);
}
