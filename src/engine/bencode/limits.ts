/**
 * Hard limits for the bencode decoder, in one place (after libtorrent's bdecode limits). Input
 * from peers and .torrent files is hostile until proven otherwise: these bound stack depth,
 * memory and CPU whatever the bytes say.
 */
export interface BencodeLimits {
  /** Lists and dicts nested deeper than this are refused (libtorrent: max_decode_depth = 100). */
  maxDepth: number;
  /** Longest single byte string. */
  maxStringLength: number;
  /** Largest encoded value, in bytes (libtorrent: max_buffer_size = 10 MB). */
  maxTotalSize: number;
  /** Most values (integers, strings, lists, dicts and dict keys) in one input. */
  maxTokens: number;
}

export const DEFAULT_BENCODE_LIMITS: Readonly<BencodeLimits> = Object.freeze({
  maxDepth: 100,
  maxStringLength: 10_000_000,
  maxTotalSize: 10_000_000,
  maxTokens: 2_000_000,
});

export function resolveBencodeLimits(limits?: Partial<BencodeLimits>): BencodeLimits {
  return { ...DEFAULT_BENCODE_LIMITS, ...limits };
}
