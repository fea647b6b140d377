/** What a host stream needs from the connection that owns it. */
import type { Socket } from 'node:net';
import type { RelayLimits } from '../src/relay/limits.js';
import type { CloseKind } from '../src/relay/protocol.js';
import { toNetError } from '../src/platform/node/node-net-errors.js';
import type { HostLog } from './log.js';
import type { SendBudget } from './send-budget.js';
import type { FramePool } from './frame-pool.js';

/** A stream filling a DATA frame from several socket reads of one turn. */
export interface PendingFlusher {
  flushPending(): void;
}

export interface StreamContext {
  readonly limits: RelayLimits;
  /** The browser's per-stream receive window, from its HELLO. */
  readonly clientWindow: number;
  readonly budget: SendBudget;
  readonly log: HostLog;
  /** Buffers for full-size DATA frames; a frame from here goes back once written. */
  readonly frames: FramePool;
  /** Queue one frame on the WebSocket (in order; small ones leave batched at the end of the turn). */
  send(frame: Uint8Array): void;
  /** Call `stream.flushPending()` at the end of this turn, before the batched frames leave. */
  deferFlush(stream: PendingFlusher): void;
  /** Bytes the WebSocket has queued and not yet written to its socket. */
  wsBufferedAmount(): number;
  /** Send CLOSE for a stream and forget it. */
  closeStream(id: number, kind: CloseKind, message: string): void;
  /** Forget a stream without telling the browser (it closed it, or the connection is gone). */
  forget(id: number): void;
  /** A listener accepted a socket: give it a host stream id and announce it. */
  accepted(listener: number, socket: Socket): void;
}

/** Node error → CLOSE kind and message (the error's own text, nothing else). */
export function closeReason(error: unknown, what: string): { kind: CloseKind; message: string } {
  const netError = toNetError(error, what);
  return { kind: netError.kind, message: netError.message };
}
