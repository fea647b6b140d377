/** The platform for deterministic tests: a host on a MemoryHub, with memory disks. */
import type { Platform } from '../interfaces/index.js';
import type { Random } from '../../engine/util/random.js';
import { WebCryptoHasher } from '../webcrypto-hasher.js';
import type { MemoryHub } from './memory-hub.js';
import type { MemoryNetwork } from './memory-network.js';
import { MemoryHttpClient } from './memory-http.js';
import { MemoryFileStorage } from './memory-storage.js';
import { MemoryKeyValueStore } from './memory-kv.js';

export interface MemoryPlatformOptions {
  /** Pass a previous platform's `kv` and `storages` to simulate a restart with the same disk. */
  kv?: MemoryKeyValueStore;
  storages?: Map<string, MemoryFileStorage>;
  /** Capacity of each storage opened from now on (see MemoryFileStorage). */
  capacityBytes?: number;
  /** Source of randomBytes(); crypto.getRandomValues when absent. Seed it for repeatable runs. */
  random?: Random;
}

export interface MemoryPlatform extends Platform {
  network: MemoryNetwork;
  kv: MemoryKeyValueStore;
  /** Storage per root: opening a root again returns the same files. */
  storages: Map<string, MemoryFileStorage>;
}

/** crypto.getRandomValues fills at most this many bytes per call. */
const MAX_RANDOM_VALUES = 65536;

export function createMemoryPlatform(hub: MemoryHub, host: string, options: MemoryPlatformOptions = {}): MemoryPlatform {
  const storages = options.storages ?? new Map<string, MemoryFileStorage>();
  const random = options.random;
  return {
    network: hub.host(host),
    http: new MemoryHttpClient(hub.http),
    hasher: new WebCryptoHasher(),
    kv: options.kv ?? new MemoryKeyValueStore(),
    storages,
    openStorage: async (root) => {
      let storage = storages.get(root);
      if (!storage) storages.set(root, (storage = new MemoryFileStorage({ capacityBytes: options.capacityBytes })));
      return storage;
    },
    randomBytes: (length) => {
      const out = new Uint8Array(length);
      if (random) {
        for (let i = 0; i < length; i++) out[i] = random.int(256);
        return out;
      }
      for (let i = 0; i < length; i += MAX_RANDOM_VALUES) crypto.getRandomValues(out.subarray(i, i + MAX_RANDOM_VALUES));
      return out;
    },
  };
}

export { MemoryHub, MEMORY_HUB_DEFAULTS, type MemoryHubOptions } from './memory-hub.js';
export { MemoryNetwork } from './memory-network.js';
export { MemoryTcpSocket } from './memory-tcp-socket.js';
export { MemoryUdpSocket } from './memory-udp-socket.js';
export { MemoryHttpClient, MemoryHttpRouter, type MemoryHttpHandler, type MemoryHttpReply } from './memory-http.js';
export { MemoryFileStorage, type MemoryFileStorageOptions } from './memory-storage.js';
export { MemoryKeyValueStore } from './memory-kv.js';
export { WebCryptoHasher } from '../webcrypto-hasher.js';
