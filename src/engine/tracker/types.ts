/** What the engine asks a tracker, and what it hears back (HTTP and UDP alike). */

export interface PeerAddress {
  host: string;
  port: number;
}

export type AnnounceEvent = 'started' | 'completed' | 'stopped';

export interface AnnounceRequest {
  infoHash: Uint8Array;
  peerId: Uint8Array;
  port: number;
  uploaded: number;
  downloaded: number;
  left: number;
  event?: AnnounceEvent;
  /** Omitted: the tracker's default. */
  numWant?: number;
  /** BEP 7 / BEP 15 `key`: a random 32-bit value that identifies us across IP changes. */
  key: number;
  compact: true;
  /** HTTP only: the `tracker id` a previous response gave, echoed back (BEP 3). */
  trackerId?: string;
}

export interface AnnounceResponse {
  /** Seconds until the next regular announce, as the tracker sent it (not clamped). */
  interval: number;
  minInterval?: number;
  peers: PeerAddress[];
  /** Seeders. */
  complete?: number;
  /** Leechers. */
  incomplete?: number;
  warning?: string;
  /** Opaque; a binary string (one char per byte) so it round-trips exactly. */
  trackerId?: string;
}

export interface ScrapeResponse {
  /** Seeders. */
  complete: number;
  /** Leechers. */
  incomplete: number;
  /** Times the torrent was completed. */
  downloaded: number;
}
