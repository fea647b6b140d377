/**
 * The relay protocol's limits (docs/relay-protocol.md), shared by the native host and the
 * browser. Every number that bounds memory, work or time is here, with its default visible;
 * both sides take a `RelayLimits` so tests can shrink them.
 */

export interface RelayLimits {
  /** Largest WebSocket message either side accepts; bigger closes the connection (1009). */
  maxFrameBytes: number;
  /** Largest DATA payload; a write is split into frames of at most this size. */
  maxDataBytes: number;
  /**
   * Sending policy, not checked on receipt: frames shorter than this that one side produces in
   * one event-loop turn travel together in one BATCH message; longer ones go alone.
   */
  batchFramesBelowBytes: number;
  /** Largest UDP payload in UDP_SEND / UDP_RECV (the IPv4 maximum). */
  maxDatagramBytes: number;
  /** Longest host name or address in an open frame (DNS names are at most 253 octets). */
  maxHostBytes: number;
  /** Longest CLOSE message. */
  maxCloseMessageBytes: number;
  /**
   * Per-stream receive window: bytes the other side may send on a new stream before any
   * CREDIT. Each side announces its own in the hello; the host buffers at most this much per
   * stream in either direction.
   */
  streamWindowBytes: number;
  /** Host: bytes sent to the browser and not yet credited back, all streams together. */
  maxBufferedBytesTotal: number;
  /** Open streams per connection (TCP connections, accepted ones, listeners, UDP sockets). */
  maxStreams: number;
  /** Listeners per connection. */
  maxListeners: number;
  /** UDP sockets per connection. */
  maxUdpSockets: number;
  /**
   * UDP payload bytes a host socket may have waiting (DNS lookups, kernel queue); beyond,
   * dropped. Counted in bytes, not sends: one browser turn may carry hundreds of small
   * datagrams (a uTP window, a DHT lookup), all handed to dgram before any completes.
   */
  maxPendingUdpBytes: number;
  /**
   * Kernel receive and send buffer asked for each host UDP socket (the OS may give less: Linux
   * caps it at net.core.rmem_max / wmem_max). The default ~208 KiB holds ~30 ms of uTP at
   * 7 MB/s while the host's one thread is busy with the WebSocket.
   */
  udpSocketBufferBytes: number;
  /**
   * The only multicast groups UDP_JOIN may join, and the only destinations a joined socket may
   * send to: BEP 14's LSD groups. The relay is no general multicast tool.
   */
  multicastGroups: readonly MulticastGroup[];
  /** Largest datagram a joined socket sends (BEP 14 announces stay under 1400 bytes). */
  maxMulticastDatagramBytes: number;
  /** IP_MULTICAST_TTL / hop limit the host sets on joined sockets: 1 stays on the local link. */
  multicastTtl: number;
  /** TCP connects per second, sustained (token bucket). */
  connectsPerSecond: number;
  /** TCP connects allowed in one burst. */
  connectBurst: number;
  /** A connection that has not sent HELLO by then is closed. */
  helloTimeoutMs: number;
  /** A TCP_CONNECT timeout above this is clamped. */
  maxConnectTimeoutMs: number;
  /** After a graceful END, a peer that never closes its side is destroyed after this long. */
  closeGraceMs: number;
  /** WebSocket clients the host serves at once (the offscreen document needs one). */
  maxConnections: number;
}

export interface MulticastGroup {
  /** The group address as the client names it (IPv6 lower-case, no brackets). */
  readonly host: string;
  readonly port: number;
}

/** BEP 14: 239.192.152.143:6771 and [ff15::efc0:988f]:6771. */
export const LSD_MULTICAST_GROUPS: readonly MulticastGroup[] = Object.freeze([
  Object.freeze({ host: '239.192.152.143', port: 6771 }),
  Object.freeze({ host: 'ff15::efc0:988f', port: 6771 }),
]);

/** Whether the limits allow joining (and sending to) `host`:`port`. */
export function isAllowedMulticastGroup(limits: RelayLimits, host: string, port: number): boolean {
  const lower = host.toLowerCase();
  return limits.multicastGroups.some((g) => g.host === lower && g.port === port);
}

export const DEFAULT_RELAY_LIMITS: Readonly<RelayLimits> = Object.freeze({
  maxFrameBytes: 1024 * 1024 + 64,
  maxDataBytes: 1024 * 1024,
  batchFramesBelowBytes: 64 * 1024,
  maxDatagramBytes: 65_507,
  maxHostBytes: 253,
  maxCloseMessageBytes: 200,
  streamWindowBytes: 4 * 1024 * 1024,
  maxBufferedBytesTotal: 64 * 1024 * 1024,
  maxStreams: 1024,
  maxListeners: 8,
  maxUdpSockets: 8,
  maxPendingUdpBytes: 4 * 1024 * 1024,
  udpSocketBufferBytes: 2 * 1024 * 1024,
  multicastGroups: LSD_MULTICAST_GROUPS,
  maxMulticastDatagramBytes: 1400,
  multicastTtl: 1,
  connectsPerSecond: 100,
  connectBurst: 200,
  helloTimeoutMs: 5_000,
  maxConnectTimeoutMs: 60_000,
  closeGraceMs: 30_000,
  maxConnections: 4,
});

export function relayLimits(overrides: Partial<RelayLimits> = {}): RelayLimits {
  return { ...DEFAULT_RELAY_LIMITS, ...overrides };
}
