/**
 * UDP streams on the host: one node:dgram socket per stream. UDP is lossy by contract, so
 * there is no credit: datagrams for the browser are dropped while the WebSocket has more than
 * limits.maxBufferedBytesTotal queued, and sends beyond limits.maxPendingUdpBytes are dropped.
 * A joined (multicast) stream sends only to its own group and port, datagrams of at most
 * limits.maxMulticastDatagramBytes, with the host's TTL: the relay is no general multicast tool.
 */
import { createSocket, type Socket as DgramSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { encodeFrame, Op } from '../src/relay/protocol.js';
import { normalizeAddress } from '../src/platform/node/node-net-errors.js';
import { sendDatagram } from '../src/platform/node/udp-send.js';
import type { StreamContext } from './stream-context.js';

export class UdpStream {
  readonly type = 'udp';
  private pendingBytes = 0;
  private gone = false;
  /** Datagrams dropped because the browser was not keeping up (stats). */
  dropped = 0;

  private constructor(
    private readonly ctx: StreamContext,
    readonly id: number,
    private readonly socket: DgramSocket,
    /** A joined stream's group: its only destination. */
    private readonly group?: { host: string; port: number },
    /** Bound to :: (IPv4 peers too, through mapped addresses). */
    private readonly dualStack = false,
  ) {
    socket.on('message', (msg: Buffer, rinfo) => {
      if (this.gone) return;
      if (this.ctx.wsBufferedAmount() > this.ctx.limits.maxBufferedBytesTotal) {
        this.dropped++;
        return;
      }
      const data = new Uint8Array(msg.buffer, msg.byteOffset, msg.length);
      this.ctx.send(encodeFrame({ op: Op.UDP_RECV, stream: this.id, port: rinfo.port, address: normalizeAddress(rinfo.address), data }));
    });
    // ICMP errors and the like mean nothing to a lossy protocol whose callers retry.
    socket.on('error', () => undefined);
  }

  static bind(ctx: StreamContext, id: number, host: string, port: number): Promise<{ udp: UdpStream; port: number }> {
    return new Promise((resolve, reject) => {
      const socket = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4' });
      const onError = (error: Error): void => {
        try {
          socket.close();
        } catch {
          // Never bound.
        }
        reject(error);
      };
      socket.once('error', onError);
      socket.bind(port, host, () => {
        socket.off('error', onError);
        // Best effort: the OS caps (or refuses) sizes beyond its maximum; the default still works.
        try {
          socket.setRecvBufferSize(ctx.limits.udpSocketBufferBytes);
          socket.setSendBufferSize(ctx.limits.udpSocketBufferBytes);
        } catch {
          // Keep the default buffers.
        }
        resolve({ udp: new UdpStream(ctx, id, socket, undefined, host === '::'), port: socket.address().port });
      });
    });
  }

  /**
   * A socket on the group's port (wildcard address, SO_REUSEADDR: other BEP 14 clients on this
   * machine share the port) joined to `group` on `interfaceAddress` ('' = the OS's choice),
   * sending from that interface with limits.multicastTtl and loopback on (local programs are
   * local peers too). The caller has checked the group against limits.multicastGroups.
   */
  static join(ctx: StreamContext, id: number, group: string, port: number, interfaceAddress: string): Promise<{ udp: UdpStream; port: number }> {
    const v6 = isIPv6(group);
    return new Promise((resolve, reject) => {
      const socket = createSocket({ type: v6 ? 'udp6' : 'udp4', reuseAddr: true });
      const fail = (error: unknown): void => {
        try {
          socket.close();
        } catch {
          // Never bound.
        }
        reject(error);
      };
      socket.once('error', fail);
      socket.bind(port, v6 ? '::' : '0.0.0.0', () => {
        socket.off('error', fail);
        try {
          socket.addMembership(group, interfaceAddress || undefined);
          if (interfaceAddress) socket.setMulticastInterface(interfaceAddress);
          socket.setMulticastTTL(ctx.limits.multicastTtl);
          socket.setMulticastLoopback(true);
        } catch (error) {
          fail(error);
          return;
        }
        resolve({ udp: new UdpStream(ctx, id, socket, { host: group.toLowerCase(), port }), port: socket.address().port });
      });
    });
  }

  send(data: Uint8Array, host: string, port: number): void {
    if (this.group && (host.toLowerCase() !== this.group.host || port !== this.group.port || data.length > this.ctx.limits.maxMulticastDatagramBytes)) {
      this.dropped++;
      return;
    }
    if (this.gone || this.pendingBytes + data.length > this.ctx.limits.maxPendingUdpBytes) {
      this.dropped++;
      return;
    }
    const bytes = data.length;
    this.pendingBytes += bytes;
    // `data` is a view of the WebSocket message, which nothing reuses: dgram may keep it while
    // `host` is resolved. Resolution and send failures are dropped like any lost datagram.
    sendDatagram(this.socket, this.dualStack, data, port, host, (error) => {
      this.pendingBytes -= bytes;
      if (error) this.dropped++;
    });
  }

  bufferedBytes(): number {
    return 0;
  }

  abort(): void {
    if (this.gone) return;
    this.gone = true;
    try {
      this.socket.close();
    } catch {
      // Already closed.
    }
  }
}
