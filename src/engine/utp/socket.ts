/**
 * The application's view of a uTP connection, with TcpSocket semantics
 * (src/platform/interfaces/net.ts): chunks lent for the call, write() false past the high-water
 * mark then 'drain', pause() holds data (and shrinks the advertised window), close() sends a FIN
 * after queued data, destroy() a RESET, the close handler runs once and never inside a call.
 */
import type { Endpoint, TcpSocket, TcpSocketHandlers } from '../../platform/interfaces/index.js';
import type { Clock } from '../util/clock.js';
import type { UtpLimits } from './limits.js';

/** What the socket asks of its connection. */
export interface SocketHooks {
  /** Send what the windows allow; `fromWrite` = called inside write() (full packets only). */
  flush(fromWrite: boolean): void;
  close(): void;
  destroy(): void;
  /** Buffered data was read: tell the peer our window opened. */
  windowOpened(): void;
}

export class UtpSocket implements TcpSocket {
  private handlers: TcpSocketHandlers | undefined;
  private readonly unsent: Uint8Array[] = [];
  /** Bytes of unsent[0] already packetized. */
  private unsentOffset = 0;
  unsentBytes = 0;
  private inbox: Uint8Array[] = [];
  inboxBytes = 0;
  private paused = false;
  private needDrain = false;
  /** close() was called: a FIN follows the queued data. */
  closing = false;
  private finished = false;
  private closeError: Error | undefined;
  private closeDelivered = false;
  private deliverScheduled = false;
  private flushScheduled = false;

  constructor(
    readonly remote: Endpoint,
    private readonly clock: Clock,
    private readonly limits: UtpLimits,
    private readonly hooks: SocketHooks,
  ) {}

  get bufferedAmount(): number {
    return this.unsentBytes;
  }

  write(data: Uint8Array): boolean {
    if (this.closing || this.finished) return false;
    if (data.length > 0) {
      // A copy: the caller may reuse its buffer as soon as we return.
      this.unsent.push(data.slice());
      this.unsentBytes += data.length;
      this.hooks.flush(true);
      this.scheduleFlush();
    }
    if (this.unsentBytes >= this.limits.sendHighWaterMark) {
      this.needDrain = true;
      return false;
    }
    return true;
  }

  setHandlers(handlers: TcpSocketHandlers): void {
    this.handlers = handlers;
    this.scheduleDeliver();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.scheduleDeliver();
  }

  close(): void {
    if (this.closing || this.finished) return;
    this.closing = true;
    this.hooks.close();
  }

  destroy(): void {
    if (this.finished) return;
    this.hooks.destroy();
  }

  /** Connection side: in-order payload (a view, valid for this call only). */
  receive(chunk: Uint8Array): void {
    if (this.finished) return;
    if (this.handlers && !this.paused && this.inbox.length === 0) {
      this.handlers.data(chunk);
      return;
    }
    this.inbox.push(chunk.slice());
    this.inboxBytes += chunk.length;
  }

  /** Connection side: the next `size` unsent bytes, as one packet payload. */
  takeUnsent(size: number): Uint8Array {
    const head = this.unsent[0]!;
    if (this.unsentOffset === 0 && head.length === size) {
      this.unsent.shift();
      this.unsentBytes -= size;
      return head;
    }
    const out = new Uint8Array(size);
    let filled = 0;
    while (filled < size) {
      const chunk = this.unsent[0]!;
      const take = Math.min(size - filled, chunk.length - this.unsentOffset);
      out.set(chunk.subarray(this.unsentOffset, this.unsentOffset + take), filled);
      filled += take;
      this.unsentOffset += take;
      if (this.unsentOffset === chunk.length) {
        this.unsent.shift();
        this.unsentOffset = 0;
      }
    }
    this.unsentBytes -= size;
    return out;
  }

  /** Connection side: fire 'drain' once the queue fell below half the high-water mark. */
  checkDrain(): void {
    if (!this.needDrain || this.closing || this.finished) return;
    if (this.unsentBytes >= this.limits.sendHighWaterMark / 2) return;
    this.needDrain = false;
    this.handlers?.drain?.();
  }

  /**
   * Connection side: the connection is over. A clean end (the peer's FIN) still hands over the
   * data already received; a reset or destroy() drops it.
   */
  finish(error: Error | undefined, keepReceived: boolean): void {
    if (this.finished) return;
    this.finished = true;
    this.closeError = error;
    this.unsent.length = 0;
    this.unsentBytes = 0;
    if (!keepReceived) {
      this.inbox = [];
      this.inboxBytes = 0;
    }
    this.scheduleDeliver();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    this.clock.setTimeout(() => {
      this.flushScheduled = false;
      if (!this.finished) this.hooks.flush(false);
    }, 0);
  }

  /** Held data and the close are delivered from a timer, never inside the caller's own call. */
  private scheduleDeliver(): void {
    if (this.deliverScheduled) return;
    this.deliverScheduled = true;
    this.clock.setTimeout(() => {
      this.deliverScheduled = false;
      this.deliverHeld();
    }, 0);
  }

  private deliverHeld(): void {
    const handlers = this.handlers;
    if (!handlers) return;
    let delivered = 0;
    while (this.inbox.length > 0 && !this.paused && this.handlers === handlers) {
      const chunk = this.inbox.shift()!;
      this.inboxBytes -= chunk.length;
      delivered += chunk.length;
      handlers.data(chunk);
    }
    if (delivered > 0 && !this.finished) this.hooks.windowOpened();
    if (this.finished && this.inbox.length === 0 && !this.closeDelivered) {
      this.closeDelivered = true;
      handlers.close(this.closeError);
    }
  }
}
