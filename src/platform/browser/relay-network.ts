/**
 * The engine's `Network` in the browser: TCP and UDP through the native host's relay, one
 * binary WebSocket to ws://127.0.0.1:PORT (docs/relay-protocol.md). The secret travels in the
 * subprotocol list of the upgrade (never in the URL). Uses only the standard WebSocket API, so
 * the same class runs in Node tests with ws's WebSocket.
 */
import { NetError, type ConnectOptions, type Endpoint, type MulticastOptions, type Network, type TcpListener, type TcpSocket, type UdpSocket } from '../interfaces/net.js';
import { DEFAULT_RELAY_LIMITS, type RelayLimits } from '../../relay/limits.js';
import { decodeMessage, FrameBatcher } from '../../relay/batch.js';
import {
  decodeFrame,
  encodeFrame,
  HEADER_BYTES,
  HOST_STREAM_BIT,
  Op,
  RELAY_PROTOCOL_VERSION,
  RELAY_SUBPROTOCOL,
  RelayProtocolError,
  SECRET_PROTOCOL_PREFIX,
  type Frame,
} from '../../relay/protocol.js';
import { createNextTask } from './next-task.js';
import { RelayTcpSocket, type RelayLink } from './relay-tcp-socket.js';
import { RelayTcpListener, RelayUdpSocket } from './relay-udp-socket.js';
import { formatEndpoint } from '../../engine/util/endpoint.js';

export interface RelayNetworkOptions {
  /** ws://127.0.0.1:PORT, from the host's `ready` message. */
  url: string;
  /** From the host's `ready` message; sent only in the WebSocket upgrade. */
  secret: string;
  /** Tests pass ws's WebSocket (wrapped to set an Origin). */
  WebSocketImpl?: typeof WebSocket;
  limits?: RelayLimits;
  /** write() returns false once this many bytes wait for the host's credit (per socket). */
  writeHighWaterMark?: number;
  /** Applied when connect() is given no timeout. */
  defaultConnectTimeoutMs?: number;
}

export const RELAY_NETWORK_DEFAULTS = {
  writeHighWaterMark: 256 * 1024,
  defaultConnectTimeoutMs: 10_000,
  /** The host times connects out itself; ours fires only if the host never answers. */
  connectTimeoutGraceMs: 2_000,
} as const;

export interface RelayDisconnect {
  code: number;
  reason: string;
}

/** Close code we use when the host sends something malformed. */
const PROTOCOL_ERROR_CLOSE = 4000;
const OPEN = 1;

interface Pending {
  resolve(frame: Frame): void;
  reject(error: NetError): void;
}

export class RelayNetwork implements Network, RelayLink {
  readonly maxData: number;
  private readonly hostWindow: number;
  private nextStream = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly sockets = new Map<number, RelayTcpSocket>();
  private readonly listeners = new Map<number, { listener: RelayTcpListener; onConnection: (socket: TcpSocket) => void }>();
  private readonly udpSockets = new Map<number, RelayUdpSocket>();
  private readonly disconnectListeners = new Set<(info: RelayDisconnect) => void>();
  private closed = false;
  /**
   * The frames of one turn (credits for what the engine took, its REQUESTs, ...) leave as one
   * message: each message costs a WebSocket.send here and a task and an event in the host.
   */
  private readonly batcher: FrameBatcher;
  private readonly onFrame = (frame: Frame): void => this.dispatch(frame);
  private readonly flushBatch = (): void => this.batcher.flush();

  private constructor(
    private readonly ws: WebSocket,
    private readonly limits: RelayLimits,
    hello: { window: number; maxData: number },
    private readonly options: RelayNetworkOptions,
  ) {
    this.hostWindow = hello.window;
    this.maxData = Math.min(hello.maxData, limits.maxDataBytes);
    const nextTask = createNextTask();
    this.batcher = new FrameBatcher({
      sendMessage: (message) => {
        if (!this.closed && this.ws.readyState === OPEN) this.ws.send(message);
      },
      // A new task, not a microtask: host messages already queued (the main thread is busy
      // with the engine) are handled first, so their credits and REQUESTs share one message.
      schedule: () => nextTask(this.flushBatch),
      maxMessageBytes: Math.min(limits.maxFrameBytes, HEADER_BYTES + this.maxData),
      aloneFromBytes: limits.batchFramesBelowBytes,
    });
    ws.onmessage = (event: MessageEvent) => this.onMessage(event.data);
    ws.onclose = (event: CloseEvent) => this.teardown(event.code, event.reason);
    ws.onerror = () => undefined; // a close event follows
  }

  /** Opens the WebSocket, sends HELLO and resolves on the host's HELLO_OK. */
  static connect(options: RelayNetworkOptions): Promise<RelayNetwork> {
    const limits = options.limits ?? DEFAULT_RELAY_LIMITS;
    const Impl = options.WebSocketImpl ?? globalThis.WebSocket;
    return new Promise((resolve, reject) => {
      let ws: WebSocket;
      try {
        ws = new Impl(options.url, [RELAY_SUBPROTOCOL, SECRET_PROTOCOL_PREFIX + options.secret]);
      } catch (error) {
        reject(new NetError('other', `cannot open the relay WebSocket: ${error instanceof Error ? error.message : String(error)}`));
        return;
      }
      ws.binaryType = 'arraybuffer';
      const fail = (error: NetError): void => {
        clearTimeout(timer);
        ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
        if (ws.readyState <= OPEN) ws.close();
        reject(error);
      };
      const timer = setTimeout(() => fail(new NetError('timeout', `the relay did not answer within ${limits.helloTimeoutMs} ms`)), limits.helloTimeoutMs);
      ws.onopen = () => ws.send(encodeFrame({ op: Op.HELLO, version: RELAY_PROTOCOL_VERSION, window: limits.streamWindowBytes }));
      ws.onerror = () => undefined;
      ws.onclose = (event: CloseEvent) =>
        fail(new NetError('refused', `the relay refused the connection (${event.code}${event.reason ? `: ${event.reason}` : ''}); is the native host running and up to date?`));
      ws.onmessage = (event: MessageEvent) => {
        let frame: Frame;
        try {
          if (!(event.data instanceof ArrayBuffer)) throw new RelayProtocolError('relay sent a text message');
          frame = decodeFrame(new Uint8Array(event.data), 'host', limits);
          if (frame.op !== Op.HELLO_OK) throw new RelayProtocolError(`relay answered HELLO with op ${frame.op}`);
          if (frame.version !== RELAY_PROTOCOL_VERSION) throw new RelayProtocolError(`relay speaks protocol ${frame.version}, we speak ${RELAY_PROTOCOL_VERSION}`);
        } catch (error) {
          fail(new NetError('other', error instanceof Error ? error.message : String(error)));
          return;
        }
        clearTimeout(timer);
        resolve(new RelayNetwork(ws, limits, frame, options));
      };
    });
  }

  connect(to: Endpoint, options: ConnectOptions = {}): Promise<TcpSocket> {
    const timeoutMs = options.timeoutMs ?? this.options.defaultConnectTimeoutMs ?? RELAY_NETWORK_DEFAULTS.defaultConnectTimeoutMs;
    const where = formatEndpoint(to.host, to.port);
    return this.open(
      (stream) => encodeFrame({ op: Op.TCP_CONNECT, stream, host: to.host, port: to.port, timeoutMs: Math.max(1, Math.ceil(timeoutMs)) }),
      timeoutMs + RELAY_NETWORK_DEFAULTS.connectTimeoutGraceMs,
      `connecting to ${where}`,
      (stream, frame) => {
        if (frame.op !== Op.CONNECTED) throw new RelayProtocolError(`expected CONNECTED for stream ${stream}`);
        const socket = this.newSocket(stream, { host: frame.address, port: frame.port });
        return socket;
      },
    );
  }

  listen(port: number, host: string, onConnection: (socket: TcpSocket) => void): Promise<TcpListener> {
    return this.open(
      (stream) => encodeFrame({ op: Op.TCP_LISTEN, stream, host, port }),
      undefined,
      `listening on ${host}:${port}`,
      (stream, frame) => {
        if (frame.op !== Op.LISTENING) throw new RelayProtocolError(`expected LISTENING for stream ${stream}`);
        const listener = new RelayTcpListener(this, stream, frame.port);
        this.listeners.set(stream, { listener, onConnection });
        return listener;
      },
    );
  }

  bindUdp(port: number, host: string): Promise<UdpSocket> {
    return this.open(
      (stream) => encodeFrame({ op: Op.UDP_BIND, stream, host, port }),
      undefined,
      `binding UDP ${host}:${port}`,
      (stream, frame) => {
        if (frame.op !== Op.BOUND) throw new RelayProtocolError(`expected BOUND for stream ${stream}`);
        const udp = new RelayUdpSocket(this, stream, frame.port, this.limits.maxDatagramBytes);
        this.udpSockets.set(stream, udp);
        return udp;
      },
    );
  }

  /**
   * A UDP socket joined to a multicast group through the host (UDP_JOIN). The host joins only
   * the LSD groups (limits.multicastGroups), sends only to the group, and sets TTL and loopback
   * itself: `options.ttl` and `options.loopback` are not sent.
   */
  bindMulticast(options: MulticastOptions): Promise<UdpSocket> {
    const where = options.group.includes(':') ? `[${options.group}]:${options.port}` : `${options.group}:${options.port}`;
    return this.open(
      (stream) => encodeFrame({ op: Op.UDP_JOIN, stream, port: options.port, interfaceAddress: options.interfaceAddress ?? '', group: options.group }),
      undefined,
      `joining multicast ${where}`,
      (stream, frame) => {
        if (frame.op !== Op.BOUND) throw new RelayProtocolError(`expected BOUND for stream ${stream}`);
        const udp = new RelayUdpSocket(this, stream, frame.port, this.limits.maxMulticastDatagramBytes);
        this.udpSockets.set(stream, udp);
        return udp;
      },
    );
  }

  /** Closes the WebSocket; every socket is closed with a NetError('closed'). */
  close(): void {
    this.batcher.flush();
    if (this.ws.readyState <= OPEN) this.ws.close(1000, 'closed by the extension');
    this.teardown(1000, 'closed by the extension');
  }

  /** Called once when the relay connection is gone (host exited, WebSocket closed). */
  onDisconnect(listener: (info: RelayDisconnect) => void): () => void {
    this.disconnectListeners.add(listener);
    return () => this.disconnectListeners.delete(listener);
  }

  // ---- RelayLink

  send(frame: Uint8Array): void {
    if (!this.closed) this.batcher.send(frame);
  }

  forget(id: number): void {
    this.sockets.delete(id);
    this.listeners.delete(id);
    this.udpSockets.delete(id);
  }

  // ---- internals

  private open<T>(frame: (stream: number) => Uint8Array, timeoutMs: number | undefined, what: string, settle: (stream: number, frame: Frame) => T): Promise<T> {
    if (this.closed) return Promise.reject(new NetError('closed', `${what}: the relay connection is closed`));
    const stream = this.nextStream++;
    if (stream >= HOST_STREAM_BIT) return Promise.reject(new NetError('other', `${what}: relay stream ids exhausted; reconnect the relay`));
    return new Promise<T>((resolve, reject) => {
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              this.pending.delete(stream);
              this.send(encodeFrame({ op: Op.CLOSE, stream, kind: 'none', message: '' }));
              reject(new NetError('timeout', `${what} timed out after ${timeoutMs} ms (the relay did not answer)`));
            }, timeoutMs);
      this.pending.set(stream, {
        resolve: (reply) => {
          clearTimeout(timer);
          try {
            resolve(settle(stream, reply));
          } catch (error) {
            reject(new NetError('other', `${what}: ${error instanceof Error ? error.message : String(error)}`));
            throw error; // a wrong reply is the host's protocol error: closes the connection
          }
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.send(frame(stream));
    });
  }

  private newSocket(id: number, remote: Endpoint): RelayTcpSocket {
    const highWaterMark = this.options.writeHighWaterMark ?? RELAY_NETWORK_DEFAULTS.writeHighWaterMark;
    const socket = new RelayTcpSocket(this, id, remote, this.hostWindow, this.limits.streamWindowBytes, highWaterMark);
    this.sockets.set(id, socket);
    return socket;
  }

  private onMessage(data: unknown): void {
    if (this.closed) return;
    try {
      if (!(data instanceof ArrayBuffer)) throw new RelayProtocolError('relay frames must be binary');
      decodeMessage(new Uint8Array(data), 'host', this.limits, this.onFrame);
    } catch (error) {
      if (!(error instanceof RelayProtocolError)) throw error;
      this.ws.close(PROTOCOL_ERROR_CLOSE, error.message.slice(0, 120));
      this.teardown(PROTOCOL_ERROR_CLOSE, `relay protocol error: ${error.message}`);
    }
  }

  /** Frames for streams we no longer know crossed our CLOSE in flight: ignored. */
  private dispatch(frame: Frame): void {
    switch (frame.op) {
      case Op.DATA:
        this.sockets.get(frame.stream)?.onData(frame.data);
        return;
      case Op.CREDIT:
        this.sockets.get(frame.stream)?.onCredit(frame.bytes);
        return;
      case Op.END:
        return; // the peer half-closed; its CLOSE follows (TcpSocket has no half-close)
      case Op.UDP_RECV:
        this.udpSockets.get(frame.stream)?.onMessage(frame.data, { host: frame.address, port: frame.port });
        return;
      case Op.CONNECTED:
      case Op.LISTENING:
      case Op.BOUND: {
        const pending = this.pending.get(frame.stream);
        this.pending.delete(frame.stream);
        pending?.resolve(frame);
        return;
      }
      case Op.ACCEPTED: {
        const entry = this.listeners.get(frame.stream);
        if (!entry) {
          this.send(encodeFrame({ op: Op.CLOSE, stream: frame.newStream, kind: 'none', message: '' }));
          return;
        }
        entry.onConnection(this.newSocket(frame.newStream, { host: frame.address, port: frame.port }));
        return;
      }
      case Op.CLOSE: {
        const pending = this.pending.get(frame.stream);
        if (pending) {
          this.pending.delete(frame.stream);
          pending.reject(new NetError(frame.kind === 'none' ? 'closed' : frame.kind, frame.message || 'the relay closed the stream'));
          return;
        }
        this.sockets.get(frame.stream)?.onClose(frame.kind, frame.message);
        this.udpSockets.get(frame.stream)?.onClose();
        this.listeners.get(frame.stream)?.listener.onClose();
        this.forget(frame.stream);
        return;
      }
      default:
        throw new RelayProtocolError(`unexpected op ${frame.op} after the hello`);
    }
  }

  private teardown(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    const error = new NetError('closed', `relay connection lost (${code}${reason ? `: ${reason}` : ''})`);
    for (const pending of this.pending.values()) pending.reject(error);
    for (const socket of this.sockets.values()) socket.onLost(error);
    for (const udp of this.udpSockets.values()) udp.onClose();
    for (const { listener } of this.listeners.values()) listener.onClose();
    this.batcher.clear();
    this.pending.clear();
    this.sockets.clear();
    this.udpSockets.clear();
    this.listeners.clear();
    for (const listener of [...this.disconnectListeners]) listener({ code, reason });
  }
}
