/**
 * One uTP connection (BEP 29): handshake, acks, retransmission, LEDBAT, FIN and RESET. The
 * application side (a TcpSocket) lives in UtpSocket; this class speaks packets.
 */
import { NetError, type Endpoint } from '../../platform/interfaces/index.js';
import type { Clock } from '../util/clock.js';
import { Ledbat, RttEstimator } from './congestion.js';
import { sackRoom, type UtpLimits } from './limits.js';
import {
  encodePacket, microseconds, seqAdd, seqDiff,
  ST_DATA, ST_FIN, ST_RESET, ST_STATE, ST_SYN, type UtpPacket,
} from './packet.js';
import { ReceiveBuffer } from './receive-buffer.js';
import { SendWindow, type OutPacket } from './send-window.js';
import { UtpSocket } from './socket.js';
import { formatEndpoint } from '../util/endpoint.js';

export interface ConnectionContext {
  readonly clock: Clock;
  readonly limits: UtpLimits;
  send(datagram: Uint8Array, to: Endpoint): void;
  /** The connection is gone: stop routing its packets. */
  forget(connection: UtpConnection): void;
}

type State = 'syn-sent' | 'connected' | 'closed';

const EMPTY = new Uint8Array(0);

export class UtpConnection {
  readonly socket: UtpSocket;
  private state: State;
  private readonly window: SendWindow;
  private readonly incoming: ReceiveBuffer;
  private readonly ledbat: Ledbat;
  private readonly rtt: RttEstimator;
  private peerWindow: number;
  /** Our receive time minus the peer's last timestamp: echoed as timestamp_difference. */
  private replyMicros = 0;
  private rtoDeadline: number | undefined;
  private timeouts = 0;
  private duplicateAcks = 0;
  private unackedPackets = 0;
  private ackTimer: unknown;
  private lastReceivedAt: number;
  private lastSentAt: number;
  private zeroWindowSince: number | undefined;
  /** The peer's FIN arrived ahead of missing data: when the stream last moved since then. */
  private finWaitFrom: number | undefined;
  private finSent = false;
  private connectDeadline = Infinity;
  private settleConnect: ((error?: Error) => void) | undefined;

  private constructor(
    private readonly ctx: ConnectionContext,
    readonly remote: Endpoint,
    readonly recvId: number,
    readonly sendId: number,
    firstSeq: number,
    ackNr: number,
    state: State,
  ) {
    const now = ctx.clock.now();
    this.state = state;
    this.window = new SendWindow(firstSeq);
    this.incoming = new ReceiveBuffer(ackNr, ctx.limits.maxReorderPackets);
    this.ledbat = new Ledbat(ctx.limits);
    this.rtt = new RttEstimator(ctx.limits);
    this.peerWindow = ctx.limits.maxPayload;
    this.lastReceivedAt = now;
    this.lastSentAt = now;
    this.socket = new UtpSocket(remote, ctx.clock, ctx.limits, {
      flush: (fromWrite) => this.flush(fromWrite),
      close: () => this.closeGracefully(),
      destroy: () => this.reset(),
      windowOpened: () => this.sendState(),
    });
  }

  /** Initiator (BEP 29): SYN carries our receive id; we send on receive id + 1. */
  static connect(ctx: ConnectionContext, remote: Endpoint, recvId: number, timeoutMs: number): { connection: UtpConnection; connected: Promise<void> } {
    const c = new UtpConnection(ctx, remote, recvId, (recvId + 1) & 0xffff, 1, 0, 'syn-sent');
    c.connectDeadline = ctx.clock.now() + timeoutMs;
    const connected = new Promise<void>((resolve, reject) => {
      c.settleConnect = (error) => (error ? reject(error) : resolve());
    });
    c.transmit(c.window.add(ST_SYN, EMPTY));
    return { connection: c, connected };
  }

  /** Acceptor (BEP 29): receive id = SYN's id + 1, send id = SYN's id, our seq_nr random. */
  static accept(ctx: ConnectionContext, remote: Endpoint, syn: UtpPacket, firstSeq: number): UtpConnection {
    const c = new UtpConnection(ctx, remote, (syn.connectionId + 1) & 0xffff, syn.connectionId, firstSeq, syn.seqNr, 'connected');
    c.absorbHeader(syn);
    c.sendState();
    return c;
  }

  get isClosed(): boolean {
    return this.state === 'closed';
  }

  /** A packet routed to this connection by connection id and address. */
  handle(packet: UtpPacket): void {
    if (this.state === 'closed') {
      // Lingering after a clean close: our last ack may have been lost, so ack retransmissions.
      if (packet.type === ST_FIN || packet.type === ST_DATA) this.emit(ST_STATE, this.window.next, EMPTY, this.sendId);
      return;
    }
    const now = this.ctx.clock.now();
    if (packet.type === ST_RESET) {
      this.terminate(new NetError(this.state === 'syn-sent' ? 'refused' : 'closed', `uTP connection reset by ${this.peerName()}`));
      return;
    }
    if (packet.type === ST_SYN) {
      // Our ST_STATE answering it was lost: answer again (only an acceptor sees its SYN twice).
      if (this.sendId === packet.connectionId && packet.seqNr === this.incoming.ackNr) this.sendState();
      return;
    }
    // An ack for a packet we never sent: forged or from another connection. Drop it whole.
    if (!this.window.isPlausibleAck(packet.ackNr)) return;
    if (this.state === 'syn-sent') {
      if (seqDiff(packet.ackNr, 1) < 0) return;
      // The reply's seq_nr is the first the acceptor will send: we have seen the one before.
      this.incoming.ackNr = seqAdd(packet.seqNr, -1);
      this.state = 'connected';
      this.settleConnect?.();
      this.settleConnect = undefined;
    }
    this.lastReceivedAt = now;
    this.absorbHeader(packet);
    this.processAcks(packet, now);
    if (this.state !== 'connected') return;
    let urgentAck = false;
    if (packet.type === ST_DATA || packet.type === ST_FIN) urgentAck = this.processData(packet);
    this.flush(false);
    this.afterReceive(urgentAck);
  }

  /** Periodic check: retransmission timeout, connect timeout, keep-alive, idle. */
  tick(now: number): void {
    if (this.state === 'closed') return;
    if (now >= this.connectDeadline && this.state === 'syn-sent') {
      this.terminate(new NetError('timeout', `uTP connect to ${this.peerName()} timed out`));
      return;
    }
    if (now - this.lastReceivedAt > this.ctx.limits.idleTimeoutMs) {
      this.terminate(new NetError('timeout', `uTP peer ${this.peerName()} went silent`));
      return;
    }
    if (this.finWaitFrom !== undefined && now - this.finWaitFrom >= this.ctx.limits.finWaitMs) {
      this.abort(new NetError('closed', `uTP peer ${this.peerName()} closed the connection and never resent the data missing before its FIN`));
      return;
    }
    if (this.rtoDeadline !== undefined && now >= this.rtoDeadline) this.onTimeout(now);
    if (this.state === 'connected' && now - this.lastSentAt >= this.ctx.limits.keepAliveMs) this.sendState();
  }

  /** The peer (or the transport) is gone without a word: fail now. */
  abort(error: NetError): void {
    if (this.state === 'closed') return;
    this.sendReset();
    this.terminate(error);
  }

  private absorbHeader(packet: UtpPacket): void {
    const now = this.ctx.clock.now();
    this.replyMicros = (microseconds(now) - packet.timestamp) >>> 0;
    this.peerWindow = packet.wndSize;
    if (packet.wndSize >= this.ctx.limits.maxPayload) this.zeroWindowSince = undefined;
    else this.zeroWindowSince ??= now;
    if (packet.timestampDiff !== 0) this.ledbat.delaySample(packet.timestampDiff, now);
  }

  private processAcks(packet: UtpPacket, now: number): void {
    const flightBefore = this.window.flightBytes;
    let bytes = 0;
    const done = this.window.ackUpTo(packet.ackNr);
    for (const p of done) bytes += this.acked(p, now);
    if (packet.sack) bytes += this.processSack(packet.ackNr, packet.sack, now);
    if (done.length > 0) {
      this.timeouts = 0;
      this.duplicateAcks = 0;
      this.rtoDeadline = this.window.outstanding > 0 ? now + this.rtt.rtoMs : undefined;
    } else if (packet.type === ST_STATE && this.window.outstanding > 0 && packet.ackNr === this.window.acked) {
      // BEP 29: three duplicate acks mean the packet after ack_nr was lost.
      if (++this.duplicateAcks === this.ctx.limits.duplicateAckThreshold) this.fastResend(seqAdd(packet.ackNr, 1));
    }
    this.ledbat.onAck(bytes, flightBefore);
    if (this.finSent && this.window.outstanding === 0) this.terminate(undefined, true);
  }

  private acked(p: OutPacket, now: number): number {
    if (p.transmissions === 1) this.rtt.sample(now - p.sentAt);
    return p.payload.length;
  }

  /** Selective ack: drop what arrived; a hole with `threshold` packets acked after it is lost. */
  private processSack(ackNr: number, mask: Uint8Array, now: number): number {
    const first = seqAdd(ackNr, 2);
    let bytes = 0;
    let seenAfter = 0;
    for (let i = mask.length * 8 - 1; i >= -1; i--) {
      const seq = seqAdd(first, i);
      if (i >= 0 && (mask[i >> 3]! & (1 << (i & 7))) !== 0) {
        seenAfter++;
        const p = this.window.ackOne(seq);
        if (p) bytes += this.acked(p, now);
      } else if (seenAfter >= this.ctx.limits.duplicateAckThreshold) {
        this.fastResend(seq);
      }
    }
    return bytes;
  }

  private fastResend(seq: number): void {
    const p = this.window.get(seq);
    if (!p || p.fastResent || p.needResend) return;
    p.fastResent = true;
    this.window.markLost(p);
    this.ledbat.onLoss(seq, this.window.next);
  }

  /** Returns true when the ack should go out at once (a hole, a duplicate, the FIN). */
  private processData(packet: UtpPacket): boolean {
    const fin = packet.type === ST_FIN;
    const result = this.incoming.receive(packet.seqNr, fin ? EMPTY : packet.payload, fin, this.receiveRoom() + this.ctx.limits.maxPayload);
    if (this.incoming.finSeen && (result.status === 'in-order' || this.finWaitFrom === undefined)) this.finWaitFrom = this.ctx.clock.now();
    if (result.status !== 'in-order') return result.status !== 'no-room' && result.status !== 'too-far';
    for (const chunk of result.chunks) this.socket.receive(chunk);
    this.unackedPackets++;
    if (this.incoming.finished) {
      // BEP 29: everything up to the FIN arrived; ack it and end (the data is still handed over).
      this.sendState();
      this.terminate(undefined, true);
      return false;
    }
    return this.incoming.holes || this.unackedPackets >= 2;
  }

  private afterReceive(urgent: boolean): void {
    if (this.unackedPackets === 0 && !urgent) return;
    if (urgent) {
      this.sendState();
      return;
    }
    // Delayed ack: datagrams that arrive together are acknowledged together.
    if (this.ackTimer === undefined) {
      this.ackTimer = this.ctx.clock.setTimeout(() => {
        this.ackTimer = undefined;
        if (this.unackedPackets > 0 && this.state === 'connected') this.sendState();
      }, 0);
    }
  }

  private onTimeout(now: number): void {
    this.rtoDeadline = undefined;
    if (this.window.outstanding === 0) return;
    // A zero-window probe that went unanswered is not a sign the peer is gone.
    if (this.peerWindow >= this.ctx.limits.maxPayload && ++this.timeouts > this.ctx.limits.maxTimeouts) {
      this.abort(new NetError('timeout', `uTP peer ${this.peerName()} stopped acknowledging data`));
      return;
    }
    this.rtt.backoff();
    this.ledbat.onTimeout(this.window.next);
    this.window.markAllLost();
    this.flush(false, now);
  }

  /** Send what the windows allow: resends first, then new data, then the FIN after the data. */
  private flush(fromWrite: boolean, now = this.ctx.clock.now()): void {
    if (this.state === 'closed') return;
    for (;;) {
      const resend = this.window.peekResend();
      if (resend) {
        if (!this.canSend(resend.payload.length, now)) break;
        this.transmit(resend);
        continue;
      }
      if (this.state !== 'connected') break;
      const size = Math.min(this.ctx.limits.maxPayload, this.socket.unsentBytes);
      // From write(): only full packets now; the rest goes in a moment, joined with later writes.
      if (size > 0 && (!fromWrite || size === this.ctx.limits.maxPayload)) {
        if (!this.canSend(size, now)) break;
        this.transmit(this.window.add(ST_DATA, this.socket.takeUnsent(size)));
        continue;
      }
      if (size === 0 && this.socket.closing && !this.finSent) {
        this.finSent = true;
        this.transmit(this.window.add(ST_FIN, EMPTY));
      }
      break;
    }
    if (!fromWrite) this.socket.checkDrain();
  }

  private canSend(size: number, now: number): boolean {
    const flight = this.window.flightBytes;
    if (flight + size <= Math.min(this.ledbat.cwnd, this.peerWindow)) return true;
    if (flight > 0) return false;
    // Nothing in flight: one packet may go even if a window is smaller than it, and after a
    // while a zero window is probed so a lost window update cannot stall us forever.
    if (this.peerWindow > 0) return true;
    return this.zeroWindowSince !== undefined && now - this.zeroWindowSince >= this.ctx.limits.zeroWindowProbeMs;
  }

  private transmit(p: OutPacket): void {
    const now = this.ctx.clock.now();
    this.window.sent(p, now);
    this.emit(p.type, p.seq, p.payload, p.type === ST_SYN ? this.recvId : this.sendId);
    this.rtoDeadline ??= now + this.rtt.rtoMs;
  }

  /** ST_STATE: a bare ack. Its seq_nr is the next we will send (it consumes none). */
  private sendState(): void {
    if (this.state === 'closed') return;
    this.emit(ST_STATE, this.window.next, EMPTY, this.sendId);
  }

  private sendReset(): void {
    if (this.state === 'closed') return;
    this.emit(ST_RESET, this.window.next, EMPTY, this.sendId);
  }

  private emit(type: UtpPacket['type'], seqNr: number, payload: Uint8Array, connectionId: number): void {
    const now = this.ctx.clock.now();
    // The mask goes only where it fits: a longer datagram would be cut short by a peer that
    // reads into a fixed buffer (libtorrent: 1500 bytes), losing payload from the stream.
    const room = type === ST_SYN ? 0 : sackRoom(this.ctx.limits, payload.length);
    const sack = room > 0 ? this.incoming.sack(room) : undefined;
    const datagram = encodePacket({
      type, connectionId, seqNr, payload,
      timestamp: microseconds(now),
      timestampDiff: this.replyMicros,
      wndSize: this.receiveRoom(),
      ackNr: type === ST_SYN ? 0 : this.incoming.ackNr,
      ...(sack ? { sack } : {}),
    });
    this.lastSentAt = now;
    if (type !== ST_SYN) this.unackedPackets = 0;
    this.ctx.send(datagram, this.remote);
  }

  private receiveRoom(): number {
    return Math.max(0, this.ctx.limits.receiveBufferBytes - this.incoming.reorderBytes - this.socket.inboxBytes);
  }

  /** close(): FIN after the queued data; a connection still connecting is simply dropped. */
  private closeGracefully(): void {
    if (this.state === 'syn-sent') {
      this.abort(new NetError('closed', 'uTP connection closed while connecting'));
      return;
    }
    if (this.incoming.finished && this.socket.unsentBytes === 0) {
      this.flush(false);
      if (this.window.outstanding === 0) this.terminate(undefined, true);
      return;
    }
    this.flush(false);
  }

  /** destroy(): RESET, and our own close handler sees no error (as with TCP). */
  private reset(): void {
    if (this.state === 'closed') return;
    this.sendReset();
    this.terminate(undefined, false);
  }

  /**
   * The end. A clean one (FINs) lingers a little to re-ack the peer's retransmissions before
   * the ids are forgotten; the socket still hands over what was received.
   */
  private terminate(error: Error | undefined, clean = false): void {
    if (this.state === 'closed') return;
    const wasConnecting = this.state === 'syn-sent';
    this.state = 'closed';
    this.rtoDeadline = undefined;
    if (this.ackTimer !== undefined) this.ctx.clock.clearTimeout(this.ackTimer as never);
    if (clean) this.ctx.clock.setTimeout(() => this.ctx.forget(this), this.ctx.limits.lingerMs);
    else this.ctx.forget(this);
    if (wasConnecting) {
      this.settleConnect?.(error ?? new NetError('closed', 'uTP connection closed while connecting'));
      this.settleConnect = undefined;
      return;
    }
    this.socket.finish(error, clean);
  }

  private peerName(): string {
    return formatEndpoint(this.remote.host, this.remote.port);
  }
}
