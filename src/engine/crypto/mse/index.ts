/** Message stream encryption (MSE/PE): see stream-encryption.ts. */
export { createStreamEncryption, cryptoRandomBytes, type StreamEncryptionOptions } from './stream-encryption.js';
export { DEFAULT_MSE_LIMITS, type MseLimits } from './limits.js';
export { Rc4, mseRc4 } from './rc4.js';
export { CRYPTO_PLAINTEXT, CRYPTO_RC4 } from './policy.js';
