/**
 * Collects a socket's bytes while the MSE handshake runs and lets the handshake code await
 * exact lengths or a sync pattern. Bounded: at most `maxBufferedBytes` held, sync patterns are
 * only looked for within their padding window, and fail() (timeout, close) wakes any waiter.
 */
import type { TcpSocket } from '../../../platform/interfaces/index.js';
import { TorrentError } from '../../util/errors.js';
import { checkBuffered, type MseLimits } from './limits.js';

export class HandshakeReader {
  private buf = new Uint8Array(1024);
  private start = 0;
  private end = 0;
  private wake: (() => void) | undefined;
  private error: Error | undefined;

  constructor(
    socket: TcpSocket,
    private readonly limits: MseLimits,
  ) {
    socket.setHandlers({
      data: (chunk) => this.push(chunk),
      close: (error) =>
        this.fail(new TorrentError('network', `peer closed the connection${error ? ` (${error.message})` : ''}`)),
    });
  }

  get available(): number {
    return this.end - this.start;
  }

  /** The unread bytes, without consuming them (valid until the next await). */
  peek(): Uint8Array {
    return this.buf.subarray(this.start, this.end);
  }

  /** Stop: every pending and future wait rejects with `error`. The first error wins. */
  fail(error: Error): void {
    if (this.error) return;
    this.error = error;
    this.notify();
  }

  /** Wait until `ready(unread bytes)` holds. */
  async waitUntil(ready: (bytes: Uint8Array) => boolean): Promise<void> {
    while (!ready(this.peek())) await this.more();
  }

  /** The next n bytes, consumed (a copy the caller owns). */
  async read(n: number): Promise<Uint8Array> {
    while (this.available < n) await this.more();
    const out = this.buf.slice(this.start, this.start + n);
    this.start += n;
    return out;
  }

  /**
   * Skip up to `maxSkip` bytes until `pattern` is next, then consume the pattern too. Fails as
   * soon as more than maxSkip + pattern.length bytes arrived without it (MSE spec: the sync
   * point lies within the padding window).
   */
  async syncOn(pattern: Uint8Array, maxSkip: number, what: string): Promise<void> {
    let nextCandidate = 0;
    for (;;) {
      const lastCandidate = Math.min(this.available - pattern.length, maxSkip);
      for (let p = nextCandidate; p <= lastCandidate; p++) {
        if (this.matchesAt(pattern, this.start + p)) {
          this.start += p + pattern.length;
          return;
        }
      }
      nextCandidate = Math.max(nextCandidate, lastCandidate + 1);
      if (nextCandidate > maxSkip) {
        throw new TorrentError('protocol', `${what} not found within ${maxSkip} bytes of padding`);
      }
      await this.more();
    }
  }

  /** Everything unread, consumed: handed to the stream that follows the handshake. */
  takeRest(): Uint8Array {
    const rest = this.buf.slice(this.start, this.end);
    this.start = this.end;
    return rest;
  }

  private matchesAt(pattern: Uint8Array, at: number): boolean {
    for (let i = 0; i < pattern.length; i++) if (this.buf[at + i] !== pattern[i]) return false;
    return true;
  }

  private push(chunk: Uint8Array): void {
    if (this.error) return;
    const unread = this.available;
    try {
      checkBuffered(unread + chunk.length, this.limits);
    } catch (error) {
      this.fail(error as Error);
      return;
    }
    if (this.end + chunk.length > this.buf.length) {
      // Compact, and grow if still short: amortised O(1) per byte.
      if (unread + chunk.length <= this.buf.length) {
        this.buf.copyWithin(0, this.start, this.end);
      } else {
        const next = new Uint8Array((unread + chunk.length) * 2);
        next.set(this.buf.subarray(this.start, this.end));
        this.buf = next;
      }
      this.start = 0;
      this.end = unread;
    }
    // A copy: the chunk is lent for this call only.
    this.buf.set(chunk, this.end);
    this.end += chunk.length;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private async more(): Promise<void> {
    if (this.error) throw this.error;
    await new Promise<void>((resolve) => {
      this.wake = resolve;
    });
    if (this.error) throw this.error;
  }
}
