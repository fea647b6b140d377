/** The platform for the extension's offscreen document: relay sockets, OPFS, IndexedDB, a hash worker. */
import type { Network, Platform } from '../interfaces/index.js';
import { FetchHttpClient, type FetchHttpOptions } from './fetch-http.js';
import { IdbKeyValueStore } from './idb-kv.js';
import { OpfsStorageManager, type OpfsStorageOptions } from './opfs-storage.js';
import { WorkerHasher, type WorkerHasherOptions } from './worker-hasher.js';

export interface BrowserPlatformOptions {
  /** Usually a RelayNetwork (relay-network.ts) connected to the native host. */
  network: Network;
  /** IndexedDB database for resume data and settings (default `torrentedge`). */
  dbName?: string;
  storage?: OpfsStorageOptions;
  http?: FetchHttpOptions;
  hasher?: WorkerHasherOptions;
}

export interface BrowserPlatform extends Platform {
  kv: IdbKeyValueStore;
  /** Beyond openStorage: finished files as Files (getFile) and whole-root removal. */
  storage: OpfsStorageManager;
  /** Piece hashing in a worker (sha1Transfer). */
  hasher: WorkerHasher;
  /** Closes storage (flushing every file), the hash worker and the database. The network is the caller's to close. */
  close(): Promise<void>;
}

/** crypto.getRandomValues fills at most this many bytes per call. */
const MAX_RANDOM_VALUES = 65536;

export async function createBrowserPlatform(options: BrowserPlatformOptions): Promise<BrowserPlatform> {
  const kv = await IdbKeyValueStore.open(options.dbName === undefined ? {} : { dbName: options.dbName });
  const storage = new OpfsStorageManager(options.storage);
  const hasher = new WorkerHasher(options.hasher);
  return {
    network: options.network,
    http: new FetchHttpClient(options.http),
    hasher,
    kv,
    storage,
    openStorage: (root) => storage.open(root),
    randomBytes,
    async close() {
      try {
        await storage.close();
      } finally {
        hasher.close();
        kv.close();
      }
    },
  };
}

export function randomBytes(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let at = 0; at < length; at += MAX_RANDOM_VALUES) {
    crypto.getRandomValues(out.subarray(at, Math.min(length, at + MAX_RANDOM_VALUES)));
  }
  return out;
}

export { OpfsStorage, OpfsStorageManager, OPFS_STORAGE_DEFAULTS, type OpfsStorageOptions } from './opfs-storage.js';
export { IdbKeyValueStore, IDB_KV_DEFAULTS, type IdbKeyValueStoreOptions } from './idb-kv.js';
export { FetchHttpClient, FETCH_HTTP_DEFAULTS, type FetchHttpOptions } from './fetch-http.js';
export { BrowserHasher, WorkerHasher, WORKER_HASHER_DEFAULTS, type WorkerHasherOptions } from './browser-hasher.js';
export { RelayNetwork } from './relay-network.js';
