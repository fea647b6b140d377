/** Local service discovery (BEP 14): peers on the local network by multicast. */
export * from './lsd-limits.js';
export * from './lsd-message.js';
export * from './local-discovery.js';
