import type { SwarmLimits } from '../swarm/swarm-limits.js';
import type { Clock } from '../util/clock.js';
import { TorrentBandwidth, type Bucket } from './rate-gate.js';
import { applySettingsChange, type TorrentSettings, type TorrentSettingsChange } from './torrent-settings.js';

/**
 * A torrent's own settings as they stand, and the two things they drive directly: its bandwidth
 * (own limits in front of the client's buckets) and its own copy of the swarm limits (the
 * connection cap can change while it runs). Super-seeding, goals and forced start are applied by
 * their owners (Torrent, Client).
 */
export class TorrentOwnSettings {
  readonly bandwidth: TorrentBandwidth;
  readonly swarmLimits: SwarmLimits;
  private current: TorrentSettings;

  constructor(
    clock: Clock,
    initial: TorrentSettings,
    private readonly clientLimits: SwarmLimits,
    globalBuckets: { download: readonly Bucket[]; upload: readonly Bucket[] },
  ) {
    this.current = initial;
    this.bandwidth = new TorrentBandwidth(clock, { download: initial.downloadLimit, upload: initial.uploadLimit }, globalBuckets);
    this.swarmLimits = { ...clientLimits, ...(initial.maxConnections !== undefined ? { maxPeers: initial.maxConnections } : {}) };
  }

  /** The settings as saved in the resume record (not a copy: do not change it). */
  get saved(): TorrentSettings {
    return this.current;
  }

  /** A copy a caller may keep. */
  snapshot(): TorrentSettings {
    const own = this.current;
    return { ...own, ...(own.seedGoals ? { seedGoals: { ...own.seedGoals } } : {}) };
  }

  /** Check and apply a change (a bad value throws and changes nothing); returns the new settings. */
  change(change: TorrentSettingsChange): TorrentSettings {
    const next = applySettingsChange(this.current, change);
    this.current = next;
    this.bandwidth.setLimits({ download: next.downloadLimit, upload: next.uploadLimit });
    this.swarmLimits.maxPeers = next.maxConnections ?? this.clientLimits.maxPeers;
    return next;
  }
}

/** `setLimits`' bytes/s (0 = none) as a settings change: a limit left out stays. */
export function limitsChange(limits: { download?: number; upload?: number }): TorrentSettingsChange {
  return {
    ...(limits.download !== undefined ? { downloadLimit: limits.download } : {}),
    ...(limits.upload !== undefined ? { uploadLimit: limits.upload } : {}),
  };
}
