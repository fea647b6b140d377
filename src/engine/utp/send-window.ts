/**
 * Packets we sent and the peer has not acknowledged yet, keyed by seq_nr (O(1) per ack), with
 * the bytes in flight and the queue of packets waiting to be sent again.
 */
import { seqAdd, seqDiff, ST_DATA, ST_FIN, ST_SYN } from './packet.js';

export interface OutPacket {
  readonly seq: number;
  readonly type: typeof ST_DATA | typeof ST_FIN | typeof ST_SYN;
  readonly payload: Uint8Array;
  /** Clock time (ms) of the last transmission. */
  sentAt: number;
  transmissions: number;
  /** Counted in flightBytes: sent and neither acked nor declared lost. */
  inFlight: boolean;
  needResend: boolean;
  /** Already resent on duplicate/selective acks: only a timeout resends it again. */
  fastResent: boolean;
}

export class SendWindow {
  private readonly packets = new Map<number, OutPacket>();
  private resendQueue: OutPacket[] = [];
  /** seq_nr the next new packet gets. */
  next: number;
  /** Highest seq_nr the peer acknowledged cumulatively. */
  acked: number;
  flightBytes = 0;

  constructor(firstSeq: number) {
    this.next = firstSeq & 0xffff;
    this.acked = seqAdd(firstSeq, -1);
  }

  get outstanding(): number {
    return this.packets.size;
  }

  get(seq: number): OutPacket | undefined {
    return this.packets.get(seq);
  }

  /** False if ack_nr acknowledges a packet we never sent (a bogus or foreign packet). */
  isPlausibleAck(ackNr: number): boolean {
    return seqDiff(ackNr, seqAdd(this.next, -1)) <= 0;
  }

  add(type: OutPacket['type'], payload: Uint8Array): OutPacket {
    const packet: OutPacket = { seq: this.next, type, payload, sentAt: 0, transmissions: 0, inFlight: false, needResend: false, fastResent: false };
    this.packets.set(packet.seq, packet);
    this.next = seqAdd(this.next, 1);
    return packet;
  }

  /** Record a transmission of `packet` (first or repeated). */
  sent(packet: OutPacket, now: number): void {
    packet.sentAt = now;
    packet.transmissions++;
    packet.needResend = false;
    if (!packet.inFlight) {
      packet.inFlight = true;
      this.flightBytes += packet.payload.length;
    }
  }

  /** Cumulative ack: every packet up to ackNr is done. Returns them (for RTT and bytes). */
  ackUpTo(ackNr: number): OutPacket[] {
    const done: OutPacket[] = [];
    while (seqDiff(ackNr, this.acked) > 0) {
      this.acked = seqAdd(this.acked, 1);
      const packet = this.packets.get(this.acked);
      if (packet) {
        this.remove(packet);
        done.push(packet);
      }
    }
    return done;
  }

  /** Selective ack of one packet. */
  ackOne(seq: number): OutPacket | undefined {
    const packet = this.packets.get(seq);
    if (packet) this.remove(packet);
    return packet;
  }

  markLost(packet: OutPacket): void {
    if (packet.needResend) return;
    if (packet.inFlight) {
      packet.inFlight = false;
      this.flightBytes -= packet.payload.length;
    }
    packet.needResend = true;
    this.resendQueue.push(packet);
  }

  /** Retransmission timeout: everything outstanding is presumed lost, oldest first. */
  markAllLost(): void {
    this.resendQueue = [];
    for (let seq = seqAdd(this.acked, 1); seq !== this.next; seq = seqAdd(seq, 1)) {
      const packet = this.packets.get(seq);
      if (!packet) continue;
      packet.needResend = false;
      packet.fastResent = false;
      this.markLost(packet);
    }
  }

  /** The next packet waiting to be resent, if any (acked ones are skipped). */
  peekResend(): OutPacket | undefined {
    while (this.resendQueue.length > 0) {
      const head = this.resendQueue[0]!;
      if (head.needResend && this.packets.get(head.seq) === head) return head;
      this.resendQueue.shift();
    }
    return undefined;
  }

  private remove(packet: OutPacket): void {
    this.packets.delete(packet.seq);
    if (packet.inFlight) this.flightBytes -= packet.payload.length;
    packet.inFlight = false;
    packet.needResend = false;
  }
}
