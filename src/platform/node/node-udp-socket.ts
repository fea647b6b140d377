/** A bound UDP socket over node:dgram, seen as the engine's `UdpSocket`. */
import type { Socket as DgramSocket } from 'node:dgram';
import { sendDatagram } from './udp-send.js';
import type { Endpoint, UdpSocket } from '../interfaces/net.js';
import { normalizeAddress } from './node-net-errors.js';

/** Datagrams kept while no handler is installed; beyond this they are dropped (UDP is lossy). */
const MAX_EARLY_DATAGRAMS = 256;

type MessageHandler = (data: Uint8Array, from: Endpoint) => void;

export class NodeUdpSocket implements UdpSocket {
  private handler: MessageHandler | undefined;
  private early: Array<[Uint8Array, Endpoint]> = [];
  private closed = false;
  /** Bound to :: (reaches IPv4 peers too, through mapped addresses). */
  private readonly dualStack: boolean;
  readonly receiveBufferBytes: number | undefined;

  constructor(
    private readonly socket: DgramSocket,
    readonly port: number,
  ) {
    const bound = socket.address(); // constructed once bound
    this.dualStack = bound.family === 'IPv6' && bound.address === '::';
    this.receiveBufferBytes = kernelReceiveBuffer(socket);
    socket.on('message', (msg: Buffer, rinfo) => {
      const data = new Uint8Array(msg.buffer, msg.byteOffset, msg.length);
      const from = { host: normalizeAddress(rinfo.address), port: rinfo.port };
      if (this.handler) this.handler(data, from);
      else if (this.early.length < MAX_EARLY_DATAGRAMS) this.early.push([data, from]);
    });
    // An unhandled 'error' would crash the process; ICMP errors and the like mean nothing to a
    // lossy protocol whose callers retry on their own timers.
    socket.on('error', () => undefined);
  }

  send(data: Uint8Array, to: Endpoint): void {
    if (this.closed) return;
    // Resolution and send failures are dropped like any lost datagram. Node may hold `data`
    // until a name is resolved: do not reuse it.
    sendDatagram(this.socket, this.dualStack, data, to.port, to.host, () => undefined);
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
    try {
      this.socket.close();
    } catch {
      // Already closed.
    }
  }
}

/** Half of SO_RCVBUF (Linux reports twice what it holds in payload); undefined if unknown. */
function kernelReceiveBuffer(socket: DgramSocket): number | undefined {
  try {
    const bytes = socket.getRecvBufferSize();
    return bytes > 0 ? Math.floor(bytes / 2) : undefined;
  } catch {
    return undefined;
  }
}
