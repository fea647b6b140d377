import type { TcpSocket } from '../../platform/interfaces/index.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import { errorMessage } from '../util/errors.js';
import { RateMeter } from '../util/rate-meter.js';
import { encodeHandshake, type Handshake } from '../wire/handshake.js';
import type { WireLimits } from '../wire/limits.js';
import { encodeKeepAlive } from '../wire/message-encoder.js';
import { WireParser } from '../wire/message-parser.js';
import type { WireMessage } from '../wire/messages.js';
import { formatEndpoint } from '../util/endpoint.js';

/** What a connection reports to whoever owns it (a PeerSession, or the Client before routing). */
export interface PeerConnectionHandler {
  /** The remote handshake arrived. Throw to refuse (unknown torrent, ourselves, banned). */
  onHandshake(handshake: Handshake): void;
  onMessage(message: WireMessage): void;
  onClose(reason: string): void;
}

export interface PeerConnectionOptions {
  socket: TcpSocket;
  outgoing: boolean;
  /** What carries the connection (peer flags and stats). */
  transport?: 'tcp' | 'utp';
  encrypted?: boolean;
  localPeerId: Uint8Array;
  clock: Clock;
  limits?: Partial<WireLimits>;
  /** Close when nothing at all arrives for this long (BEP 3 keep-alives come every 2 min). */
  idleTimeoutMs?: number;
  /** Close when the handshake has not arrived within this time. */
  handshakeTimeoutMs?: number;
}

const KEEP_ALIVE_EVERY_MS = 90_000;

/**
 * One TCP connection speaking the peer wire protocol: handshake, framing, keep-alives,
 * timeouts and byte counters. It knows nothing of pieces; a PeerSession gives messages meaning.
 */
export class PeerConnection {
  readonly address: string;
  readonly remoteEndpoint: { host: string; port: number };
  readonly outgoing: boolean;
  readonly transport: 'tcp' | 'utp';
  readonly encrypted: boolean;
  handler: PeerConnectionHandler | null = null;
  remote: Handshake | null = null;
  closed = false;
  closeReason = '';
  /** Payload (piece data) meters; protocol bytes are counted apart. */
  readonly downloaded: RateMeter;
  readonly uploaded: RateMeter;
  /** Every byte of the wire protocol, payload and overhead (handshakes, headers, HAVEs…). */
  bytesReceived = 0;
  bytesSent = 0;
  lastReceivedAt: number;
  private lastSentAt: number;
  private readonly parser: WireParser;
  private timer: TimerHandle | null = null;
  private handshakeSent = false;
  private readonly idleTimeoutMs: number;
  private readonly handshakeDeadline: number;

  constructor(private readonly options: PeerConnectionOptions) {
    const { socket, clock } = options;
    this.remoteEndpoint = { host: socket.remote.host, port: socket.remote.port };
    this.address = formatEndpoint(socket.remote.host, socket.remote.port);
    this.outgoing = options.outgoing;
    this.transport = options.transport ?? 'tcp';
    this.encrypted = options.encrypted ?? false;
    this.downloaded = new RateMeter(clock);
    this.uploaded = new RateMeter(clock);
    this.lastReceivedAt = this.lastSentAt = clock.now();
    this.idleTimeoutMs = options.idleTimeoutMs ?? 180_000;
    this.handshakeDeadline = clock.now() + (options.handshakeTimeoutMs ?? 15_000);
    this.parser = new WireParser((m) => this.handler?.onMessage(m), {
      expectHandshake: true,
      onHandshake: (h) => {
        this.remote = h;
        this.handler?.onHandshake(h);
      },
      ...(options.limits ? { limits: options.limits } : {}),
    });
  }

  /** Begin reading. Outgoing connections send their handshake first via sendHandshake(). */
  start(): void {
    this.options.socket.setHandlers({
      data: (chunk) => this.onData(chunk),
      close: (error) => this.onSocketClose(error),
      drain: () => this.onDrain?.(),
    });
    this.schedule();
  }

  /** Called when the send buffer drains (upload pacing). */
  onDrain: (() => void) | null = null;

  sendHandshake(infoHash: Uint8Array, features: { extended: boolean; fast: boolean; dht: boolean }): void {
    if (this.handshakeSent) return;
    this.handshakeSent = true;
    this.send(encodeHandshake({ infoHash, peerId: this.options.localPeerId, ...features }));
  }

  setPieceCount(count: number): void {
    this.parser.setPieceCount(count);
  }

  send(bytes: Uint8Array): boolean {
    if (this.closed) return false;
    this.lastSentAt = this.options.clock.now();
    this.bytesSent += bytes.length;
    return this.options.socket.write(bytes);
  }

  get bufferedAmount(): number {
    return this.options.socket.bufferedAmount;
  }

  pauseReading(): void {
    this.options.socket.pause();
  }

  resumeReading(): void {
    this.options.socket.resume();
  }

  close(reason: string): void {
    if (this.closed) return;
    this.finish(reason);
    this.options.socket.destroy();
  }

  private onData(chunk: Uint8Array): void {
    if (this.closed) return;
    this.lastReceivedAt = this.options.clock.now();
    this.bytesReceived += chunk.length;
    try {
      this.parser.push(chunk);
    } catch (error) {
      this.close(errorMessage(error));
    }
  }

  private onSocketClose(error?: Error): void {
    this.finish(error ? error.message : 'connection closed by peer');
  }

  private finish(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.closeReason = reason;
    if (this.timer !== null) this.options.clock.clearTimeout(this.timer);
    this.timer = null;
    const handler = this.handler;
    this.handler = null;
    handler?.onClose(reason);
  }

  /** One timer per connection, checking handshake deadline, idleness and keep-alives. */
  private schedule(): void {
    this.timer = this.options.clock.setTimeout(() => this.tick(), 5_000);
  }

  private tick(): void {
    if (this.closed) return;
    const now = this.options.clock.now();
    if (!this.remote && now > this.handshakeDeadline) return this.close('no handshake within 15 s');
    if (now - this.lastReceivedAt > this.idleTimeoutMs) return this.close('peer silent for too long');
    if (this.remote && this.handshakeSent && now - this.lastSentAt > KEEP_ALIVE_EVERY_MS) this.send(encodeKeepAlive());
    this.schedule();
  }
}
