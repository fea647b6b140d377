/** The test page: browser adapters and a few helpers on `window.te`, for page.evaluate. */
import { OpfsStorageManager } from '../../../src/platform/browser/opfs-storage.js';
import { IdbKeyValueStore, prefixUpperBound } from '../../../src/platform/browser/idb-kv.js';
import { FetchHttpClient } from '../../../src/platform/browser/fetch-http.js';
import { createBrowserPlatform, randomBytes } from '../../../src/platform/browser/index.js';
import { WorkerHasher } from '../../../src/platform/browser/worker-hasher.js';
import { createNextTask } from '../../../src/platform/browser/next-task.js';
import { StorageError } from '../../../src/platform/interfaces/storage.js';
import { NetError } from '../../../src/platform/interfaces/net.js';
import type { Network } from '../../../src/platform/interfaces/net.js';
import { fromUtf8, toHex, utf8 } from '../../../src/engine/util/bytes.js';
import { randomWrites, sequentialReads } from '../../../bench/browser-storage/workload.js';
import { PieceStore } from '../../../src/engine/storage/piece-store.js';
import { createTorrent, parseTorrent } from '../../../src/engine/metainfo/index.js';
import { TorrentError } from '../../../src/engine/util/errors.js';
import { WebCryptoHasher } from '../../../src/platform/webcrypto-hasher.js';

/** An error as plain data, so page.evaluate can return it. */
async function failure(promise: Promise<unknown>): Promise<{ name: string; kind?: string; message: string } | null> {
  try {
    await promise;
    return null;
  } catch (error) {
    if (error instanceof StorageError || error instanceof NetError || error instanceof TorrentError) return { name: error.name, kind: error.kind, message: error.message };
    const e = error as Error;
    return { name: e.name, message: e.message };
  }
}

/** Names in an OPFS folder (`[]` is the OPFS root): what a test can see actually got created. */
async function listNames(path: string[]): Promise<string[]> {
  let dir = await navigator.storage.getDirectory();
  for (const part of path) dir = await dir.getDirectoryHandle(part);
  const names: string[] = [];
  // keys() is in the DOM.AsyncIterable lib, which the tree's tsconfig does not load.
  for await (const name of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(name);
  return names;
}

const api = {
  listNames,
  OpfsStorageManager,
  IdbKeyValueStore,
  FetchHttpClient,
  createBrowserPlatform,
  WorkerHasher,
  createNextTask,
  randomBytes,
  prefixUpperBound,
  utf8,
  fromUtf8,
  toHex,
  failure,
  randomWrites,
  sequentialReads,
  PieceStore,
  createTorrent,
  parseTorrent,
  WebCryptoHasher,
  /** A Network that refuses everything: these tests never touch the network. */
  noNetwork: {
    connect: () => Promise.reject(new NetError('unreachable', 'no network in this test')),
    listen: () => Promise.reject(new NetError('other', 'no network in this test')),
    bindUdp: () => Promise.reject(new NetError('other', 'no network in this test')),
  } satisfies Network,
  /** Things a test keeps between evaluate calls. */
  held: {} as Record<string, unknown>,
};

export type TestApi = typeof api;
(globalThis as unknown as { te: TestApi }).te = api;
