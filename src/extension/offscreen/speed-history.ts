/**
 * The down/up rates of every torrent over the last minutes, for the dashboard's Speed graph.
 * Sampled from the stats the publisher builds anyway (no timer of its own): at most one sample
 * per interval, in fixed-size rings, so memory is bounded (2 × samples floats per torrent) and a
 * sample costs O(torrents). A gap (no stats built for a while) is filled with zeros.
 */
import type { SpeedHistoryView } from '../messages.js';

export const SPEED_HISTORY_LIMITS = {
  intervalMs: 1_000,
  /** Five minutes at one sample a second. */
  samples: 300,
} as const;

interface Ring {
  down: Float64Array;
  up: Float64Array;
  /** Samples written so far (the ring holds the last `samples` of them). */
  written: number;
}

export class SpeedHistory {
  private readonly rings = new Map<string, Ring>();
  /** Time of the last sample taken (ms); NaN before the first. */
  private lastAt = Number.NaN;

  constructor(
    private readonly intervalMs: number = SPEED_HISTORY_LIMITS.intervalMs,
    private readonly samples: number = SPEED_HISTORY_LIMITS.samples,
  ) {}

  /** Record the rates at `now` if an interval has passed; torrents no longer listed are forgotten. */
  record(now: number, torrents: readonly { infoHash: string; downloadRate: number; uploadRate: number }[]): void {
    if (!Number.isNaN(this.lastAt) && now - this.lastAt < this.intervalMs) return;
    const steps = Number.isNaN(this.lastAt) ? 1 : Math.min(this.samples, Math.floor((now - this.lastAt) / this.intervalMs));
    this.lastAt = Number.isNaN(this.lastAt) ? now : this.lastAt + Math.floor((now - this.lastAt) / this.intervalMs) * this.intervalMs;
    const seen = new Set<string>();
    for (const t of torrents) {
      seen.add(t.infoHash);
      let ring = this.rings.get(t.infoHash);
      if (!ring) {
        ring = { down: new Float64Array(this.samples), up: new Float64Array(this.samples), written: 0 };
        this.rings.set(t.infoHash, ring);
      } else {
        for (let i = 1; i < steps; i++) this.push(ring, 0, 0); // intervals with no sample
      }
      this.push(ring, t.downloadRate, t.uploadRate);
    }
    for (const hex of this.rings.keys()) if (!seen.has(hex)) this.rings.delete(hex);
  }

  /** The torrent's samples, oldest first (empty before its first sample). */
  view(infoHash: string): SpeedHistoryView {
    const ring = this.rings.get(infoHash);
    const end = Number.isNaN(this.lastAt) ? 0 : this.lastAt;
    if (!ring) return { intervalMs: this.intervalMs, endAt: end, down: [], up: [] };
    const n = Math.min(ring.written, this.samples);
    const down: number[] = new Array(n);
    const up: number[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const at = (ring.written - n + i) % this.samples;
      down[i] = Math.round(ring.down[at]!);
      up[i] = Math.round(ring.up[at]!);
    }
    return { intervalMs: this.intervalMs, endAt: end, down, up };
  }

  private push(ring: Ring, down: number, up: number): void {
    const at = ring.written % this.samples;
    ring.down[at] = down;
    ring.up[at] = up;
    ring.written++;
  }
}
