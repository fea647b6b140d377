import type { PeerConnection } from '../peer/peer-connection.js';
import { encodePieceHeader, encodeReject } from '../wire/message-encoder.js';
import { errorMessage } from '../util/errors.js';
import type { TorrentContext } from './torrent-context.js';

/** Requests a peer may have queued with us (we advertise it as `reqq`, BEP 10). */
export const MAX_UPLOAD_QUEUE = 500;
/** Stop reading more blocks for a peer while this much waits in its socket's send buffer. */
const SEND_BUFFER_LIMIT = 1 << 20;
/** Block reads from storage in flight per peer. */
const READS_IN_FLIGHT = 4;

/** What the uploader needs of the fast extension (BEP 6). */
export interface UploadFastRules {
  readonly enabled: boolean;
  mayServeWhileChoked(index: number): boolean;
}

interface UploadRequest {
  index: number;
  begin: number;
  length: number;
}

/**
 * Serving one peer's REQUESTs: validate, queue, read from storage, send, and pace by the
 * upload limit and the socket's send buffer. With the fast extension every request gets exactly
 * one answer, a PIECE or a REJECT (BEP 6), and allowed-fast pieces are served while choked.
 */
export class PeerUploader {
  private queue: UploadRequest[] = [];
  private inFlight = 0;
  private heldUntil = 0;
  private choked = true;

  constructor(
    private readonly conn: PeerConnection,
    private readonly ctx: TorrentContext,
    private readonly fast: UploadFastRules,
    private readonly onReadFailure: (reason: string) => void,
  ) {}

  /**
   * Choking drops the queue (BEP 6: with the fast extension each dropped request is rejected,
   * and requests for allowed-fast pieces stay).
   */
  setChoked(choked: boolean): void {
    this.choked = choked;
    if (!choked) return;
    if (!this.fast.enabled) {
      this.queue = [];
      return;
    }
    const kept: UploadRequest[] = [];
    for (const r of this.queue) {
      if (this.fast.mayServeWhileChoked(r.index)) kept.push(r);
      else this.conn.send(encodeReject(r.index, r.begin, r.length));
    }
    this.queue = kept;
  }

  request(index: number, begin: number, length: number): void {
    const meta = this.ctx.meta;
    const have = this.ctx.have;
    const pieceLength = meta ? (index === meta.pieceCount - 1 ? meta.lastPieceLength : meta.pieceLength) : 0;
    const valid = !!have && have.get(index) && length > 0 && begin + length <= pieceLength;
    const refused = this.choked && !this.fast.mayServeWhileChoked(index);
    if (refused || !valid || this.queue.length >= MAX_UPLOAD_QUEUE) {
      if (this.fast.enabled) this.conn.send(encodeReject(index, begin, length));
      return;
    }
    this.queue.push({ index, begin, length });
    this.pump();
  }

  /** BEP 6: a cancelled request that was still queued is answered with a REJECT. */
  cancel(index: number, begin: number, length: number): void {
    const at = this.queue.findIndex((r) => r.index === index && r.begin === begin && r.length === length);
    if (at < 0) return;
    this.queue.splice(at, 1);
    if (this.fast.enabled) this.conn.send(encodeReject(index, begin, length));
  }

  /** Send what can be sent now; called on new requests, drained sockets and ended holds. */
  pump(): void {
    const now = this.ctx.clock.now();
    while (
      this.queue.length > 0 &&
      this.inFlight < READS_IN_FLIGHT &&
      !this.conn.closed &&
      this.conn.bufferedAmount < SEND_BUFFER_LIMIT &&
      this.heldUntil <= now
    ) {
      const request = this.queue.shift()!;
      this.inFlight++;
      this.ctx
        .readBlock(request.index, request.begin, request.length)
        .then((block) => {
          this.inFlight--;
          if (this.conn.closed) return;
          if (this.choked && !this.fast.mayServeWhileChoked(request.index)) {
            // Choked while reading: the request still needs its one answer (BEP 6).
            if (this.fast.enabled) this.conn.send(encodeReject(request.index, request.begin, request.length));
            this.pump();
            return;
          }
          this.conn.send(encodePieceHeader(request.index, request.begin, block.length));
          this.conn.send(block);
          this.conn.uploaded.add(block.length);
          const wait = this.ctx.upload.spend(block.length);
          if (wait > 0) this.hold(wait);
          this.pump();
        })
        .catch((error) => {
          this.inFlight--;
          this.onReadFailure(`cannot read piece ${request.index}: ${errorMessage(error)}`);
        });
    }
  }

  /**
   * Stop sending for `wait` ms. The timer clears the hold itself: timers may fire a little
   * before the clock says the time has come, and a pump that saw "still held" would never run
   * again (the peer has no reason to send more requests).
   */
  private hold(wait: number): void {
    const until = this.ctx.clock.now() + wait;
    if (until <= this.heldUntil) return;
    this.heldUntil = until;
    this.ctx.clock.setTimeout(() => {
      if (this.heldUntil === until) this.heldUntil = 0;
      this.pump();
    }, wait);
  }
}
