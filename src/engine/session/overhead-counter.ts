import type { Bucket } from './rate-gate.js';

/** What the counter reads of a peer connection (PeerConnection provides it). */
export interface WireBytes {
  readonly bytesReceived: number;
  readonly bytesSent: number;
  readonly downloaded: { readonly total: number };
  readonly uploaded: { readonly total: number };
}

/**
 * Protocol overhead (every wire byte that is not piece payload: handshakes, message headers,
 * HAVEs, REQUESTs, bitfields, extension messages) charged to the global buckets, so the global
 * limits cap what goes over the wire rather than payload alone. Payload is charged per block by
 * the rate gates; overhead is charged here once a second per connection (O(connections), off
 * the per-block path), so a bucket goes into debt by it and the next blocks wait that much longer.
 * Off by default: the CLI's `--download-limit` caps payload (DESIGN.md); the extension turns it on.
 */
export class OverheadCounter {
  private readonly charged = new WeakMap<WireBytes, { down: number; up: number }>();
  /** Overhead charged so far (for stats and tests). */
  totalDown = 0;
  totalUp = 0;

  constructor(private readonly buckets: { download: readonly Bucket[]; upload: readonly Bucket[] }) {}

  /** Charge what each connection spent on protocol since the last call. */
  charge(connections: Iterable<WireBytes>): void {
    let down = 0;
    let up = 0;
    for (const conn of connections) {
      const overheadDown = Math.max(0, conn.bytesReceived - conn.downloaded.total);
      const overheadUp = Math.max(0, conn.bytesSent - conn.uploaded.total);
      const last = this.charged.get(conn);
      down += Math.max(0, overheadDown - (last?.down ?? 0));
      up += Math.max(0, overheadUp - (last?.up ?? 0));
      if (last) {
        last.down = Math.max(last.down, overheadDown);
        last.up = Math.max(last.up, overheadUp);
      } else this.charged.set(conn, { down: overheadDown, up: overheadUp });
    }
    if (down > 0) for (const bucket of this.buckets.download) bucket.consume(down);
    if (up > 0) for (const bucket of this.buckets.upload) bucket.consume(up);
    this.totalDown += down;
    this.totalUp += up;
  }
}
