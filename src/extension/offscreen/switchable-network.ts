/**
 * The engine's Network while the relay comes and goes: the platform (OPFS worker, IndexedDB)
 * lives as long as the offscreen document, the relay only as long as its native host. Calls made
 * with no relay fail like an unreachable network, which the engine already handles.
 */
import { NetError, type ConnectOptions, type Endpoint, type MulticastOptions, type Network, type TcpListener, type TcpSocket, type UdpSocket } from '../../platform/interfaces/index.js';

export class SwitchableNetwork implements Network {
  private current: Network | null = null;

  use(network: Network | null): void {
    this.current = network;
  }

  get connected(): boolean {
    return this.current !== null;
  }

  private need(): Network {
    if (!this.current) throw new NetError('unreachable', 'the TorrentEdge native host is not connected');
    return this.current;
  }

  async connect(to: Endpoint, options?: ConnectOptions): Promise<TcpSocket> {
    return this.need().connect(to, options);
  }

  async listen(port: number, host: string, onConnection: (socket: TcpSocket) => void): Promise<TcpListener> {
    return this.need().listen(port, host, onConnection);
  }

  async bindUdp(port: number, host: string): Promise<UdpSocket> {
    return this.need().bindUdp(port, host);
  }

  async bindMulticast(options: MulticastOptions): Promise<UdpSocket> {
    const network = this.need();
    if (!network.bindMulticast) throw new NetError('other', 'this network has no multicast');
    return network.bindMulticast(options);
  }
}
