/** The platform for Node: the CLI, integration tests and benchmarks. */
import { randomFillSync } from 'node:crypto';
import { join } from 'node:path';
import type { Platform } from '../interfaces/index.js';
import { NodeNetwork, type NodeNetworkOptions } from './node-network.js';
import { NodeHttpClient, type NodeHttpOptions } from './node-http.js';
import { NodeFileStorage, type NodeFileStorageOptions } from './node-storage.js';
import { NodeKeyValueStore } from './node-kv.js';
import { NodeHasher } from './node-hasher.js';

export interface NodePlatformOptions {
  /** Resume data and settings live in `<stateDir>/kv`. */
  stateDir: string;
  network?: NodeNetworkOptions;
  http?: NodeHttpOptions;
  storage?: NodeFileStorageOptions;
}

export function createNodePlatform(options: NodePlatformOptions): Platform {
  return {
    network: new NodeNetwork(options.network),
    http: new NodeHttpClient(options.http),
    hasher: new NodeHasher(),
    kv: new NodeKeyValueStore(join(options.stateDir, 'kv')),
    openStorage: (root) => Promise.resolve(new NodeFileStorage(root, options.storage)),
    // Filled in place rather than crypto.randomBytes: the caller owns a whole, unpooled buffer.
    randomBytes: (length) => randomFillSync(new Uint8Array(length)),
  };
}

export { NodeNetwork, NODE_NETWORK_DEFAULTS, type NodeNetworkOptions } from './node-network.js';
export { NodeHttpClient, NODE_HTTP_DEFAULTS, type NodeHttpOptions } from './node-http.js';
export { NodeFileStorage, NODE_STORAGE_DEFAULTS, type NodeFileStorageOptions } from './node-storage.js';
export { NodeKeyValueStore } from './node-kv.js';
export { NodeHasher } from './node-hasher.js';
