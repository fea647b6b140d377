/**
 * The hash worker: SHA-1 of whole piece buffers, off the offscreen document's main thread.
 * In Chromium crypto.subtle.digest hashes on the calling thread (~2 ms per MiB), which on the
 * main thread competes with the wire parser and the relay socket; here it costs them nothing.
 * The buffer arrives transferred and goes back transferred, so no byte is copied.
 */
import type { HashReply, HashRequest } from './hash-protocol.js';

/** The worker global, typed by hand: the DOM lib types `self` as a Window. */
interface WorkerScope {
  onmessage: ((event: MessageEvent<HashRequest>) => void) | null;
  postMessage(message: HashReply, transfer: Transferable[]): void;
}

const scope = self as unknown as WorkerScope;

scope.onmessage = (event) => {
  const { id, buffer, byteOffset, byteLength } = event.data;
  crypto.subtle.digest('SHA-1', new Uint8Array(buffer, byteOffset, byteLength)).then(
    (digest) => scope.postMessage({ id, ok: true, digest, buffer }, [buffer, digest]),
    (error: unknown) => scope.postMessage({ id, ok: false, message: error instanceof Error ? error.message : String(error), buffer }, [buffer]),
  );
};
