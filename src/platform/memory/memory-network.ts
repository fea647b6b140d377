/** The engine's `Network` for one host of a MemoryHub. */
import { NetError, type ConnectOptions, type Endpoint, type MulticastOptions, type Network, type TcpListener, type TcpSocket, type UdpSocket } from '../interfaces/net.js';
import type { MemoryHub } from './memory-hub.js';
import { MemoryTcpSocket } from './memory-tcp-socket.js';
import { MemoryUdpSocket } from './memory-udp-socket.js';
import { formatEndpoint } from '../../engine/util/endpoint.js';

const FIRST_EPHEMERAL_PORT = 49152;
const FIRST_AUTO_LISTEN_PORT = 20000;
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

export class MemoryNetwork implements Network {
  private nextEphemeralPort = FIRST_EPHEMERAL_PORT;
  private nextAutoPort = FIRST_AUTO_LISTEN_PORT;

  constructor(
    private readonly hub: MemoryHub,
    readonly address: string,
  ) {}

  connect(to: Endpoint, options: ConnectOptions = {}): Promise<TcpSocket> {
    return new Promise((resolve, reject) => {
      const where = formatEndpoint(to.host, to.port);
      if (this.hub.isBlackholed(to.host)) {
        const timeoutMs = options.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
        setTimeout(() => reject(new NetError('timeout', `connecting to ${where} timed out after ${timeoutMs} ms`)), timeoutMs);
        return;
      }
      this.hub.schedule(() => {
        if (!this.hub.hasHost(to.host)) {
          reject(new NetError('unreachable', `cannot connect to ${where}: no such host`));
          return;
        }
        const onConnection = this.hub.tcpListener(to.host, to.port);
        if (!onConnection) {
          reject(new NetError('refused', `cannot connect to ${where}: connection refused`));
          return;
        }
        const local = { host: this.address, port: this.nextEphemeralPort++ };
        const [client, server] = MemoryTcpSocket.pair(this.hub, local, to);
        onConnection(server);
        resolve(client);
      });
    });
  }

  /** `host` is ignored: a memory host has one address and listens on it. */
  listen(port: number, _host: string, onConnection: (socket: TcpSocket) => void): Promise<TcpListener> {
    const chosen = port === 0 ? this.freePort((p) => this.hub.tcpListener(this.address, p) !== undefined) : port;
    if (this.hub.tcpListener(this.address, chosen)) {
      return Promise.reject(new NetError('other', `cannot listen on ${this.address}:${chosen}: address in use`));
    }
    this.hub.setTcpListener(this.address, chosen, onConnection);
    let open = true;
    return Promise.resolve({
      port: chosen,
      close: async () => {
        if (open && this.hub.tcpListener(this.address, chosen) === onConnection) {
          this.hub.setTcpListener(this.address, chosen, undefined);
        }
        open = false;
      },
    });
  }

  bindUdp(port: number, _host: string): Promise<UdpSocket> {
    const chosen = port === 0 ? this.freePort((p) => this.hub.udpSocket(this.address, p) !== undefined) : port;
    if (this.hub.udpSocket(this.address, chosen)) {
      return Promise.reject(new NetError('other', `cannot bind UDP ${this.address}:${chosen}: address in use`));
    }
    const socket = new MemoryUdpSocket(this.hub, this.address, chosen);
    this.hub.setUdpSocket(this.address, chosen, socket);
    return Promise.resolve(socket);
  }

  /** Multicast on the hub: one member per host and group; the interface option has no meaning here. */
  bindMulticast(options: MulticastOptions): Promise<UdpSocket> {
    const socket = new MemoryUdpSocket(this.hub, this.address, options.port, { group: options.group, loopback: options.loopback });
    // Unicast to this host's port reaches the member too, when nothing else holds the port.
    if (!this.hub.udpSocket(this.address, options.port)) this.hub.setUdpSocket(this.address, options.port, socket);
    this.hub.joinGroup(options.group, options.port, socket);
    return Promise.resolve(socket);
  }

  private freePort(taken: (port: number) => boolean): number {
    while (taken(this.nextAutoPort)) this.nextAutoPort++;
    return this.nextAutoPort++;
  }
}
