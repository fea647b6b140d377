/**
 * createStreamEncryption: the StreamEncryption seam (src/engine/peer/transport.ts) over MSE/PE.
 * Every handshake is bounded by `handshakeTimeoutMs` on the injected clock; on any failure the
 * socket is destroyed and the promise rejects with a TorrentError naming the peer and the cause.
 */
import type { TcpSocket } from '../../../platform/interfaces/index.js';
import type { Clock } from '../../util/clock.js';
import { errorMessage, TorrentError } from '../../util/errors.js';
import { HandshakeRedial, type EncryptionPolicy, type StreamEncryption } from '../../peer/transport.js';
import type { HandshakeContext } from './context.js';
import { HandshakeReader } from './handshake-reader.js';
import { incomingHandshake } from './incoming.js';
import { resolveMseLimits, type MseLimits } from './limits.js';
import { outgoingHandshake } from './outgoing.js';
import { cryptoProvide } from './policy.js';
import { formatEndpoint } from '../../util/endpoint.js';

export interface StreamEncryptionOptions {
  /** Cryptographically strong random bytes (DH private keys, padding). */
  randomBytes(n: number): Uint8Array;
  clock: Clock;
  limits?: Partial<MseLimits>;
}

/** crypto.getRandomValues, present in browsers, workers and Node >= 19 alike. */
export function cryptoRandomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  // getRandomValues fills at most 65536 bytes per call.
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(out.subarray(i, Math.min(n, i + 65536)));
  return out;
}

export function createStreamEncryption(options: StreamEncryptionOptions): StreamEncryption {
  const limits = resolveMseLimits(options.limits);
  const ctx: HandshakeContext = { randomBytes: (n) => options.randomBytes(n), limits };

  async function run(
    socket: TcpSocket,
    body: (reader: HandshakeReader) => Promise<{ socket: TcpSocket; encrypted: boolean }>,
  ): Promise<{ socket: TcpSocket; encrypted: boolean }> {
    const where = formatEndpoint(socket.remote.host, socket.remote.port);
    const reader = new HandshakeReader(socket, limits);
    const timer = options.clock.setTimeout(
      () => reader.fail(new TorrentError('network', `no answer within ${limits.handshakeTimeoutMs} ms`)),
      limits.handshakeTimeoutMs,
    );
    try {
      return await body(reader);
    } catch (error) {
      reader.fail(error as Error);
      socket.destroy();
      if (error instanceof HandshakeRedial) throw error;
      const kind = error instanceof TorrentError ? error.kind : 'protocol';
      throw new TorrentError(kind, `encryption handshake with ${where} failed: ${errorMessage(error)}`);
    } finally {
      options.clock.clearTimeout(timer);
    }
  }

  return {
    outgoing(socket: TcpSocket, infoHash: Uint8Array, policy: EncryptionPolicy) {
      if (policy === 'disabled') return Promise.resolve({ socket, encrypted: false });
      return run(socket, (reader) => outgoingHandshake(ctx, socket, reader, infoHash, cryptoProvide(policy)));
    },
    incoming(socket: TcpSocket, infoHashes: () => Iterable<Uint8Array>, policy: EncryptionPolicy) {
      return run(socket, (reader) => incomingHandshake(ctx, socket, reader, infoHashes, policy));
    },
  };
}
