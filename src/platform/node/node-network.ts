/** The engine's `Network` over node:net (TCP) and node:dgram (UDP). */
import { createConnection, createServer, isIPv6, type NetConnectOpts, type Socket } from 'node:net';
import { createSocket } from 'node:dgram';
import { NetError, type ConnectOptions, type Endpoint, type MulticastOptions, type Network, type TcpListener, type TcpSocket, type UdpSocket } from '../interfaces/net.js';
import { NodeTcpSocket } from './node-tcp-socket.js';
import { NodeUdpSocket } from './node-udp-socket.js';
import { formatEndpoint, toNetError } from './node-net-errors.js';

export interface NodeNetworkOptions {
  /**
   * Stream buffer sizes per socket, both directions. Node 20's default (16 KiB) makes write()
   * return false after one block; 256 KiB keeps a fast peer's pipe full between 'drain's.
   */
  highWaterMark?: number;
  /** Applied when connect() is given no timeout. */
  defaultConnectTimeoutMs?: number;
  /**
   * Kernel receive and send buffer asked for each UDP socket (SO_RCVBUF / SO_SNDBUF; Linux
   * caps it at net.core.rmem_max / wmem_max). The default (~208 KiB, about 90 full datagrams
   * once the kernel's per-packet overhead is counted) overflows when a uTP peer sends a whole
   * congestion window at once: libtorrent does on loopback, and each datagram the kernel drops
   * then costs a retransmission, often on libtorrent's ~1 s timeout. 0 keeps the OS default.
   */
  udpSocketBufferBytes?: number;
}

export const NODE_NETWORK_DEFAULTS = {
  highWaterMark: 256 * 1024,
  defaultConnectTimeoutMs: 10_000,
  udpSocketBufferBytes: 4 * 1024 * 1024,
} as const satisfies Required<NodeNetworkOptions>;

export class NodeNetwork implements Network {
  private readonly highWaterMark: number;
  private readonly defaultConnectTimeoutMs: number;
  private readonly udpSocketBufferBytes: number;

  constructor(options: NodeNetworkOptions = {}) {
    this.udpSocketBufferBytes = options.udpSocketBufferBytes ?? NODE_NETWORK_DEFAULTS.udpSocketBufferBytes;
    this.highWaterMark = options.highWaterMark ?? NODE_NETWORK_DEFAULTS.highWaterMark;
    this.defaultConnectTimeoutMs = options.defaultConnectTimeoutMs ?? NODE_NETWORK_DEFAULTS.defaultConnectTimeoutMs;
  }

  connect(to: Endpoint, options: ConnectOptions = {}): Promise<TcpSocket> {
    const timeoutMs = options.timeoutMs ?? this.defaultConnectTimeoutMs;
    const where = formatEndpoint(to.host, to.port);
    return new Promise((resolve, reject) => {
      let socket: Socket;
      try {
        // highWaterMark reaches the stream.Duplex constructor; @types/node 20 does not list it.
        // onread: every packet lands in one buffer per socket, lent to the engine for the call
        // (TcpSocketHandlers.data). A fresh buffer per read cost ~40 MB of RSS at 300 MB/s.
        const reader = new ReusedReadBuffer();
        const connectOptions: NetConnectOpts & { highWaterMark: number } = {
          host: to.host,
          port: to.port,
          highWaterMark: this.highWaterMark,
          onread: { buffer: reader.buffer, callback: (n: number) => reader.deliver(n) },
        };
        socket = createConnection(connectOptions);
        readers.set(socket, reader);
      } catch (error) {
        reject(toNetError(error, `cannot connect to ${where}`));
        return;
      }
      const timer = setTimeout(() => {
        cleanup();
        socket.on('error', () => undefined); // nobody listens any more; never crash on a late one
        socket.destroy();
        reject(new NetError('timeout', `connecting to ${where} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      const onError = (error: Error): void => {
        cleanup();
        socket.destroy();
        reject(toNetError(error, `cannot connect to ${where}`));
      };
      const onConnect = (): void => {
        cleanup();
        const wrapped = new NodeTcpSocket(socket, to);
        readers.get(socket)!.target = wrapped;
        resolve(wrapped);
      };
      const cleanup = (): void => {
        clearTimeout(timer);
        socket.off('error', onError);
        socket.off('connect', onConnect);
      };
      socket.once('error', onError);
      socket.once('connect', onConnect);
    });
  }

  listen(port: number, host: string, onConnection: (socket: TcpSocket) => void): Promise<TcpListener> {
    return new Promise((resolve, reject) => {
      // pauseOnConnect: nothing is read until the engine installs handlers.
      const server = createServer({ pauseOnConnect: true, noDelay: true, highWaterMark: this.highWaterMark }, (socket) => {
        // A socket can be reset before we see it; it has no remote address then.
        if (socket.remoteAddress === undefined) {
          socket.destroy();
          return;
        }
        onConnection(new NodeTcpSocket(socket));
      });
      const onError = (error: Error): void => {
        reject(toNetError(error, `cannot listen on ${formatEndpoint(host, port)}`));
      };
      server.once('error', onError);
      server.listen(port, host, () => {
        server.off('error', onError);
        // Errors after listening (EMFILE on accept) must not crash the process; node retries.
        server.on('error', () => undefined);
        const address = server.address();
        const boundPort = typeof address === 'object' && address ? address.port : port;
        resolve({
          port: boundPort,
          close: () =>
            new Promise<void>((done) => {
              // server.close() waits for accepted connections to end; those belong to the
              // engine, so resolve as soon as the listening socket itself is gone.
              server.close();
              setImmediate(done);
            }),
        });
      });
    });
  }

  bindUdp(port: number, host: string): Promise<UdpSocket> {
    return new Promise((resolve, reject) => {
      const socket = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4' });
      const onError = (error: Error): void => {
        try {
          socket.close();
        } catch {
          // Never bound.
        }
        reject(toNetError(error, `cannot bind UDP ${formatEndpoint(host, port)}`));
      };
      socket.once('error', onError);
      socket.bind(port, host, () => {
        socket.off('error', onError);
        if (this.udpSocketBufferBytes > 0) setUdpBuffers(socket, this.udpSocketBufferBytes);
        resolve(new NodeUdpSocket(socket, socket.address().port));
      });
    });
  }

  bindMulticast(options: MulticastOptions): Promise<UdpSocket> {
    return bindNodeMulticast(options);
  }
}

/** Best effort: the OS caps (or refuses) sizes beyond its maximum; its default still works. */
function setUdpBuffers(socket: ReturnType<typeof createSocket>, bytes: number): void {
  try {
    socket.setRecvBufferSize(bytes);
    socket.setSendBufferSize(bytes);
  } catch {
    // Keep the default buffers.
  }
}

/**
 * A socket on the multicast port (bound to the wildcard address with SO_REUSEADDR, as other BEP
 * 14 clients do, so they can share it) joined to the group on one interface or the OS's choice.
 */
export function bindNodeMulticast(options: MulticastOptions): Promise<UdpSocket> {
  const v6 = isIPv6(options.group);
  return new Promise((resolve, reject) => {
    const socket = createSocket({ type: v6 ? 'udp6' : 'udp4', reuseAddr: true });
    const fail = (error: unknown): void => {
      try {
        socket.close();
      } catch {
        // Never bound.
      }
      reject(toNetError(error, `cannot join multicast ${formatEndpoint(options.group, options.port)}`));
    };
    socket.once('error', fail);
    socket.bind(options.port, v6 ? '::' : '0.0.0.0', () => {
      socket.off('error', fail);
      try {
        socket.addMembership(options.group, options.interfaceAddress);
        if (options.interfaceAddress) socket.setMulticastInterface(options.interfaceAddress);
        socket.setMulticastTTL(options.ttl);
        socket.setMulticastLoopback(options.loopback);
      } catch (error) {
        fail(error);
        return;
      }
      resolve(new NodeUdpSocket(socket, socket.address().port));
    });
  });
}

/** Size of the buffer each outgoing socket reads into (the kernel hands over up to this much). */
const READ_BUFFER_BYTES = 256 * 1024;

const readers = new WeakMap<Socket, ReusedReadBuffer>();

/** The `onread` target of one socket: a reused buffer, delivered as a lent view. */
class ReusedReadBuffer {
  readonly buffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  target: NodeTcpSocket | undefined;

  /** Returns true: keep reading (the socket's own pause() still stops it). */
  deliver(n: number): boolean {
    // Before connect completes nothing is read; the wrapper copies if it must keep bytes.
    this.target?.receive(new Uint8Array(this.buffer.buffer, this.buffer.byteOffset, n));
    return true;
  }
}
