/**
 * The receiving half of a connection: in-order delivery from a bounded reorder buffer, the end
 * of stream (ST_FIN), and the selective-ACK bitmask describing what arrived past a hole.
 */
import { seqAdd, seqDiff } from './packet.js';

export type ReceiveStatus = 'in-order' | 'out-of-order' | 'duplicate' | 'too-far' | 'no-room' | 'past-fin';

export interface ReceiveResult {
  readonly status: ReceiveStatus;
  /** Payloads now deliverable, in order (the first may be a view into the datagram). */
  readonly chunks: Uint8Array[];
}

export class ReceiveBuffer {
  /** Last seq_nr received in order (what we acknowledge). */
  ackNr: number;
  reorderBytes = 0;
  /** seq_nr of the peer's ST_FIN, once seen. */
  private finSeq: number | undefined;
  /** True once every packet up to and including ST_FIN arrived. */
  finished = false;
  private readonly reorder = new Map<number, Uint8Array>();

  constructor(
    ackNr: number,
    private readonly maxReorderPackets: number,
  ) {
    this.ackNr = ackNr & 0xffff;
  }

  /** The peer's ST_FIN arrived (perhaps ahead of data still missing). */
  get finSeen(): boolean {
    return this.finSeq !== undefined;
  }

  get holes(): boolean {
    return this.reorder.size > 0;
  }

  /**
   * A data packet (or the FIN, with an empty payload and `fin`). `room` is how many more bytes
   * may be buffered; an out-of-order packet that does not fit is dropped, unacknowledged.
   */
  receive(seq: number, payload: Uint8Array, fin: boolean, room: number): ReceiveResult {
    const distance = seqDiff(seq, this.ackNr);
    if (distance <= 0) return { status: 'duplicate', chunks: [] };
    if (distance > this.maxReorderPackets) return { status: 'too-far', chunks: [] };
    if (this.finSeq !== undefined && seqDiff(seq, this.finSeq) > 0) return { status: 'past-fin', chunks: [] };
    if (fin) {
      this.finSeq = seq;
      // Anything buffered beyond the FIN was bogus.
      for (const [s, p] of this.reorder) {
        if (seqDiff(s, seq) >= 0) {
          this.reorder.delete(s);
          this.reorderBytes -= p.length;
        }
      }
    }
    if (distance > 1) {
      if (fin || this.reorder.has(seq)) return { status: 'out-of-order', chunks: [] };
      if (payload.length > room) return { status: 'no-room', chunks: [] };
      this.reorder.set(seq, payload.slice());
      this.reorderBytes += payload.length;
      return { status: 'out-of-order', chunks: [] };
    }
    if (payload.length > room) return { status: 'no-room', chunks: [] };
    const chunks: Uint8Array[] = payload.length > 0 ? [payload] : [];
    this.ackNr = seq;
    for (;;) {
      if (this.finSeq === this.ackNr) {
        this.finished = true;
        break;
      }
      const nextSeq = seqAdd(this.ackNr, 1);
      if (this.finSeq === nextSeq) {
        this.ackNr = nextSeq;
        continue;
      }
      const held = this.reorder.get(nextSeq);
      if (!held) break;
      this.reorder.delete(nextSeq);
      this.reorderBytes -= held.length;
      if (held.length > 0) chunks.push(held);
      this.ackNr = nextSeq;
    }
    return { status: 'in-order', chunks };
  }

  /**
   * BEP 29 selective ACK: bit i of the mask (LSB first) is ack_nr + 2 + i. Undefined when
   * nothing is held out of order. At most `maxBytes` (a multiple of 4) long.
   */
  sack(maxBytes: number): Uint8Array | undefined {
    if (this.reorder.size === 0) return undefined;
    const first = seqAdd(this.ackNr, 2);
    let highest = -1;
    for (const seq of this.reorder.keys()) highest = Math.max(highest, seqDiff(seq, first));
    if (highest < 0) return undefined;
    const bytes = Math.min(maxBytes, Math.ceil((highest + 1) / 32) * 4);
    const mask = new Uint8Array(bytes);
    const bits = bytes * 8;
    for (const seq of this.reorder.keys()) {
      const i = seqDiff(seq, first);
      if (i >= 0 && i < bits) mask[i >> 3]! |= 1 << (i & 7);
    }
    return mask;
  }
}
