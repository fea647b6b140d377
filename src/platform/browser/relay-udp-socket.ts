/** A relayed UDP socket and TCP listener, seen as the engine's `UdpSocket` / `TcpListener`. */
import type { Endpoint, TcpListener, UdpSocket } from '../interfaces/net.js';
import { encodeFrame, Op } from '../../relay/protocol.js';
import type { RelayLink } from './relay-tcp-socket.js';

/** Datagrams kept while no handler is installed; beyond this they are dropped (UDP is lossy). */
const MAX_EARLY_DATAGRAMS = 256;

type MessageHandler = (data: Uint8Array, from: Endpoint) => void;

export class RelayUdpSocket implements UdpSocket {
  private handler: MessageHandler | undefined;
  private early: Array<[Uint8Array, Endpoint]> = [];
  private closed = false;

  constructor(
    private readonly link: RelayLink,
    readonly id: number,
    readonly port: number,
    private readonly maxDatagramBytes: number,
  ) {}

  send(data: Uint8Array, to: Endpoint): void {
    // Like a lost datagram: oversized payloads and unencodable hosts are dropped, not thrown.
    if (this.closed || data.length > this.maxDatagramBytes || to.host.length === 0 || to.host.length > 253) return;
    if (to.port <= 0 || to.port > 65535) return;
    this.link.send(encodeFrame({ op: Op.UDP_SEND, stream: this.id, host: to.host, port: to.port, data }));
  }

  setHandler(onMessage: MessageHandler): void {
    this.handler = onMessage;
    const early = this.early;
    this.early = [];
    for (const [data, from] of early) onMessage(data, from);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.link.send(encodeFrame({ op: Op.CLOSE, stream: this.id, kind: 'none', message: '' }));
    this.link.forget(this.id);
  }

  /** A datagram from the host; `data` is a view of a fresh message, the handler may keep it. */
  onMessage(data: Uint8Array, from: Endpoint): void {
    if (this.closed) return;
    if (this.handler) this.handler(data, from);
    else if (this.early.length < MAX_EARLY_DATAGRAMS) this.early.push([data, from]);
  }

  /** The host closed it (or the relay is gone): later sends are dropped. */
  onClose(): void {
    this.closed = true;
  }
}

export class RelayTcpListener implements TcpListener {
  private closed = false;

  constructor(
    private readonly link: RelayLink,
    readonly id: number,
    readonly port: number,
  ) {}

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.link.send(encodeFrame({ op: Op.CLOSE, stream: this.id, kind: 'none', message: '' }));
      this.link.forget(this.id);
    }
    return Promise.resolve();
  }

  onClose(): void {
    this.closed = true;
  }
}
