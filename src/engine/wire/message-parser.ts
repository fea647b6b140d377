/**
 * Incremental peer wire parser: bytes in (split anywhere, many messages per chunk), messages
 * out. Every declared length is checked against the id's rule (message-rules.ts) as soon as the
 * 5-byte header is in, before any payload is buffered.
 *
 * Zero copy where possible: a message that lies inside one pushed chunk is handed out as a
 * `subarray` view of that chunk, valid while the handler runs (chunks are lent by the socket,
 * which may reuse their memory). Bytes left over at the end of a push are copied into a buffer
 * of our own; a message that spans pushes is gathered into one buffer of exactly its size.
 */
import { TorrentError } from '../util/errors.js';
import { HANDSHAKE_LENGTH, isHandshakePrefix, parseHandshake, type Handshake } from './handshake.js';
import { wireLimits, type WireLimits } from './limits.js';
import { buildLengthTable, checkLength, decodeBody, isKnownId, type LengthTable } from './message-rules.js';
import type { WireMessage } from './messages.js';

export interface WireParserOptions {
  readonly limits?: Partial<WireLimits>;
  /** True on a fresh connection: the first 68 bytes are the BEP 3 handshake. */
  readonly expectHandshake: boolean;
  /** Called with the peer's handshake; throw from it to refuse the peer (e.g. wrong info hash). */
  readonly onHandshake?: (handshake: Handshake) => void;
  /** Enables bitfield length/spare-bit checks and piece index checks; see setPieceCount. */
  readonly pieceCount?: number;
}

const KEEP_ALIVE: WireMessage = Object.freeze({ type: 'keep-alive' });
/** Marks "no message header read yet". */
const NO_MESSAGE = -1;

export class WireParser {
  private readonly limits: WireLimits;
  private table: LengthTable;
  private pieceCount: number | undefined;
  private awaitingHandshake: boolean;

  /** Pending chunks from `head`; the first `offset` bytes of chunks[head] are consumed. */
  private chunks: Uint8Array[] = [];
  private head = 0;
  private offset = 0;
  private buffered = 0;

  /** Length prefix of the message being waited for, once validated; NO_MESSAGE otherwise. */
  private messageLength = NO_MESSAGE;
  /** Bytes of an unknown message still to be thrown away. */
  private skipping = 0;
  private failure: unknown = null;

  constructor(
    private readonly handler: (message: WireMessage) => void,
    private readonly options: WireParserOptions,
  ) {
    this.limits = wireLimits(options.limits);
    this.awaitingHandshake = options.expectHandshake;
    this.pieceCount = options.pieceCount;
    this.table = buildLengthTable(this.limits, this.pieceCount);
  }

  /** Known once metadata arrives (magnet links); turns on the index and bitfield checks. */
  setPieceCount(pieceCount: number): void {
    this.pieceCount = pieceCount;
    this.table = buildLengthTable(this.limits, pieceCount);
  }

  /** Bytes received but not yet part of a delivered message. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  /**
   * Feed bytes from the socket. Throws TorrentError('protocol') on a protocol violation; the
   * caller drops the peer. After any throw (the handler's included) the parser stays failed.
   */
  push(chunk: Uint8Array): void {
    if (this.failure !== null) throw new TorrentError('protocol', 'peer connection already failed a protocol check');
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    try {
      this.drain();
      this.retainRemainder();
    } catch (error) {
      this.failure = error;
      this.chunks = [];
      this.buffered = 0;
      throw error;
    }
  }

  private drain(): void {
    for (;;) {
      if (this.skipping > 0) {
        const n = Math.min(this.skipping, this.buffered);
        this.discard(n);
        this.skipping -= n;
        if (this.skipping > 0) return;
      }
      if (this.awaitingHandshake) {
        if (!this.readHandshake()) return;
        continue;
      }
      if (this.messageLength === NO_MESSAGE && !this.readHeader()) return;
      if (this.messageLength === NO_MESSAGE) continue; // keep-alive or skipped unknown id
      if (this.buffered < this.messageLength) return;
      const body = this.take(this.messageLength);
      this.messageLength = NO_MESSAGE;
      this.handler(decodeBody(body, this.limits, this.pieceCount));
    }
  }

  private readHandshake(): boolean {
    if (this.buffered < HANDSHAKE_LENGTH) {
      if (this.buffered === 0) return false;
      // Fail at once on junk instead of waiting for 68 bytes that may never come.
      if (!isHandshakePrefix(this.peek(Math.min(this.buffered, 20)))) {
        throw new TorrentError('protocol', 'peer did not send a BitTorrent handshake (wrong protocol string)');
      }
      return false;
    }
    const handshake = parseHandshake(this.take(HANDSHAKE_LENGTH));
    this.awaitingHandshake = false;
    this.options.onHandshake?.(handshake);
    return true;
  }

  /**
   * Read and validate the length prefix and id. Returns false if more bytes are needed. On
   * return true, messageLength is set (body pending) or still NO_MESSAGE (keep-alive, skip).
   */
  private readHeader(): boolean {
    if (this.buffered < 4) return false;
    const header = this.peek(this.buffered >= 5 ? 5 : 4);
    const length = ((header[0]! << 24) >>> 0) + ((header[1]! << 16) | (header[2]! << 8) | header[3]!);
    if (length === 0) {
      this.discard(4);
      this.handler(KEEP_ALIVE);
      return true;
    }
    if (length > this.limits.maxMessageLength) {
      throw new TorrentError(
        'protocol',
        `peer announced a ${length}-byte message; the limit is ${this.limits.maxMessageLength}`,
      );
    }
    if (header.length < 5) return false;
    const id = header[4]!;
    this.discard(4);
    if (!isKnownId(this.table, id)) {
      this.skipping = length;
      return true;
    }
    const problem = checkLength(this.table, id, length);
    if (problem !== null) throw new TorrentError('protocol', problem);
    this.messageLength = length;
    return true;
  }

  /**
   * Chunks are only lent for the duration of push() (the Node adapter reads every packet into
   * one reused buffer: no allocation per read). What is left of them is copied, once, here.
   */
  private retainRemainder(): void {
    if (this.buffered === 0) {
      this.chunks.length = 0;
      this.head = 0;
      this.offset = 0;
      return;
    }
    const rest = this.gather(this.buffered, false);
    this.chunks = [rest];
    this.head = 0;
    this.offset = 0;
  }

  /** The next `n` buffered bytes without consuming them (a view when they are contiguous). */
  private peek(n: number): Uint8Array {
    const first = this.chunks[this.head]!;
    if (first.length - this.offset >= n) return first.subarray(this.offset, this.offset + n);
    return this.gather(n, false);
  }

  /** Consume the next `n` buffered bytes (n <= buffered). */
  private take(n: number): Uint8Array {
    const first = this.chunks[this.head]!;
    const start = this.offset;
    if (first.length - start >= n) {
      this.advance(first, n);
      return first.subarray(start, start + n);
    }
    return this.gather(n, true);
  }

  /** Copy `n` bytes spanning several chunks into one new buffer. */
  private gather(n: number, consume: boolean): Uint8Array {
    const out = new Uint8Array(n);
    let filled = 0;
    let index = this.head;
    let offset = this.offset;
    while (filled < n) {
      const chunk = this.chunks[index]!;
      const count = Math.min(chunk.length - offset, n - filled);
      out.set(chunk.subarray(offset, offset + count), filled);
      filled += count;
      index++;
      offset = 0;
    }
    if (consume) this.discard(n);
    return out;
  }

  private discard(n: number): void {
    while (n > 0) {
      const chunk = this.chunks[this.head]!;
      const count = Math.min(chunk.length - this.offset, n);
      this.advance(chunk, count);
      n -= count;
    }
  }

  private advance(chunk: Uint8Array, n: number): void {
    this.offset += n;
    this.buffered -= n;
    if (this.offset < chunk.length) return;
    // Chunk used up: drop our reference (views handed out keep it alive if needed).
    this.offset = 0;
    this.head++;
    if (this.head === this.chunks.length) {
      this.chunks.length = 0;
      this.head = 0;
    } else if (this.head > 64) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }
}
