import type { Endpoint, Network, TcpSocket } from '../../platform/interfaces/index.js';
import { HandshakeRedial, type EncryptionPolicy, type PeerStream, type StreamEncryption, type UtpTransport } from './transport.js';

/** A fresh key is refused again 1 time in 256: two more tries, then the usual fallback. */
const MAX_HANDSHAKE_REDIALS = 2;

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

  /**
   * `prefer` is the transport to try first. The swarm alternates it after a failed attempt: a
   * uTP-only libtorrent still accepts TCP and then hangs up, so "TCP connected" proves nothing.
   */
  async dial(to: Endpoint, infoHash: Uint8Array, prefer: 'tcp' | 'utp' = 'tcp'): Promise<PeerStream> {
    const { socket, transport } = await this.open(to, prefer);
    const { encryption, policy } = this.options;
    if (!encryption || policy === 'disabled') return { socket, transport, encrypted: false };
    try {
      const negotiated = await this.negotiate(encryption, socket, transport, to, infoHash);
      return { socket: negotiated.socket, transport, encrypted: negotiated.encrypted };
    } catch (error) {
      socket.destroy();
      if (policy === 'required') throw error;
      // The peer may not speak MSE at all (WebTorrent, many small clients): plaintext retry.
      const again = await this.openWith(transport, to);
      return { socket: again, transport, encrypted: false };
    }
  }

  /** MSE on `socket`; a key the peer would mishash is traded for a fresh one on a new connection. */
  private async negotiate(
    encryption: StreamEncryption,
    socket: TcpSocket,
    transport: 'tcp' | 'utp',
    to: Endpoint,
    infoHash: Uint8Array,
  ): Promise<{ socket: TcpSocket; encrypted: boolean }> {
    for (let redials = 0; ; redials++) {
      try {
        return await encryption.outgoing(socket, infoHash, this.options.policy);
      } catch (error) {
        if (!(error instanceof HandshakeRedial) || redials >= MAX_HANDSHAKE_REDIALS) throw error;
      }
      socket = await this.openWith(transport, to);
    }
  }

  private async open(to: Endpoint, prefer: 'tcp' | 'utp'): Promise<{ socket: TcpSocket; transport: 'tcp' | 'utp' }> {
    const first = prefer === 'utp' && this.options.utp ? 'utp' : 'tcp';
    const second = first === 'tcp' ? 'utp' : 'tcp';
    try {
      return { socket: await this.openWith(first, to), transport: first };
    } catch (error) {
      if (second === 'utp' && !this.options.utp) throw error;
      return { socket: await this.openWith(second, to), transport: second };
    }
  }

  private openWith(transport: 'tcp' | 'utp', to: Endpoint): Promise<TcpSocket> {
    const timeoutMs = this.options.connectTimeoutMs;
    if (transport === 'utp') return this.options.utp!.connect(to, { timeoutMs });
    return this.options.network.connect(to, { timeoutMs });
  }
}
