/** BitTorrent peer wire protocol: handshake, message codec, extensions (BEP 3, 6, 9, 10, 11). */
export * from './limits.js';
export * from './handshake.js';
export * from './messages.js';
export * from './message-parser.js';
export * from './message-encoder.js';
export * from './extension-handshake.js';
export * from './ut-metadata.js';
export * from './ut-pex.js';
export * from './compact-peers.js';
export * from './ip-address.js';
