import type { Endpoint, UdpSocket } from '../../platform/interfaces/index.js';

/** Something that may claim a datagram: returns true when it was its own. */
export type DatagramHandler = (data: Uint8Array, from: Endpoint) => boolean;

/**
 * One UDP socket at the client's listening port, shared as libtorrent shares it: DHT messages
 * (bencoded, first byte 'd') and uTP packets arrive on the same port; each handler claims its own.
 */
export class UdpMux {
  private readonly handlers: DatagramHandler[] = [];

  constructor(readonly socket: UdpSocket) {
    socket.setHandler((data, from) => {
      for (const handler of this.handlers) if (handler(data, from)) return;
    });
  }

  add(handler: DatagramHandler): void {
    this.handlers.push(handler);
  }

  send(data: Uint8Array, to: Endpoint): void {
    this.socket.send(data, to);
  }

  close(): void {
    this.socket.close();
  }
}
