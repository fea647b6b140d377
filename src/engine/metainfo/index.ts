export type { TorrentFile, TorrentMeta, MagnetLink } from './types.js';
export { DEFAULT_METAINFO_LIMITS, resolveMetainfoLimits, type MetainfoLimits } from './limits.js';
export { parseTorrent, parseInfo, normalizeTiers, type InfoExtras } from './parse.js';
export { sanitizeComponent, sanitizePath, truncateUtf8, utf8Length } from './path-sanitizer.js';
export { makeUniquePaths } from './unique-paths.js';
export { parseMagnet, formatMagnet, toMagnet, parsePeerAddress, parseSelectOnly } from './magnet.js';
export { createTorrent, pickPieceLength, type CreateTorrentOptions } from './create.js';
