/** A UDP socket on a MemoryHub host: datagrams arrive whole, later, or (with udpLoss) never. */
import type { Endpoint, UdpSocket } from '../interfaces/net.js';
import type { MemoryHub } from './memory-hub.js';

const MAX_EARLY_DATAGRAMS = 256;

type MessageHandler = (data: Uint8Array, from: Endpoint) => void;

export class MemoryUdpSocket implements UdpSocket {
  private handler: MessageHandler | undefined;
  private early: Array<[Uint8Array, Endpoint]> = [];
  private closed = false;

  constructor(
    private readonly hub: MemoryHub,
    private readonly address: string,
    readonly port: number,
    /** Set for a multicast member: its group, and whether datagrams from its own host come back. */
    private readonly multicast?: { group: string; loopback: boolean },
  ) {}

  send(data: Uint8Array, to: Endpoint): void {
    if (this.closed) return;
    const { udpLoss, random } = this.hub.options;
    if (udpLoss > 0 && random.next() < udpLoss) return;
    const copy = data.slice();
    const from = { host: this.address, port: this.port };
    const members = this.hub.groupMembers(to.host, to.port);
    if (members) {
      // Multicast: every member gets it; members on the sending host only with loopback on.
      const loopback = this.multicast?.loopback ?? true;
      for (const member of members) {
        if (member.address === this.address && !loopback) continue;
        this.hub.schedule(() => member.receive(copy, from));
      }
      return;
    }
    this.hub.schedule(() => this.hub.udpSocket(to.host, to.port)?.receive(copy, from));
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
    if (this.hub.udpSocket(this.address, this.port) === this) this.hub.setUdpSocket(this.address, this.port, undefined);
    if (this.multicast) this.hub.leaveGroup(this.multicast.group, this.port, this);
  }

  /** Called by the hub for a datagram addressed to this socket. */
  receive(data: Uint8Array, from: Endpoint): void {
    if (this.closed) return;
    if (this.handler) this.handler(data, from);
    else if (this.early.length < MAX_EARLY_DATAGRAMS) this.early.push([data, from]);
  }
}
