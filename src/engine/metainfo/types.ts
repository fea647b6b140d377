export interface TorrentFile {
  /** Index among all files in the info dict, padding included (as other clients number them). */
  index: number;
  /** Sanitized storage path relative to the download dir, '/'-separated: "<name>" or "<name>/<a>/<b>". */
  path: string;
  length: number;
  /** Byte offset in the torrent's concatenated data. */
  offset: number;
  /** BEP 47 padding file (attr contains 'p', or the legacy "_____padding_file_" name): never written to disk. */
  padding: boolean;
}

export interface TorrentMeta {
  /** SHA-1 of the raw info dict (BEP 3). */
  infoHash: Uint8Array;
  infoHashHex: string;
  /** Hybrid torrents (BEP 52): SHA-256 of the raw info dict (the v2 infohash), and as 64 hex digits. */
  infoHashV2?: Uint8Array;
  infoHashV2Hex?: string;
  /** The raw bencoded info dict, as served over ut_metadata (BEP 9). */
  infoBytes: Uint8Array;
  /** Sanitized; the infohash in hex when the torrent's name sanitizes to nothing. */
  name: string;
  pieceLength: number;
  pieceCount: number;
  /** 20 bytes per piece. */
  pieceHashes: Uint8Array;
  lastPieceLength: number;
  totalLength: number;
  files: TorrentFile[];
  multiFile: boolean;
  /** BEP 27: only the torrent's trackers may be used (no DHT, PEX, LSD). */
  private: boolean;
  /** Tracker tiers (BEP 12); a lone `announce` is one tier. */
  announce: string[][];
  /** Web seeds (BEP 19). */
  urlList: string[];
  comment?: string;
  createdBy?: string;
  /** Seconds since the Unix epoch. */
  creationDate?: number;
}

export interface MagnetLink {
  infoHash: Uint8Array;
  infoHashHex: string;
  /** `xt=urn:btmh:1220…` (BEP 52): the v2 infohash of a hybrid torrent, 64 hex digits. */
  infoHashV2Hex?: string;
  /** `dn`: display name until the metadata arrives. */
  name?: string;
  trackers: string[];
  webSeeds: string[];
  /** `x.pe`: peers to try directly. */
  peers: { host: string; port: number }[];
  /** `so` (BEP 53): file indexes to download. */
  selectOnly?: number[];
}
