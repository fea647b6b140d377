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

interface UploadRequest {
  index: number;
  begin: number;
  length: number;
}

/**
 * Serving one peer's REQUESTs: validate, queue, read from storage, send, and pace by the
 * upload limit and the socket's send buffer.
 */
export class PeerUploader {
  private queue: UploadRequest[] = [];
  private inFlight = 0;
  private heldUntil = 0;
  private choked = true;

  constructor(
    private readonly conn: PeerConnection,
    private readonly ctx: TorrentContext,
    private readonly fast: () => boolean,
    private readonly onReadFailure: (reason: string) => void,
  ) {}

  /** Choking drops the queue (BEP 6: with the fast extension, each request is rejected). */
  setChoked(choked: boolean): void {
    this.choked = choked;
    if (!choked) return;
    if (this.fast()) for (const r of this.queue) this.conn.send(encodeReject(r.index, r.begin, r.length));
    this.queue = [];
  }

  request(index: number, begin: number, length: number): void {
    const meta = this.ctx.meta;
    const have = this.ctx.have;
    const pieceLength = meta ? (index === meta.pieceCount - 1 ? meta.lastPieceLength : meta.pieceLength) : 0;
    const valid = !!have && have.get(index) && length > 0 && begin + length <= pieceLength;
    if (this.choked || !valid || this.queue.length >= MAX_UPLOAD_QUEUE) {
      if (this.fast()) this.conn.send(encodeReject(index, begin, length));
      return;
    }
    this.queue.push({ index, begin, length });
    this.pump();
  }

  cancel(index: number, begin: number, length: number): void {
    this.queue = this.queue.filter((r) => !(r.index === index && r.begin === begin && r.length === length));
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
          if (this.conn.closed || this.choked) return;
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
