/**
 * The engine's `Hasher` over WebCrypto (`crypto.subtle`), available in browsers, workers and
 * Node 20's global `crypto`. subtle.digest works off the calling thread where the platform
 * allows it (Node uses its thread pool), so hashing never blocks a UI.
 */
import type { Hasher } from './interfaces/hash.js';

export class WebCryptoHasher implements Hasher {
  constructor(private readonly subtle: SubtleCrypto = globalThis.crypto.subtle) {}

  sha1(data: Uint8Array): Promise<Uint8Array> {
    return this.digest('SHA-1', data);
  }

  sha256(data: Uint8Array): Promise<Uint8Array> {
    return this.digest('SHA-256', data);
  }

  private async digest(algorithm: 'SHA-1' | 'SHA-256', data: Uint8Array): Promise<Uint8Array> {
    // digest() refuses views of a SharedArrayBuffer; copy those (never the case for socket data).
    const input = data.buffer instanceof ArrayBuffer ? (data as Uint8Array<ArrayBuffer>) : new Uint8Array(data);
    return new Uint8Array(await this.subtle.digest(algorithm, input));
  }
}
