import type { TorrentMeta } from '../metainfo/index.js';
import type { ResumeRecord } from '../storage/resume-store.js';
import type { TrackerStatus } from '../tracker/announcer.js';
import type { TorrentBandwidth } from './rate-gate.js';
import type { TorrentInit } from './torrent-deps.js';
import type { TorrentSettings } from './torrent-settings.js';
import type { FilePriority } from './types.js';

/**
 * What a torrent keeps across runs and restarts: when it was added and completed, its tracker
 * tiers, its name before metadata, payload totals (restored + this session), and the resume
 * record made of them.
 */
export class TorrentLedger {
  readonly addedAt: number;
  completedAt: number | undefined;
  readonly trackers: string[][];
  private readonly restoredDownloaded: number;
  private readonly restoredUploaded: number;

  constructor(
    private readonly init: TorrentInit,
    private readonly bandwidth: TorrentBandwidth,
  ) {
    const record = init.record;
    this.addedAt = record?.addedAt || Date.now();
    this.completedAt = record?.completedAt;
    this.restoredDownloaded = record?.downloaded ?? 0;
    this.restoredUploaded = record?.uploaded ?? 0;
    this.trackers = mergeTiers(init.meta?.announce ?? [], init.magnet ? [init.magnet.trackers] : [], init.options.trackers ?? [], record?.trackers ?? []);
  }

  get downloaded(): number {
    return this.restoredDownloaded + this.bandwidth.download.meter.total;
  }

  get uploaded(): number {
    return this.restoredUploaded + this.bandwidth.upload.meter.total;
  }

  /** The metadata's name, else the magnet's, else the saved one, else the infohash. */
  name(meta: TorrentMeta | undefined, infoHashHex: string): string {
    return meta?.name ?? this.init.magnet?.name ?? this.init.record?.name ?? infoHashHex;
  }

  /** Trackers as the announcer reports them, or idle ones while the torrent does not run. */
  trackerStatus(live: TrackerStatus[] | undefined): TrackerStatus[] {
    return live ?? this.trackers.flatMap((tier, i) => tier.map((url) => ({ url, tier: i, state: 'idle' as const, peersReceived: 0 })));
  }

  /** The record saved for the torrent: a bitfield we cannot vouch for now keeps the saved one. */
  record(now: { infoHashHex: string; name: string; bitfield: Uint8Array | undefined; filePriorities: FilePriority[]; paused: boolean; seedingMs: number; settings: TorrentSettings }): ResumeRecord {
    const previous = this.init.record;
    const magnet = this.init.magnetUri ?? previous?.magnet;
    return {
      infoHash: now.infoHashHex,
      destination: this.init.options.destination,
      bitfield: now.bitfield ?? previous?.bitfield ?? new Uint8Array(0),
      filePriorities: now.filePriorities,
      uploaded: this.uploaded,
      downloaded: this.downloaded,
      addedAt: this.addedAt,
      ...(this.completedAt !== undefined ? { completedAt: this.completedAt } : {}),
      paused: now.paused,
      name: now.name,
      trackers: this.trackers,
      ...(magnet ? { magnet } : {}),
      seedingMs: now.seedingMs,
      settings: now.settings,
    };
  }
}

/** BEP 12 tiers from several lists, each URL once (first place wins), empty tiers dropped. */
export function mergeTiers(...lists: string[][][]): string[][] {
  const seen = new Set<string>();
  const out: string[][] = [];
  for (const tiers of lists) {
    for (const tier of tiers) {
      const fresh = tier.filter((u) => u && !seen.has(u) && seen.add(u));
      if (fresh.length > 0) out.push(fresh);
    }
  }
  return out;
}
