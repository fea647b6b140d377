export * from './net.js';
export * from './http.js';
export * from './storage.js';
export * from './kv.js';
export * from './hash.js';

import type { Network } from './net.js';
import type { HttpClient } from './http.js';
import type { KeyValueStore } from './kv.js';
import type { Hasher } from './hash.js';
import type { FileStorage } from './storage.js';

/** Everything the engine needs from the place it runs in. */
export interface Platform {
  network: Network;
  http: HttpClient;
  hasher: Hasher;
  /** Resume data and settings. */
  kv: KeyValueStore;
  /** Opens byte storage rooted at a destination (a folder path in Node, a store name in OPFS). */
  openStorage(root: string): Promise<FileStorage>;
  /** Cryptographically strong random bytes (peer ids, transaction ids, keys). */
  randomBytes(length: number): Uint8Array;
}
