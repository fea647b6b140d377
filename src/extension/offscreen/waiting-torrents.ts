/**
 * The torrents the list shows that the running engine does not: all saved ones while there is
 * no engine (no native host), or, with one, those that failed to start or are not started yet,
 * each with why it waits. Live stats win over these (stats for one infohash appear once).
 */
import type { Client } from '../../engine/session/client.js';
import type { TorrentStats } from '../../engine/session/types.js';
import type { ResumeStore } from '../../engine/storage/resume-store.js';
import type { HostStatus } from '../messages.js';
import { listSaved, savedStats } from './saved-list.js';
import type { SavedTorrents } from './saved-torrents.js';

export class WaitingTorrents {
  private waiting: TorrentStats[] = [];
  /** Why a saved torrent failed to start in the running client (shown until it starts). */
  private readonly startErrors = new Map<string, string>();

  constructor(
    private readonly resume: ResumeStore,
    private readonly saved: SavedTorrents,
    private readonly destinationOf: (hex: string) => string,
  ) {}

  failed(hex: string, reason: string): void {
    this.startErrors.set(hex, reason);
  }

  /** It started, or was removed: no error to show any more. */
  clearError(hex: string): void {
    this.startErrors.delete(hex);
  }

  /** The running client's stats first, then the waiting ones it does not have. */
  withLive(live: TorrentStats[]): TorrentStats[] {
    const liveSet = new Set(live.map((t) => t.infoHash));
    return [...live, ...this.waiting.filter((t) => !liveSet.has(t.infoHash))];
  }

  /** Recompute from the saved data; `adding` are being added to the client right now. */
  async refresh(client: Client | null, adding: ReadonlyMap<string, unknown>, offline: string): Promise<void> {
    if (!client) {
      this.waiting = await listSaved(this.resume, this.saved, offline, this.destinationOf);
      return;
    }
    const out: TorrentStats[] = [];
    for (const hex of await this.saved.list()) {
      if (client.get(hex) || adding.has(hex)) continue;
      const [record, info, source] = await Promise.all([this.resume.load(hex), this.resume.loadInfo(hex), this.saved.load(hex)]);
      out.push(savedStats(hex, record, info, source, this.startErrors.get(hex) ?? 'Starting…', this.destinationOf(hex)));
    }
    this.waiting = out;
  }
}

/** Why the engine is not running, for a user to act on. */
export function offlineReason(host: HostStatus | null): string {
  if (host?.state === 'missing') return `Waiting for the native host: run \`${host.installCommand}\` in the TorrentEdge folder.`;
  if (host?.state === 'error') return host.message ?? 'The native host is not working; retrying.';
  return 'Connecting to the native host…';
}
