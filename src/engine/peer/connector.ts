import type { Endpoint, Network, TcpSocket } from '../../platform/interfaces/index.js';
import type { EncryptionPolicy, PeerStream, StreamEncryption, UtpTransport } from './transport.js';

export interface ConnectorOptions {
  network: Network;
  utp?: UtpTransport;
  encryption?: StreamEncryption;
  policy: EncryptionPolicy;
  connectTimeoutMs: number;
}

/**
 * How we reach a peer, as libtorrent does by default: TCP first (a refusal is quick), uTP when
 * TCP fails (a uTP-only peer is still reached); then MSE per the policy: encrypted first and a
 * plaintext retry when the peer does not speak MSE, unless encryption is required.
 */
export class Connector {
  constructor(private readonly options: ConnectorOptions) {}

  async dial(to: Endpoint, infoHash: Uint8Array): Promise<PeerStream> {
    const { socket, transport } = await this.open(to);
    const { encryption, policy } = this.options;
    if (!encryption || policy === 'disabled') return { socket, transport, encrypted: false };
    try {
      const negotiated = await encryption.outgoing(socket, infoHash, policy);
      return { socket: negotiated.socket, transport, encrypted: negotiated.encrypted };
    } catch (error) {
      socket.destroy();
      if (policy === 'required') throw error;
      // The peer may not speak MSE at all (WebTorrent, many small clients): plaintext retry.
      const again = await this.openWith(transport, to);
      return { socket: again, transport, encrypted: false };
    }
  }

  private async open(to: Endpoint): Promise<{ socket: TcpSocket; transport: 'tcp' | 'utp' }> {
    try {
      return { socket: await this.openWith('tcp', to), transport: 'tcp' };
    } catch (error) {
      if (!this.options.utp) throw error;
      return { socket: await this.openWith('utp', to), transport: 'utp' };
    }
  }

  private openWith(transport: 'tcp' | 'utp', to: Endpoint): Promise<TcpSocket> {
    const timeoutMs = this.options.connectTimeoutMs;
    if (transport === 'utp') return this.options.utp!.connect(to, { timeoutMs });
    return this.options.network.connect(to, { timeoutMs });
  }
}
