/**
 * Per-stream flow control (docs/relay-protocol.md, "Flow control"). The receiver of a stream
 * owns a window: the sender may have at most that many bytes in flight that the receiver has
 * not yet consumed and credited back. Pure bookkeeping, shared by host and browser.
 */
import { RelayProtocolError } from './protocol.js';

export class ReceiveWindow {
  /** Bytes the sender may still send before our next CREDIT. */
  private remaining: number;
  /** Bytes consumed but not yet credited back (sent in batches to save frames). */
  private pendingGrant = 0;
  private readonly threshold: number;

  constructor(readonly window: number) {
    this.remaining = window;
    // Granting in quarters keeps the sender's pipe full (it still has three quarters) while
    // sending one CREDIT per quarter-window instead of one per DATA frame.
    this.threshold = Math.max(1, Math.floor(window / 4));
  }

  /** A DATA frame arrived; sending past the grant is a protocol violation. */
  received(bytes: number, stream: number): void {
    if (bytes > this.remaining) {
      throw new RelayProtocolError(`stream ${stream} sent ${bytes} bytes with only ${this.remaining} bytes of credit`);
    }
    this.remaining -= bytes;
  }

  /** The application took `bytes`; returns how many to credit back now (0: not yet). */
  consumed(bytes: number): number {
    this.pendingGrant += bytes;
    if (this.pendingGrant < this.threshold) return 0;
    return this.flush();
  }

  /** Credit back everything consumed so far. */
  flush(): number {
    const grant = this.pendingGrant;
    this.pendingGrant = 0;
    this.remaining += grant;
    return grant;
  }
}
