import type { TorrentMeta } from '../metainfo/index.js';
import type { Bitfield } from '../swarm/bitfield.js';
import type { PeerSession } from '../swarm/peer-session.js';
import type { TrackerStats, TorrentState, TorrentStats, FileStats, FilePriority } from './types.js';
import type { TorrentRateGate } from './rate-gate.js';
import { contentLength } from './content-length.js';
import type { TorrentSettings } from './torrent-settings.js';

interface StatsSource {
  readonly infoHashHex: string;
  readonly meta: TorrentMeta | undefined;
  readonly have: Bitfield | undefined;
  readonly destination: string;
  readonly download: TorrentRateGate;
  readonly upload: TorrentRateGate;
}

export interface StatsExtras {
  state: TorrentState;
  error?: string;
  name: string;
  filePriorities: readonly FilePriority[];
  downloaded: number;
  uploaded: number;
  hadDataAtStart: boolean;
  hashFailures: number;
  peers: readonly PeerSession[];
  trackers: TrackerStats[];
  addedAt: number;
  completedAt?: number;
  seedingMs: number;
  queuePosition?: number;
  settings?: TorrentSettings;
}

/** A snapshot for the UI and the CLI. O(pieces + files): called a few times a second at most. */
export function buildStats(t: StatsSource, x: StatsExtras): TorrentStats {
  const meta = t.meta;
  const files = meta && t.have ? fileStats(meta, t.have, x.filePriorities) : [];
  let wantedLength = 0;
  let verifiedLength = 0;
  for (const f of files) {
    if (f.priority === 0) continue;
    wantedLength += f.length;
    verifiedLength += f.downloaded;
  }
  const downloadRate = t.download.meter.rate();
  const progress = wantedLength > 0 ? verifiedLength / wantedLength : x.state === 'seeding' ? 1 : 0;
  // Sizes users see leave out BEP 47 padding: nobody downloads it.
  const totalLength = meta ? contentLength(meta) : 0;
  const base = x.hadDataAtStart && x.downloaded === 0 ? totalLength : x.downloaded;
  let seeds = 0;
  for (const p of x.peers) if (p.peerHas === 'all') seeds++;
  return {
    infoHash: t.infoHashHex,
    name: x.name,
    state: x.state,
    ...(x.error !== undefined ? { error: x.error } : {}),
    progress,
    totalLength,
    wantedLength,
    verifiedLength,
    downloaded: x.downloaded,
    uploaded: x.uploaded,
    downloadRate,
    uploadRate: t.upload.meter.rate(),
    eta: x.state === 'downloading' && downloadRate > 0 ? Math.ceil((wantedLength - verifiedLength) / downloadRate) : null,
    ratio: base > 0 ? x.uploaded / base : 0,
    hashFailures: x.hashFailures,
    peers: x.peers.length,
    seeds,
    pieceCount: meta?.pieceCount ?? 0,
    piecesHave: t.have?.count ?? 0,
    pieceLength: meta?.pieceLength ?? 0,
    destination: t.destination,
    addedAt: x.addedAt,
    ...(x.completedAt !== undefined ? { completedAt: x.completedAt } : {}),
    seedingMs: x.seedingMs,
    ...(x.queuePosition !== undefined ? { queuePosition: x.queuePosition } : {}),
    ...(x.settings ? { settings: x.settings } : {}),
    files,
    trackers: x.trackers,
  };
}

function fileStats(meta: TorrentMeta, have: Bitfield, priorities: readonly FilePriority[]): FileStats[] {
  const out: FileStats[] = [];
  for (const file of meta.files) {
    if (file.padding) continue;
    let downloaded = 0;
    if (file.length > 0) {
      const first = Math.floor(file.offset / meta.pieceLength);
      const last = Math.floor((file.offset + file.length - 1) / meta.pieceLength);
      for (let i = first; i <= last; i++) {
        if (!have.get(i)) continue;
        const start = Math.max(file.offset, i * meta.pieceLength);
        const end = Math.min(file.offset + file.length, (i + 1) * meta.pieceLength);
        downloaded += end - start;
      }
    }
    out.push({ index: file.index, path: file.path, length: file.length, downloaded, priority: priorities[file.index] ?? 0 });
  }
  return out;
}
