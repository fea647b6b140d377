/**
 * One end of an in-process TCP connection. Each end owns the queue of bytes it sent and the
 * hub pumps that queue into the other end asynchronously, in order, honouring pause(); bytes
 * not yet delivered count as `bufferedAmount`, so a paused reader pushes back on the writer
 * exactly as TCP flow control would.
 */
import { NetError, type Endpoint, type TcpSocket, type TcpSocketHandlers } from '../interfaces/net.js';
import type { MemoryHub } from './memory-hub.js';

type State = 'open' | 'ending' | 'closed';

export class MemoryTcpSocket implements TcpSocket {
  private peer!: MemoryTcpSocket;
  private handlers: TcpSocketHandlers | undefined;
  private readonly outgoing: Uint8Array[] = [];
  /** Bytes of outgoing[0] already delivered. */
  private headOffset = 0;
  private queued = 0;
  private needDrain = false;
  private userPaused = false;
  private state: State = 'open';
  /** Set once closed: the error to report (undefined for a clean close), until delivered. */
  private closeToDeliver: { error: Error | undefined } | undefined;
  private closeDelivered = false;

  constructor(
    private readonly hub: MemoryHub,
    readonly remote: Endpoint,
  ) {}

  /** Links two fresh sockets into one connection. */
  static pair(hub: MemoryHub, a: Endpoint, b: Endpoint): [MemoryTcpSocket, MemoryTcpSocket] {
    // Socket `x` talks to `remote`; the one at `a` sees `b` as its remote and vice versa.
    const atA = new MemoryTcpSocket(hub, b);
    const atB = new MemoryTcpSocket(hub, a);
    atA.peer = atB;
    atB.peer = atA;
    return [atA, atB];
  }

  get bufferedAmount(): number {
    return this.queued;
  }

  write(data: Uint8Array): boolean {
    if (this.state !== 'open') return false;
    if (data.length > 0) {
      // A copy: the receiver owns what it gets, whatever the sender does with its buffer next.
      this.outgoing.push(data.slice());
      this.queued += data.length;
      this.hub.schedulePump(this);
    }
    if (this.queued >= this.hub.options.highWaterMark) {
      this.needDrain = true;
      return false;
    }
    return true;
  }

  setHandlers(handlers: TcpSocketHandlers): void {
    this.handlers = handlers;
    this.hub.schedulePump(this.peer);
    if (this.closeToDeliver) this.hub.schedule(() => this.deliverClose());
  }

  pause(): void {
    this.userPaused = true;
  }

  resume(): void {
    this.userPaused = false;
    this.hub.schedulePump(this.peer);
  }

  close(): void {
    if (this.state !== 'open') return;
    this.state = 'ending';
    this.hub.schedulePump(this);
  }

  destroy(): void {
    if (this.state === 'closed') return;
    this.finish(undefined);
    this.peer.finish(new NetError('closed', `connection reset by ${this.remote.host}:${this.remote.port}`));
  }

  /** Called by the hub: deliver what was queued when the pump started, as the peer allows. */
  pump(): void {
    let budget = this.queued;
    while (budget > 0 && this.queued > 0 && this.peer.canReceive()) {
      const chunk = this.takeChunk();
      budget -= chunk.length;
      this.peer.handlers!.data(chunk);
    }
    if (this.queued > 0 && this.peer.canReceive()) this.hub.schedulePump(this);
    if (this.needDrain && this.queued < this.hub.options.highWaterMark / 2 && this.state === 'open') {
      this.needDrain = false;
      this.handlers?.drain?.();
    }
    if (this.state === 'ending' && this.queued === 0) {
      // Graceful close complete: the peer has every byte; both ends are now gone.
      this.finish(undefined);
      this.peer.finish(undefined);
    }
  }

  private canReceive(): boolean {
    return this.state !== 'closed' && this.handlers !== undefined && !this.userPaused;
  }

  /** The next piece to deliver: a whole write, or with `maxChunk` a random 1..maxChunk bytes
   * that may split one write or join several (the wire parser must cope with both). */
  private takeChunk(): Uint8Array {
    const maxChunk = this.hub.options.maxChunk;
    if (maxChunk <= 0) {
      const whole = this.outgoing.shift()!;
      const chunk = this.headOffset > 0 ? whole.subarray(this.headOffset) : whole;
      this.headOffset = 0;
      this.queued -= chunk.length;
      return chunk;
    }
    const size = Math.min(this.queued, 1 + this.hub.options.random.int(maxChunk));
    const out = new Uint8Array(size);
    let filled = 0;
    while (filled < size) {
      const head = this.outgoing[0]!;
      const take = Math.min(size - filled, head.length - this.headOffset);
      out.set(head.subarray(this.headOffset, this.headOffset + take), filled);
      filled += take;
      this.headOffset += take;
      if (this.headOffset === head.length) {
        this.outgoing.shift();
        this.headOffset = 0;
      }
    }
    this.queued -= size;
    return out;
  }

  private finish(error: Error | undefined): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.outgoing.length = 0;
    this.headOffset = 0;
    this.queued = 0;
    this.closeToDeliver = { error };
    // Never synchronously inside the caller's close()/destroy()/write(): engines re-enter.
    this.hub.schedule(() => this.deliverClose());
  }

  private deliverClose(): void {
    if (this.closeDelivered || !this.handlers || !this.closeToDeliver) return;
    this.closeDelivered = true;
    this.handlers.close(this.closeToDeliver.error);
  }
}
