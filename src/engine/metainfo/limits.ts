/**
 * Limits for .torrent files, metadata and magnets, in one place (defaults after libtorrent:
 * max_buffer_size 10 MB, max_pieces 0x200000). Hostile input is bounded by these, not trusted.
 */
export interface MetainfoLimits {
  /** Largest .torrent file accepted. */
  maxTorrentSize: number;
  /** Largest info dict accepted, from a file or fetched over ut_metadata (BEP 9). */
  maxMetadataSize: number;
  maxPieces: number;
  /** Largest `piece length`; any positive value up to this is accepted. */
  maxPieceLength: number;
  maxFiles: number;
  /** Most components in one file path (the torrent's name not counted). */
  maxPathDepth: number;
  /** Longer path components are truncated (keeping the extension), in UTF-8 bytes. */
  maxPathComponentLength: number;
  /** Longest magnet URI accepted, in characters. */
  maxMagnetLength: number;
  /** Most file indexes a magnet `so=` may select. */
  maxSelectOnly: number;
}

export const DEFAULT_METAINFO_LIMITS: Readonly<MetainfoLimits> = Object.freeze({
  maxTorrentSize: 10_000_000,
  maxMetadataSize: 10_000_000,
  maxPieces: 0x200000,
  maxPieceLength: 128 * 1024 * 1024,
  maxFiles: 100_000,
  maxPathDepth: 100,
  maxPathComponentLength: 255,
  maxMagnetLength: 65_536,
  maxSelectOnly: 100_000,
});

export function resolveMetainfoLimits(limits?: Partial<MetainfoLimits>): MetainfoLimits {
  return { ...DEFAULT_METAINFO_LIMITS, ...limits };
}
