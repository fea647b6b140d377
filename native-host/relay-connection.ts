/**
 * One authenticated WebSocket client of the relay (docs/relay-protocol.md): the hello, the
 * frame dispatch, the stream table, and the limits. A malformed frame closes this connection
 * only. How frames leave is relay-writer.ts; the streams themselves are tcp-streams.ts and
 * udp-streams.ts; what multicast is allowed, udp-join.ts.
 */
import type { Socket } from 'node:net';
import type { RawData, WebSocket } from 'ws';
import type { RelayLimits } from '../src/relay/limits.js';
import { decodeMessage } from '../src/relay/batch.js';
import {
  encodeFrame,
  HEADER_BYTES,
  HOST_STREAM_BIT,
  Op,
  opName,
  MIN_RELAY_PROTOCOL_VERSION,
  RELAY_PROTOCOL_VERSION,
  RelayProtocolError,
  UDP_JOIN_SINCE_VERSION,
  type CloseKind,
  type Frame,
} from '../src/relay/protocol.js';
import { normalizeAddress } from '../src/platform/node/node-net-errors.js';
import { ConnectRate } from './connect-rate.js';
import type { HostLog } from './log.js';
import { SendBudget } from './send-budget.js';
import { FramePool } from './frame-pool.js';
import { closeReason, type PendingFlusher, type StreamContext } from './stream-context.js';
import { connectTcp, TcpListenerStream, TcpStream } from './tcp-streams.js';
import { UdpStream } from './udp-streams.js';
import { joinRefusal } from './udp-join.js';
import { PendingListener, PendingUdp } from './pending-streams.js';
import { RelayWriter } from './relay-writer.js';

/** WebSocket close codes the host uses (4000–4999 are the application's). */
export const CLOSE_CODES = {
  protocolError: 4000,
  helloTimeout: 4001,
  unsupportedVersion: 4002,
  hostShutdown: 1001,
} as const;

type HostStream = TcpStream | TcpListenerStream | UdpStream | PendingListener | PendingUdp;

export class RelayConnection implements StreamContext {
  readonly budget: SendBudget;
  readonly frames: FramePool;
  clientWindow = 0;
  /** The version this client speaks (from its HELLO), within what the host serves. */
  private version = 0;
  private helloDone = false;
  private readonly helloTimer: NodeJS.Timeout;
  private readonly streams = new Map<number, HostStream>();
  /** Connect attempts in progress, so a CLOSE from the browser can cancel their timers. */
  private readonly connecting = new Map<number, () => void>();
  private lastClientStream = 0;
  private nextHostStream = HOST_STREAM_BIT + 1;
  private listeners = 0;
  private udpSockets = 0;
  private readonly connectRate: ConnectRate;
  private closed = false;
  private readonly writer: RelayWriter;
  private readonly onFrame = (frame: Frame): void => {
    if (!this.helloDone) this.onHello(frame);
    else this.dispatch(frame);
  };

  constructor(
    private readonly ws: WebSocket,
    readonly limits: RelayLimits,
    readonly log: HostLog,
    private readonly onClosed: () => void,
  ) {
    this.budget = new SendBudget(limits.maxBufferedBytesTotal);
    this.frames = new FramePool(HEADER_BYTES + limits.maxDataBytes);
    this.connectRate = new ConnectRate(limits.connectsPerSecond, limits.connectBurst);
    this.writer = new RelayWriter(ws, this.frames, limits, () => this.closed);
    ws.binaryType = 'nodebuffer';
    this.helloTimer = setTimeout(() => this.fail(CLOSE_CODES.helloTimeout, `no HELLO within ${limits.helloTimeoutMs} ms`), limits.helloTimeoutMs);
    ws.on('message', (data: RawData, isBinary: boolean) => this.onMessage(data, isBinary));
    ws.on('error', (error: Error) => log.error(`relay connection error: ${error.message}`));
    ws.on('close', () => this.teardown());
  }

  get streamCount(): number {
    return this.streams.size;
  }

  bufferedBytes(): number {
    let total = this.ws.bufferedAmount;
    for (const stream of this.streams.values()) if (stream.type !== 'listener') total += stream.bufferedBytes();
    return total;
  }

  // ---- StreamContext

  /** Small frames wait for the end of the turn and leave together in one BATCH message. */
  send(frame: Uint8Array): void {
    this.writer.send(frame);
  }

  deferFlush(stream: PendingFlusher): void {
    this.writer.deferFlush(stream);
  }

  wsBufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  closeStream(id: number, kind: CloseKind, message: string): void {
    this.forget(id);
    this.send(encodeFrame({ op: Op.CLOSE, stream: id, kind, message }));
  }

  forget(id: number): void {
    const stream = this.streams.get(id);
    if (!stream) return;
    this.streams.delete(id);
    this.connecting.delete(id);
    if (stream.type === 'listener') this.listeners--;
    if (stream.type === 'udp') this.udpSockets--;
  }

  accepted(listener: number, socket: Socket): void {
    if (this.closed || this.streams.size >= this.limits.maxStreams) {
      socket.destroy();
      return;
    }
    const id = this.nextHostStream++;
    if (id > 0xffff_ffff) {
      socket.destroy();
      return;
    }
    // ACCEPTED goes out before the stream can send DATA (which waits for the next 'data' event).
    this.send(encodeFrame({ op: Op.ACCEPTED, stream: listener, newStream: id, port: socket.remotePort!, address: normalizeAddress(socket.remoteAddress!) }));
    this.streams.set(id, new TcpStream(this, id, socket));
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.ws.close(code, reason);
    this.teardown();
  }

  // ---- frames from the browser

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.closed) return;
    try {
      if (!isBinary || !Buffer.isBuffer(data)) throw new RelayProtocolError('relay frames must be binary WebSocket messages');
      decodeMessage(new Uint8Array(data.buffer, data.byteOffset, data.length), 'client', this.limits, this.onFrame);
    } catch (error) {
      if (!(error instanceof RelayProtocolError)) throw error;
      this.fail(CLOSE_CODES.protocolError, error.message);
    }
  }

  private onHello(frame: Frame): void {
    if (frame.op !== Op.HELLO) throw new RelayProtocolError(`expected HELLO first, got ${opName(frame.op)}`);
    clearTimeout(this.helloTimer);
    if (frame.version < MIN_RELAY_PROTOCOL_VERSION || frame.version > RELAY_PROTOCOL_VERSION) {
      this.fail(
        CLOSE_CODES.unsupportedVersion,
        `relay protocol ${frame.version} unsupported; host speaks ${RELAY_PROTOCOL_VERSION} (down to ${MIN_RELAY_PROTOCOL_VERSION}): update the extension and host together`,
      );
      return;
    }
    this.helloDone = true;
    this.version = frame.version;
    this.clientWindow = frame.window;
    // The hello travels alone, never in a BATCH. It answers with the client's version: an
    // older client keeps working with a newer host.
    this.writer.sendAlone(encodeFrame({ op: Op.HELLO_OK, version: frame.version, window: this.limits.streamWindowBytes, maxData: this.limits.maxDataBytes }));
  }

  private dispatch(frame: Frame): void {
    switch (frame.op) {
      case Op.DATA:
        this.tcp(frame.stream, 'DATA')?.data(frame.data);
        return;
      case Op.CREDIT:
        this.tcp(frame.stream, 'CREDIT')?.credit(frame.bytes);
        return;
      case Op.END:
        this.tcp(frame.stream, 'END')?.end();
        return;
      case Op.CLOSE: {
        this.known(frame.stream);
        const stream = this.streams.get(frame.stream);
        this.connecting.get(frame.stream)?.();
        this.forget(frame.stream);
        stream?.abort();
        return;
      }
      case Op.UDP_SEND: {
        const stream = this.known(frame.stream);
        if (stream && stream.type !== 'udp') throw new RelayProtocolError(`UDP_SEND on ${stream.type} stream ${frame.stream}`);
        stream?.send(frame.data, frame.host, frame.port);
        return;
      }
      case Op.TCP_CONNECT:
        this.open(frame.stream);
        if (!this.connectRate.take()) {
          this.send(encodeFrame({ op: Op.CLOSE, stream: frame.stream, kind: 'other', message: `relay connect rate limit (${this.limits.connectsPerSecond}/s) reached` }));
          return;
        }
        if (!this.admit(frame.stream, this.streams.size < this.limits.maxStreams, `${this.limits.maxStreams} streams`)) return;
        this.connect(frame.stream, frame.host, frame.port, Math.min(frame.timeoutMs, this.limits.maxConnectTimeoutMs));
        return;
      case Op.TCP_LISTEN:
        this.open(frame.stream);
        if (!this.admit(frame.stream, this.listeners < this.limits.maxListeners && this.streams.size < this.limits.maxStreams, `${this.limits.maxListeners} listeners`)) return;
        this.listen(frame.stream, frame.host, frame.port);
        return;
      case Op.UDP_BIND:
        this.open(frame.stream);
        if (!this.admit(frame.stream, this.udpSockets < this.limits.maxUdpSockets && this.streams.size < this.limits.maxStreams, `${this.limits.maxUdpSockets} UDP sockets`)) return;
        this.bind(frame.stream, frame.host, frame.port);
        return;
      case Op.UDP_JOIN: {
        if (this.version < UDP_JOIN_SINCE_VERSION) throw new RelayProtocolError(`UDP_JOIN needs relay protocol ${UDP_JOIN_SINCE_VERSION}; this client spoke ${this.version}`);
        this.open(frame.stream);
        const refusal = joinRefusal(this.limits, frame.group, frame.port, frame.interfaceAddress);
        if (refusal) {
          this.send(encodeFrame({ op: Op.CLOSE, stream: frame.stream, kind: 'other', message: refusal }));
          return;
        }
        if (!this.admit(frame.stream, this.udpSockets < this.limits.maxUdpSockets && this.streams.size < this.limits.maxStreams, `${this.limits.maxUdpSockets} UDP sockets`)) return;
        this.bind(frame.stream, frame.group, frame.port, frame.interfaceAddress);
        return;
      }
      case Op.HELLO:
        throw new RelayProtocolError('HELLO sent twice');
      default:
        throw new RelayProtocolError(`${opName(frame.op)} is not valid from the client`);
    }
  }

  private connect(id: number, host: string, port: number, timeoutMs: number): void {
    try {
      const { stream, abortConnect } = connectTcp(this, id, host, port, timeoutMs);
      this.streams.set(id, stream);
      this.connecting.set(id, abortConnect);
    } catch (error) {
      const reason = closeReason(error, `cannot connect to ${host}:${port}`);
      this.send(encodeFrame({ op: Op.CLOSE, stream: id, ...reason }));
    }
  }

  private listen(id: number, host: string, port: number): void {
    this.listeners++;
    const pending = new PendingListener();
    this.streams.set(id, pending);
    TcpListenerStream.listen(this, id, host, port).then(
      ({ listener, port: bound }) => {
        if (this.streams.get(id) !== pending) return listener.abort(); // closed meanwhile
        this.streams.set(id, listener);
        this.send(encodeFrame({ op: Op.LISTENING, stream: id, port: bound }));
      },
      (error: unknown) => {
        if (this.streams.get(id) !== pending) return;
        const reason = closeReason(error, `cannot listen on ${host}:${port}`);
        this.closeStream(id, reason.kind, reason.message);
      },
    );
  }

  /** UDP_BIND, or UDP_JOIN when `interfaceAddress` is given ('' = the OS's choice of interface). */
  private bind(id: number, host: string, port: number, interfaceAddress?: string): void {
    this.udpSockets++;
    const pending = new PendingUdp();
    this.streams.set(id, pending);
    const what = interfaceAddress === undefined ? `cannot bind UDP ${host}:${port}` : `cannot join multicast ${host}:${port}`;
    (interfaceAddress === undefined ? UdpStream.bind(this, id, host, port) : UdpStream.join(this, id, host, port, interfaceAddress)).then(
      ({ udp, port: bound }) => {
        if (this.streams.get(id) !== pending) return udp.abort();
        this.streams.set(id, udp);
        this.send(encodeFrame({ op: Op.BOUND, stream: id, port: bound }));
      },
      (error: unknown) => {
        if (this.streams.get(id) !== pending) return;
        const reason = closeReason(error, what);
        this.closeStream(id, reason.kind, reason.message);
      },
    );
  }

  /** Client stream ids only grow, so a reused id is a bug we can see in O(1). */
  private open(id: number): void {
    if (id <= this.lastClientStream) throw new RelayProtocolError(`stream ${id} reuses an id (last opened ${this.lastClientStream})`);
    this.lastClientStream = id;
  }

  private admit(id: number, ok: boolean, limit: string): boolean {
    if (!ok) this.send(encodeFrame({ op: Op.CLOSE, stream: id, kind: 'other', message: `relay limit reached: ${limit}` }));
    return ok;
  }

  /**
   * The stream, or undefined if it was open once and is gone (frames may cross a CLOSE in
   * flight). An id never opened is a protocol error.
   */
  private known(id: number): HostStream | undefined {
    const neverOpened = (id & HOST_STREAM_BIT) === 0 ? id > this.lastClientStream : id >= this.nextHostStream;
    if (neverOpened) throw new RelayProtocolError(`stream ${id} was never opened`);
    return this.streams.get(id);
  }

  private tcp(id: number, what: string): TcpStream | undefined {
    const stream = this.known(id);
    if (stream && stream.type !== 'tcp') throw new RelayProtocolError(`${what} on ${stream.type} stream ${id}`);
    return stream;
  }

  private fail(code: number, reason: string): void {
    this.log.info(`closing relay connection: ${reason}`);
    // WebSocket close reasons are at most 123 bytes.
    this.close(code, Buffer.from(reason).subarray(0, 123).toString('utf8').replace(/\uFFFD$/, ''));
  }

  private teardown(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.helloTimer);
    for (const abort of this.connecting.values()) abort();
    for (const stream of this.streams.values()) stream.abort();
    this.streams.clear();
    this.writer.clear();
    this.connecting.clear();
    this.onClosed();
  }
}
