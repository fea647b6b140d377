/**
 * How connections to peers are made, beyond plain TCP: the seams where uTP (BEP 29) and message
 * stream encryption (MSE/PE) plug into the client. Plain TCP needs none of these.
 */
import type { Endpoint, TcpSocket } from '../../platform/interfaces/index.js';
import { TorrentError } from '../util/errors.js';

/** A peer connection stream, whatever carries it. uTP and MSE sockets implement TcpSocket. */
export interface PeerStream {
  socket: TcpSocket;
  transport: 'tcp' | 'utp';
  encrypted: boolean;
}

/** uTP streams over the client's UDP socket (src/engine/utp/). */
export interface UtpTransport {
  /** Open a uTP connection; rejects like Network.connect (NetError kinds). */
  connect(to: Endpoint, options?: { timeoutMs?: number }): Promise<TcpSocket>;
  /** Incoming uTP connections. */
  onIncoming(listener: (socket: TcpSocket) => void): void;
  /** Feed a UDP datagram; returns false if it is not uTP (the mux then tries the DHT). */
  handlePacket(data: Uint8Array, from: Endpoint): boolean;
  close(): void;
}

export type EncryptionPolicy = 'disabled' | 'allowed' | 'preferred' | 'required';

/** Message stream encryption (src/engine/crypto/mse/). */
/**
 * An outgoing handshake to start over on a new connection with a fresh key: this key pair would
 * be refused by libtorrent-based peers (see src/engine/crypto/mse/outgoing.ts). The Connector
 * redials; nothing was sent that names the torrent.
 */
export class HandshakeRedial extends TorrentError {
  constructor(message: string) {
    super('protocol', message);
    this.name = 'HandshakeRedial';
  }
}

export interface StreamEncryption {
  /**
   * Outgoing: run the MSE handshake for `infoHash` over `socket` (offering RC4, and plaintext
   * too unless the policy is 'required'); resolves with the stream to speak BitTorrent on.
   */
  outgoing(socket: TcpSocket, infoHash: Uint8Array, policy: EncryptionPolicy): Promise<{ socket: TcpSocket; encrypted: boolean }>;
  /**
   * Incoming: look at the first bytes. A plaintext BitTorrent handshake is passed through (bytes
   * already read are replayed) unless the policy is 'required'; an MSE handshake is answered for
   * whichever of `infoHashes()` the peer names.
   */
  incoming(socket: TcpSocket, infoHashes: () => Iterable<Uint8Array>, policy: EncryptionPolicy): Promise<{ socket: TcpSocket; encrypted: boolean }>;
}

/** Peers from the DHT (src/engine/dht/). */
export interface PeerDiscovery {
  /** Look peers up now and every so often; announce our port when `announcePort` is set. */
  lookup(infoHash: Uint8Array, options: { announcePort?: number; onPeers(peers: Endpoint[]): void }): () => void;
}
