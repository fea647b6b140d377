/**
 * Network as the engine sees it. Adapters: node/ (node:net, node:dgram), memory/ (in-process),
 * browser/ (the native host's WebSocket relay). Every byte is a Uint8Array.
 */

export interface Endpoint {
  host: string;
  port: number;
}

export interface TcpSocketHandlers {
  /**
   * A chunk of received bytes, lent for the duration of the call only: the adapter may reuse
   * its memory afterwards (Node reads into one buffer per socket). Copy what you keep.
   */
  data(chunk: Uint8Array): void;
  /** The send buffer fell below the adapter's low-water mark after write() returned false. */
  drain?(): void;
  /** The connection is gone (remote close, reset, or local close). Called once. */
  close(error?: Error): void;
}

export interface TcpSocket {
  readonly remote: Endpoint;
  /** Queue bytes. Returns false once the adapter's buffer is past its high-water mark. */
  write(data: Uint8Array): boolean;
  /** Bytes queued for sending and not yet handed to the OS / relay. */
  readonly bufferedAmount: number;
  /** Install handlers. Data that arrived before this call is delivered after it. */
  setHandlers(handlers: TcpSocketHandlers): void;
  /** Stop delivering data (back-pressure to the remote). */
  pause(): void;
  resume(): void;
  /** Graceful close after queued data is sent. */
  close(): void;
  /** Immediate close, queued data dropped. */
  destroy(): void;
}

export interface TcpListener {
  readonly port: number;
  close(): Promise<void>;
}

export interface UdpSocket {
  readonly port: number;
  /**
   * Payload bytes the OS holds for this socket while the program is busy (Node: half of what
   * SO_RCVBUF reports, as Linux doubles it for its bookkeeping); undefined where unknown. uTP
   * advertises no larger a receive window, so a peer's burst cannot overflow it.
   */
  readonly receiveBufferBytes?: number;
  send(data: Uint8Array, to: Endpoint): void;
  setHandler(onMessage: (data: Uint8Array, from: Endpoint) => void): void;
  close(): void;
}

/** A multicast membership (used by local service discovery, BEP 14). */
export interface MulticastOptions {
  /** The group to join and send to, e.g. '239.192.152.143'. Its family picks IPv4 or IPv6. */
  group: string;
  /** Port to bind (with address reuse: several programs on one host share it). */
  port: number;
  /**
   * Local address of the interface to join on and send from. '127.0.0.1' keeps every datagram
   * on this machine; undefined lets the OS choose (the default route's interface).
   */
  interfaceAddress?: string;
  /** IP_MULTICAST_TTL / hop limit; 1 stays on the local link. */
  ttl: number;
  /** Deliver datagrams sent on this host back to its own members (other programs here too). */
  loopback: boolean;
}

export interface ConnectOptions {
  timeoutMs?: number;
}

export interface Network {
  /** Resolves once connected; rejects with a NetError on refusal, timeout or unknown host. */
  connect(to: Endpoint, options?: ConnectOptions): Promise<TcpSocket>;
  /** Listen for incoming TCP connections. port 0 picks a free one. */
  listen(port: number, host: string, onConnection: (socket: TcpSocket) => void): Promise<TcpListener>;
  /** Bind a UDP socket. port 0 picks a free one. */
  bindUdp(port: number, host: string): Promise<UdpSocket>;
  /**
   * A UDP socket joined to a multicast group; send to `{ host: group, port }` to reach every
   * member. Absent where the platform has no multicast. The browser's relay joins only BEP 14's
   * LSD groups and sets TTL and loopback itself (docs/relay-protocol.md, UDP_JOIN).
   */
  bindMulticast?(options: MulticastOptions): Promise<UdpSocket>;
}

export class NetError extends Error {
  constructor(
    readonly kind: 'refused' | 'timeout' | 'unreachable' | 'closed' | 'other',
    message: string,
  ) {
    super(message);
    this.name = 'NetError';
  }
}
