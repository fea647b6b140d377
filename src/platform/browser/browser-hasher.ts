/** Hashing in the browser: whole pieces in a hash worker, small inputs with WebCrypto in place. */
export { WorkerHasher as BrowserHasher, WorkerHasher, WORKER_HASHER_DEFAULTS, type WorkerHasherOptions } from './worker-hasher.js';
