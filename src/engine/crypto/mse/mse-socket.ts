/**
 * The stream handed back after an MSE handshake: a TcpSocket decorator that RC4-encrypts what
 * is written and decrypts what is read (when RC4 was selected), and first replays the bytes the
 * handshake already read past its end (the initial payload, or a plaintext handshake sniffed by
 * the incoming side). With no ciphers it is a plain passthrough with that replay.
 */
import type { Endpoint, TcpSocket, TcpSocketHandlers } from '../../../platform/interfaces/index.js';
import type { Rc4 } from './rc4.js';

export class MseSocket implements TcpSocket {
  private handlers: TcpSocketHandlers | undefined;
  /** Plaintext bytes owned by us, waiting for handlers, resume() or an earlier chunk. */
  private readonly pending: Uint8Array[] = [];
  private pendingClose: { error: Error | undefined } | undefined;
  private closeDelivered = false;
  private paused = false;
  private flushScheduled = false;

  /**
   * @param encrypt keystream for bytes we send (null: plaintext)
   * @param decrypt keystream for bytes we receive (null: plaintext)
   * @param replay plaintext already read from `inner`, delivered before anything else
   */
  constructor(
    private readonly inner: TcpSocket,
    private readonly encrypt: Rc4 | null,
    private readonly decrypt: Rc4 | null,
    replay: Uint8Array,
  ) {
    if (replay.length > 0) this.pending.push(replay);
    inner.setHandlers({
      data: (chunk) => this.onData(chunk),
      drain: () => this.handlers?.drain?.(),
      close: (error) => this.onClose(error),
    });
  }

  get remote(): Endpoint {
    return this.inner.remote;
  }

  get bufferedAmount(): number {
    return this.inner.bufferedAmount;
  }

  write(data: Uint8Array): boolean {
    if (!this.encrypt) return this.inner.write(data);
    // Encrypt a copy: the caller may still hold (and the adapter still queue) its buffer.
    const out = data.slice();
    this.encrypt.process(out);
    return this.inner.write(out);
  }

  setHandlers(handlers: TcpSocketHandlers): void {
    this.handlers = handlers;
    this.scheduleFlush();
  }

  pause(): void {
    this.paused = true;
    this.inner.pause();
  }

  resume(): void {
    this.paused = false;
    this.inner.resume();
    this.scheduleFlush();
  }

  close(): void {
    this.inner.close();
  }

  destroy(): void {
    this.inner.destroy();
  }

  private onData(chunk: Uint8Array): void {
    // In place: the chunk is lent to us for this call, and nobody else reads it.
    if (this.decrypt) this.decrypt.process(chunk);
    if (this.handlers && !this.paused && this.pending.length === 0) {
      this.handlers.data(chunk);
      return;
    }
    // Before setHandlers, or a chunk still in flight when pause() was called: keep it, bounded
    // by what the adapter delivers after pause() (the inner socket is paused too).
    this.pending.push(chunk.slice());
  }

  private onClose(error: Error | undefined): void {
    this.pendingClose = { error };
    if (this.pending.length === 0) this.flush();
    else this.scheduleFlush();
  }

  /** Never re-enter the caller's setHandlers()/resume(): deliver on a microtask, in order. */
  private scheduleFlush(): void {
    if (this.flushScheduled || !this.handlers) return;
    this.flushScheduled = true;
    queueMicrotask(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.handlers && !this.paused && this.pending.length > 0) this.handlers.data(this.pending.shift()!);
    if (this.handlers && this.pending.length === 0 && this.pendingClose && !this.closeDelivered) {
      this.closeDelivered = true;
      this.handlers.close(this.pendingClose.error);
    }
  }
}
