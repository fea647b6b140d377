/**
 * Several frames in one WebSocket message (relay protocol 2, docs/relay-protocol.md "BATCH").
 * Each message costs a task, an allocation and an event on the receiving side, and a send()
 * call on the sending one; the engine's small writes (REQUESTs, 17 bytes each) and the credits
 * returned for each DATA frame made one message each. A BATCH wraps the frames one side
 * produces in one turn of its event loop:
 *
 *   op u8 = BATCH | stream u32 = 0 | { length u32, frame (length bytes) }+
 *
 * Large frames (a full DATA) still travel alone: wrapping them would cost a copy and save
 * nothing. HELLO and HELLO_OK never travel in a BATCH, nor does a BATCH in a BATCH.
 */
import { readUint32BE, writeUint32BE } from '../engine/util/bytes.js';
import type { RelayLimits } from './limits.js';
import { decodeFrame, HEADER_BYTES, Op, RelayProtocolError, type Frame, type Sender } from './protocol.js';

/** Bytes before each frame inside a BATCH: its length. */
export const BATCH_ENTRY_HEADER_BYTES = 4;

/**
 * Decode one WebSocket message: a single frame, or a BATCH of them, each handed to `visit` in
 * order. A malformed entry throws RelayProtocolError (frames before it were already visited;
 * the connection closes either way). DATA payloads are views of `bytes`.
 */
export function decodeMessage(bytes: Uint8Array, from: Sender, limits: RelayLimits, visit: (frame: Frame) => void): void {
  if (bytes.length === 0 || bytes[0] !== Op.BATCH) {
    visit(decodeFrame(bytes, from, limits));
    return;
  }
  if (bytes.length > limits.maxFrameBytes) throw new RelayProtocolError(`BATCH of ${bytes.length} bytes exceeds the ${limits.maxFrameBytes}-byte limit`);
  if (bytes.length < HEADER_BYTES + BATCH_ENTRY_HEADER_BYTES + HEADER_BYTES) throw new RelayProtocolError(`BATCH of ${bytes.length} bytes holds no frame`);
  if (readUint32BE(bytes, 1) !== 0) throw new RelayProtocolError('BATCH must use stream 0');
  let at = HEADER_BYTES;
  while (at < bytes.length) {
    if (bytes.length - at < BATCH_ENTRY_HEADER_BYTES) throw new RelayProtocolError(`BATCH ends inside an entry's length at byte ${at}`);
    const length = readUint32BE(bytes, at);
    at += BATCH_ENTRY_HEADER_BYTES;
    if (length > bytes.length - at) throw new RelayProtocolError(`BATCH entry of ${length} bytes overruns the message at byte ${at}`);
    const op = bytes[at];
    if (op === Op.BATCH || op === Op.HELLO || op === Op.HELLO_OK) throw new RelayProtocolError(`BATCH must not contain op 0x${op.toString(16)}`);
    visit(decodeFrame(bytes.subarray(at, at + length), from, limits));
    at += length;
  }
}

/** One BATCH message holding `frames` (already encoded), `entryBytes` = Σ (4 + frame.length). */
export function encodeBatch(frames: readonly Uint8Array[], entryBytes: number): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES + entryBytes);
  out[0] = Op.BATCH;
  let at = HEADER_BYTES;
  for (const frame of frames) {
    writeUint32BE(out, at, frame.length);
    out.set(frame, at + BATCH_ENTRY_HEADER_BYTES);
    at += BATCH_ENTRY_HEADER_BYTES + frame.length;
  }
  return out;
}

export interface FrameBatcherOptions {
  /** Sends one WebSocket message. */
  sendMessage(message: Uint8Array): void;
  /** Arranges for flush() to be called once the current turn's frames are all queued. */
  schedule(): void;
  /** Largest message the receiver accepts (its maxFrameBytes). */
  maxMessageBytes: number;
  /** Frames at least this long are sent alone, unwrapped (no copy). */
  aloneFromBytes: number;
}

/**
 * Collects the frames of one turn and sends them as one message at flush(); order is kept
 * (a frame sent alone first flushes what is waiting). A lone frame goes out unwrapped.
 */
export class FrameBatcher {
  private frames: Uint8Array[] = [];
  private entryBytes = 0;
  private scheduled = false;

  constructor(private readonly options: FrameBatcherOptions) {}

  /** Frames waiting for flush() (tests; diagnostics). */
  get waiting(): number {
    return this.frames.length;
  }

  send(frame: Uint8Array): void {
    if (frame.length >= this.options.aloneFromBytes) {
      this.sendAlone(frame);
      return;
    }
    const entry = BATCH_ENTRY_HEADER_BYTES + frame.length;
    if (HEADER_BYTES + this.entryBytes + entry > this.options.maxMessageBytes) this.flush();
    this.frames.push(frame);
    this.entryBytes += entry;
    if (!this.scheduled) {
      this.scheduled = true;
      this.options.schedule();
    }
  }

  /** After everything waiting, `frame` as its own message (the hello, large DATA). */
  sendAlone(frame: Uint8Array): void {
    this.flush();
    this.options.sendMessage(frame);
  }

  flush(): void {
    this.scheduled = false;
    const frames = this.frames;
    if (frames.length === 0) return;
    const entryBytes = this.entryBytes;
    this.frames = [];
    this.entryBytes = 0;
    this.options.sendMessage(frames.length === 1 ? frames[0]! : encodeBatch(frames, entryBytes));
  }

  /** Forget what is waiting (the connection is gone). */
  clear(): void {
    this.frames = [];
    this.entryBytes = 0;
  }
}
