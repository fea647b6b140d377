export { createWebSeed, WebSeed, type WebSeedHost, type WebSeedOptions, type WebSeedState, type WebSeedStats } from './web-seed.js';
export { DEFAULT_WEBSEED_LIMITS, resolveWebSeedLimits, type WebSeedLimits } from './limits.js';
export { WebSeedUrls, checkWebSeedUrl } from './url.js';
export { fileSpans, blockRuns, splitRuns, type FileSpan, type BlockRun } from './ranges.js';
export { fetchSpan, WebSeedFetchError, type SpanRequest } from './fetch-span.js';
