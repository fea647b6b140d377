export { createDht, Dht, DEFAULT_DHT_BOOTSTRAP, type DhtOptions, type DhtStats } from './dht.js';
export { DEFAULT_DHT_LIMITS, resolveDhtLimits, type DhtLimits } from './limits.js';
