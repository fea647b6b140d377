export { createDht, Dht, type DhtOptions, type DhtStats } from './dht.js';
export { DEFAULT_DHT_LIMITS, resolveDhtLimits, type DhtLimits } from './limits.js';
