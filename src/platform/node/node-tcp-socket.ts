/** One TCP connection over node:net, seen as the engine's `TcpSocket`. */
import type { Socket } from 'node:net';
import type { Endpoint, TcpSocket, TcpSocketHandlers } from '../interfaces/net.js';
import { normalizeAddress } from './node-net-errors.js';

/**
 * A graceful close() waits for the remote to answer our FIN; a peer that never does would keep
 * the descriptor forever, so after this long the socket is destroyed.
 */
const CLOSE_GRACE_MS = 30_000;

export class NodeTcpSocket implements TcpSocket {
  readonly remote: Endpoint;
  private handlers: TcpSocketHandlers | undefined;
  /** Chunks that arrived before setHandlers(); only ever filled by the 'data' listener. */
  private early: Uint8Array[] = [];
  private userPaused = false;
  private closed = false;
  private closeError: Error | undefined;
  private closeDelivered = false;

  constructor(private readonly socket: Socket, fallback?: Endpoint) {
    // Paused until the engine installs handlers: bytes wait in the kernel / stream buffer and
    // TCP flow control pushes back on the peer, instead of us buffering without bound.
    socket.pause();
    socket.setNoDelay(true);
    this.remote = {
      host: normalizeAddress(socket.remoteAddress ?? fallback?.host ?? ''),
      port: socket.remotePort ?? fallback?.port ?? 0,
    };
    // Sockets created with `onread` (outgoing ones) call receive() instead of emitting 'data'.
    socket.on('data', (buf: Buffer) => this.receive(new Uint8Array(buf.buffer, buf.byteOffset, buf.length)));
    socket.on('drain', () => this.handlers?.drain?.());
    socket.on('error', (error: Error) => {
      this.closeError ??= error;
    });
    socket.on('close', () => {
      this.closed = true;
      this.deliverClose();
    });
  }

  /** A received chunk, lent for the call: kept (copied) only until handlers exist. */
  receive(chunk: Uint8Array): void {
    if (this.handlers) this.handlers.data(chunk);
    else this.early.push(chunk.slice());
  }

  get bufferedAmount(): number {
    return this.socket.writableLength;
  }

  write(data: Uint8Array): boolean {
    // Node keeps a reference to `data` until it is sent: callers must not reuse the buffer.
    if (this.socket.destroyed || this.socket.writableEnded) return false;
    return this.socket.write(data);
  }

  setHandlers(handlers: TcpSocketHandlers): void {
    this.handlers = handlers;
    const early = this.early;
    this.early = [];
    for (const chunk of early) {
      if (this.handlers !== handlers) return;
      handlers.data(chunk);
    }
    if (this.closed) this.deliverClose();
    else if (!this.userPaused) this.socket.resume();
  }

  pause(): void {
    this.userPaused = true;
    this.socket.pause();
  }

  resume(): void {
    this.userPaused = false;
    if (this.handlers && !this.closed) this.socket.resume();
  }

  close(): void {
    if (this.socket.destroyed) return;
    this.socket.end();
    // A paused socket never reads the peer's FIN, so let it flow until the close completes.
    this.socket.resume();
    const timer = setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS);
    timer.unref();
    this.socket.once('close', () => clearTimeout(timer));
  }

  destroy(): void {
    this.socket.destroy();
  }

  private deliverClose(): void {
    if (this.closeDelivered || !this.handlers) return;
    this.closeDelivered = true;
    this.handlers.close(this.closeError);
  }
}
