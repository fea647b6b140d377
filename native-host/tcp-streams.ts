/**
 * TCP streams on the host (docs/relay-protocol.md): one outgoing or accepted node:net socket
 * per stream, and listeners. Flow control both ways:
 * - socket → browser: DATA only within the browser's credit (and the connection's budget);
 *   when it runs out the socket is paused, so TCP pushes back on the peer. At most one read
 *   chunk per stream waits here for credit.
 * - browser → socket: the browser's credit (our window) is returned only once bytes have left
 *   Node's write buffer, so a slow peer holds the browser back instead of filling our memory.
 */
import { createConnection, createServer, type NetConnectOpts, type Server, type Socket } from 'node:net';
import { ReceiveWindow } from '../src/relay/credit.js';
import { encodeFrame, HEADER_BYTES, Op, RelayProtocolError, writeDataHeader, type CloseKind } from '../src/relay/protocol.js';
import { normalizeAddress } from '../src/platform/node/node-net-errors.js';
import { closeReason, type PendingFlusher, type StreamContext } from './stream-context.js';
import type { BudgetWaiter } from './send-budget.js';

/** Node's write buffer per socket before write() reports back-pressure. */
const SOCKET_HIGH_WATER_MARK = 256 * 1024;
/**
 * Node reads an accepted socket into fresh 64 KiB buffers. A read that filled one probably has
 * more behind it in this poll, so its bytes start a DATA frame sized for maxDataBytes that later
 * reads of the turn fill; a shorter read emptied the kernel's buffer and goes out in a frame of
 * its own size.
 */
const NODE_READ_BYTES = 64 * 1024;
/**
 * Outgoing sockets read with `onread` into one buffer shared by all of them (a read is copied
 * out, into a DATA frame or held, before the callback returns, and the next read of any socket
 * starts only after that). Against 'data' events this saves a buffer allocation, a stream event
 * and 3 of 4 read calls per 256 KiB: the bulk of a download comes in on outgoing sockets.
 */
const LENT_READ_BYTES = 256 * 1024;
let lentReadBuffer: Buffer | undefined;

export class TcpStream implements BudgetWaiter, PendingFlusher {
  readonly type = 'tcp';
  /** Bytes we may still send to the browser. */
  private sendCredit: number;
  /** Bytes sent to the browser and not yet credited back (counted in the budget). */
  private unacked = 0;
  /** Read chunks waiting for credit, in order. */
  private held: Uint8Array[] = [];
  private heldBytes = 0;
  /**
   * The DATA frame being filled from this turn's reads (header written, payload from byte 5),
   * sent when full or at the end of the turn: fewer, larger messages for the browser, whose
   * cost is per message (and per BitTorrent message straddling two of them).
   */
  private pending: Buffer | undefined;
  private pendingBytes = 0;
  private readonly receive: ReceiveWindow;
  /** Browser bytes written while Node's buffer was full: credited on 'drain'. */
  private awaitingDrain = 0;
  private socketPaused = false;
  private corked = false;
  private remoteEnded = false;
  private endSent = false;
  private closing: { kind: CloseKind; message: string } | undefined;
  private error: unknown;
  private clientEnded = false;
  private gone = false;
  private graceTimer: NodeJS.Timeout | undefined;

  /** A read of this many bytes filled the read buffer: more is probably waiting. */
  private readonly fullRead: number;

  /** `lentReads`: the socket was made by connectTcp with `onread`, which calls onLentRead. */
  constructor(
    private readonly ctx: StreamContext,
    readonly id: number,
    private readonly socket: Socket,
    private readonly lentReads = false,
  ) {
    this.sendCredit = ctx.clientWindow;
    this.receive = new ReceiveWindow(ctx.limits.streamWindowBytes);
    this.fullRead = lentReads ? LENT_READ_BYTES : NODE_READ_BYTES;
    socket.setNoDelay(true);
    if (!lentReads) socket.on('data', (chunk: Buffer) => this.onSocketData(chunk));
    socket.on('drain', () => this.onDrain());
    socket.on('end', () => {
      this.remoteEnded = true;
      this.flow();
    });
    socket.on('error', (error: Error) => {
      this.error ??= error;
    });
    socket.on('close', () => {
      clearTimeout(this.graceTimer);
      this.closing = this.error === undefined ? { kind: 'none', message: '' } : closeReason(this.error, 'connection failed');
      this.flow();
    });
  }

  /** Bytes this stream holds in host memory (stats and tests). */
  bufferedBytes(): number {
    return this.heldBytes + this.socket.readableLength + this.socket.writableLength;
  }

  // ---- browser → host

  data(data: Uint8Array): void {
    this.receive.received(data.length, this.id);
    if (this.clientEnded) throw new RelayProtocolError(`stream ${this.id} sent DATA after END`);
    if (this.socket.destroyed) return; // the CLOSE we send (or sent) tells the browser
    this.corkForThisTick();
    // The view points into the WebSocket message, which nobody else reuses: Node may keep it.
    if (this.socket.write(data) && this.awaitingDrain === 0) this.grant(this.receive.consumed(data.length));
    else this.awaitingDrain += data.length;
  }

  /**
   * A BATCH from the browser often holds several small DATA frames for one stream (the
   * engine's REQUESTs): corked until the message is dispatched, they leave in one write.
   */
  private corkForThisTick(): void {
    if (this.corked) return;
    this.corked = true;
    this.socket.cork();
    process.nextTick(() => {
      this.corked = false;
      this.socket.uncork();
    });
  }

  end(): void {
    this.clientEnded = true;
    this.socket.end();
    this.graceTimer = setTimeout(() => this.socket.destroy(), this.ctx.limits.closeGraceMs);
    this.graceTimer.unref();
  }

  credit(bytes: number): void {
    this.sendCredit += bytes;
    const refund = Math.min(bytes, this.unacked);
    this.unacked -= refund;
    this.ctx.budget.refund(refund);
    this.flow();
  }

  /** The browser closed the stream, or the connection is gone: drop everything, send nothing. */
  abort(): void {
    if (this.gone) return;
    this.gone = true;
    clearTimeout(this.graceTimer);
    this.held = [];
    this.heldBytes = 0;
    this.pending = undefined;
    this.ctx.budget.forget(this);
    this.ctx.budget.refund(this.unacked);
    this.unacked = 0;
    this.socket.destroy();
  }

  budgetAvailable(): void {
    this.flow();
  }

  // ---- host → browser

  /** `n` bytes read into the shared buffer, lent for this call only: what is held is copied. */
  onLentRead(buffer: Buffer, n: number): void {
    this.onSocketData(buffer.subarray(0, n));
  }

  private onSocketData(chunk: Buffer): void {
    if (this.gone) return;
    const view = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length);
    if (this.held.length > 0) this.hold(this.lentReads ? view.slice() : view);
    else {
      const sent = this.sendWithinCredit(view);
      if (sent < view.length) this.hold(this.lentReads ? view.slice(sent) : view.subarray(sent));
    }
    if (!this.canSend() || this.held.length > 0) this.pauseSocket();
  }

  /** Send what credit allows (held chunks first), then END/CLOSE once nothing is held. */
  private flow(): void {
    if (this.gone) return;
    while (this.held.length > 0 && this.canSend()) {
      const chunk = this.held[0]!;
      const sent = this.sendWithinCredit(chunk);
      this.heldBytes -= sent;
      if (sent === chunk.length) this.held.shift();
      else this.held[0] = chunk.subarray(sent);
    }
    if (this.held.length > 0) {
      this.pauseSocket();
      return;
    }
    if ((this.remoteEnded && !this.endSent) || this.closing) this.flushPending();
    if (this.remoteEnded && !this.endSent) {
      this.endSent = true;
      this.ctx.send(encodeFrame({ op: Op.END, stream: this.id }));
    }
    if (this.closing) {
      this.gone = true;
      this.ctx.budget.forget(this);
      // Credit for bytes in flight will never come for a forgotten stream.
      this.ctx.budget.refund(this.unacked);
      this.unacked = 0;
      this.ctx.closeStream(this.id, this.closing.kind, this.closing.message);
      return;
    }
    if (this.canSend()) this.resumeSocket();
    else this.pauseSocket();
  }

  private canSend(): boolean {
    if (this.sendCredit <= 0) return false;
    if (!this.ctx.budget.exhausted) return true;
    this.ctx.budget.wait(this);
    return false;
  }

  /** Returns how many bytes of `chunk` were framed as DATA (sent, or in the pending frame). */
  private sendWithinCredit(chunk: Uint8Array): number {
    let offset = 0;
    while (offset < chunk.length && this.canSend()) {
      const left = chunk.length - offset;
      if (!this.pending) {
        const room = Math.min(this.sendCredit, this.ctx.limits.maxDataBytes);
        const size = HEADER_BYTES + (left >= this.fullRead ? room : Math.min(room, left));
        // Unzeroed: every byte sent is written below, so zero-filling would be wasted work.
        this.pending = size === this.ctx.frames.frameBytes ? this.ctx.frames.take() : Buffer.allocUnsafe(size);
        this.pendingBytes = 0;
        writeDataHeader(this.pending, this.id);
      }
      const n = Math.min(left, this.pending.length - HEADER_BYTES - this.pendingBytes);
      this.pending.set(chunk.subarray(offset, offset + n), HEADER_BYTES + this.pendingBytes);
      this.pendingBytes += n;
      this.sendCredit -= n;
      this.unacked += n;
      this.ctx.budget.spend(n);
      offset += n;
      if (HEADER_BYTES + this.pendingBytes === this.pending.length) this.flushPending();
    }
    if (this.pending) this.ctx.deferFlush(this);
    return offset;
  }

  /** Sends the DATA frame being filled, if any (end of turn, before END/CLOSE, when full). */
  flushPending(): void {
    const frame = this.pending;
    if (!frame || this.gone) return;
    this.pending = undefined;
    if (this.pendingBytes > 0) this.ctx.send(frame.subarray(0, HEADER_BYTES + this.pendingBytes));
  }

  private hold(chunk: Uint8Array): void {
    this.held.push(chunk);
    this.heldBytes += chunk.length;
  }

  private pauseSocket(): void {
    if (this.socketPaused) return;
    this.socketPaused = true;
    this.socket.pause();
  }

  private resumeSocket(): void {
    if (!this.socketPaused) return;
    this.socketPaused = false;
    this.socket.resume();
  }

  private onDrain(): void {
    if (this.awaitingDrain === 0 || this.gone) return;
    // Node's buffer is empty: credit back everything (consumed() may itself return a batch).
    const granted = this.receive.consumed(this.awaitingDrain) + this.receive.flush();
    this.awaitingDrain = 0;
    this.grant(granted);
  }

  private grant(bytes: number): void {
    if (bytes > 0 && !this.gone) this.ctx.send(encodeFrame({ op: Op.CREDIT, stream: this.id, bytes }));
  }
}

/** Opens an outgoing connection; `onConnected` runs once, before any DATA is read. */
export function connectTcp(
  ctx: StreamContext,
  id: number,
  host: string,
  port: number,
  timeoutMs: number,
): { stream: TcpStream; abortConnect(): void } {
  const buffer = (lentReadBuffer ??= Buffer.allocUnsafe(LENT_READ_BYTES));
  let stream: TcpStream | undefined;
  // highWaterMark reaches the stream.Duplex constructor; @types/node 20 does not list it.
  const options: NetConnectOpts & { highWaterMark: number } = {
    host,
    port,
    noDelay: true,
    highWaterMark: SOCKET_HIGH_WATER_MARK,
    // true: keep reading; the stream pauses the socket itself when credit runs out.
    onread: { buffer, callback: (n: number) => (stream?.onLentRead(buffer, n), true) },
  };
  const socket = createConnection(options);
  // Nothing is read before CONNECTED is sent.
  socket.pause();
  stream = new TcpStream(ctx, id, socket, true);
  let settled = false;
  const timer = setTimeout(() => {
    if (settled) return;
    settled = true;
    socket.removeAllListeners('close');
    socket.on('error', () => undefined);
    socket.destroy();
    ctx.closeStream(id, 'timeout', `connecting to ${host}:${port} timed out after ${timeoutMs} ms`);
  }, timeoutMs);
  const onEarlyError = (error: Error): void => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    socket.removeAllListeners('close');
    socket.on('error', () => undefined);
    const reason = closeReason(error, `cannot connect to ${host}:${port}`);
    ctx.closeStream(id, reason.kind, reason.message);
  };
  socket.once('error', onEarlyError);
  socket.once('connect', () => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    socket.off('error', onEarlyError);
    ctx.send(encodeFrame({ op: Op.CONNECTED, stream: id, port: socket.remotePort ?? port, address: normalizeAddress(socket.remoteAddress ?? host) }));
    socket.resume();
  });
  return {
    stream,
    abortConnect: () => {
      settled = true;
      clearTimeout(timer);
    },
  };
}

export class TcpListenerStream {
  readonly type = 'listener';
  private gone = false;

  private constructor(
    readonly id: number,
    private readonly server: Server,
  ) {}

  /** Resolves once listening; rejects with the listen error. */
  static listen(ctx: StreamContext, id: number, host: string, port: number): Promise<{ listener: TcpListenerStream; port: number }> {
    return new Promise((resolve, reject) => {
      const server = createServer({ noDelay: true, highWaterMark: SOCKET_HIGH_WATER_MARK } as Parameters<typeof createServer>[0]);
      const listener = new TcpListenerStream(id, server);
      server.on('connection', (socket: Socket) => {
        // A socket reset before we saw it has no address; a closed listener takes nothing.
        if (listener.gone || socket.remoteAddress === undefined) {
          socket.destroy();
          return;
        }
        ctx.accepted(id, socket);
      });
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        // Errors after listening (EMFILE on accept) must not crash the host; Node retries.
        server.on('error', () => undefined);
        const address = server.address();
        resolve({ listener, port: typeof address === 'object' && address ? address.port : port });
      });
    });
  }

  abort(): void {
    if (this.gone) return;
    this.gone = true;
    // Accepted connections are streams of their own and stay open.
    this.server.close();
  }
}
