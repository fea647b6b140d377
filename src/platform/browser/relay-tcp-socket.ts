/**
 * One relayed TCP connection, seen as the engine's `TcpSocket` (docs/relay-protocol.md).
 * Flow control: we send DATA only within the host's credit (the rest waits here and counts in
 * `bufferedAmount`); we return credit for received bytes only once the engine has taken them,
 * so pause() stops the host reading from the peer once our window is full.
 */
import { NetError, type Endpoint, type TcpSocket, type TcpSocketHandlers } from '../interfaces/net.js';
import { ReceiveWindow } from '../../relay/credit.js';
import { encodeData, encodeFrame, Op, type CloseKind } from '../../relay/protocol.js';

/** What a relayed socket needs from the connection that carries it. */
export interface RelayLink {
  send(frame: Uint8Array): void;
  forget(id: number): void;
  /** Largest DATA payload the host accepts. */
  readonly maxData: number;
}

export class RelayTcpSocket implements TcpSocket {
  private handlers: TcpSocketHandlers | undefined;
  /** Bytes the host lets us send before its next CREDIT. */
  private sendCredit: number;
  /** write() data waiting for credit; the caller must not reuse these buffers (as with Node). */
  private outbox: Uint8Array[] = [];
  private outboxBytes = 0;
  private wantDrain = false;
  private ending = false;
  private endSent = false;
  /** Received data not yet delivered (paused, or no handlers yet): views of fresh messages. */
  private inbox: Uint8Array[] = [];
  private paused = false;
  private readonly receiveWindow: ReceiveWindow;
  private closed = false;
  private closeError: Error | undefined;
  private closeDelivered = false;

  constructor(
    private readonly link: RelayLink,
    readonly id: number,
    readonly remote: Endpoint,
    hostWindow: number,
    ourWindow: number,
    private readonly highWaterMark: number,
  ) {
    this.sendCredit = hostWindow;
    this.receiveWindow = new ReceiveWindow(ourWindow);
  }

  get bufferedAmount(): number {
    return this.outboxBytes;
  }

  write(data: Uint8Array): boolean {
    if (this.closed || this.ending) return false;
    if (data.length === 0) return this.outboxBytes < this.highWaterMark;
    if (this.outbox.length === 0) {
      const sent = this.sendWithinCredit(data);
      if (sent < data.length) this.queue(data.subarray(sent));
    } else {
      this.queue(data);
    }
    if (this.outboxBytes < this.highWaterMark) return true;
    this.wantDrain = true;
    return false;
  }

  setHandlers(handlers: TcpSocketHandlers): void {
    this.handlers = handlers;
    this.deliverInbox();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.deliverInbox();
  }

  close(): void {
    if (this.closed || this.ending) return;
    this.ending = true;
    this.sendEndIfFlushed();
  }

  destroy(): void {
    if (this.closed) return;
    this.link.send(encodeFrame({ op: Op.CLOSE, stream: this.id, kind: 'none', message: '' }));
    this.link.forget(this.id);
    this.markClosed(undefined);
    this.inbox = [];
    // Like Node's 'close', the handler runs after destroy() returns, not inside it.
    queueMicrotask(() => this.deliverClose());
  }

  // ---- frames from the host (called by RelayNetwork)

  onData(data: Uint8Array): void {
    this.receiveWindow.received(data.length, this.id);
    if (this.closed) return;
    if (this.handlers && !this.paused && this.inbox.length === 0) {
      this.handlers.data(data);
      this.grant(this.receiveWindow.consumed(data.length));
    } else {
      this.inbox.push(data);
    }
  }

  onCredit(bytes: number): void {
    this.sendCredit += bytes;
    while (this.outbox.length > 0 && this.sendCredit > 0) {
      const chunk = this.outbox[0]!;
      const sent = this.sendWithinCredit(chunk);
      this.outboxBytes -= sent;
      if (sent === chunk.length) this.outbox.shift();
      else this.outbox[0] = chunk.subarray(sent);
    }
    this.sendEndIfFlushed();
    if (this.wantDrain && this.outboxBytes === 0 && !this.closed) {
      this.wantDrain = false;
      this.handlers?.drain?.();
    }
  }

  /** The host closed the stream: after queued data if orderly, at once on an error. */
  onClose(kind: CloseKind, message: string): void {
    if (this.closed) return;
    this.link.forget(this.id);
    const error = kind === 'none' ? undefined : new NetError(kind, message || `connection ${kind}`);
    this.markClosed(error);
    if (error) this.inbox = [];
    this.deliverInbox();
  }

  /** The relay connection is gone: close at once with `error`. */
  onLost(error: NetError): void {
    if (this.closed) return;
    this.markClosed(error);
    this.inbox = [];
    this.deliverClose();
  }

  private sendWithinCredit(chunk: Uint8Array): number {
    let offset = 0;
    while (offset < chunk.length && this.sendCredit > 0) {
      const n = Math.min(chunk.length - offset, this.sendCredit, this.link.maxData);
      this.link.send(encodeData(this.id, chunk.subarray(offset, offset + n)));
      this.sendCredit -= n;
      offset += n;
    }
    return offset;
  }

  private queue(chunk: Uint8Array): void {
    this.outbox.push(chunk);
    this.outboxBytes += chunk.length;
  }

  private sendEndIfFlushed(): void {
    if (!this.ending || this.endSent || this.closed || this.outbox.length > 0) return;
    this.endSent = true;
    this.link.send(encodeFrame({ op: Op.END, stream: this.id }));
  }

  private deliverInbox(): void {
    while (this.handlers && !this.paused && this.inbox.length > 0) {
      const chunk = this.inbox.shift()!;
      this.handlers.data(chunk);
      if (!this.closed) this.grant(this.receiveWindow.consumed(chunk.length));
    }
    if (this.closed && this.inbox.length === 0) this.deliverClose();
  }

  private grant(bytes: number): void {
    if (bytes > 0) this.link.send(encodeFrame({ op: Op.CREDIT, stream: this.id, bytes }));
  }

  private markClosed(error: Error | undefined): void {
    this.closed = true;
    this.closeError = error;
    this.outbox = [];
    this.outboxBytes = 0;
  }

  private deliverClose(): void {
    if (this.closeDelivered || !this.handlers) return;
    this.closeDelivered = true;
    this.handlers.close(this.closeError);
  }
}
