/** Hashing in the browser is WebCrypto: subtle.digest runs off the main thread. */
export { WebCryptoHasher as BrowserHasher, WebCryptoHasher } from '../webcrypto-hasher.js';
