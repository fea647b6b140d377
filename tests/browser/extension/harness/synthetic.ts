// Synthetic snapshots for the dashboard's render function (window.torrentEdgeDashboard.show):
// many torrents without an engine, for the list's scroll test and the screenshots.
import type { Snapshot, TorrentDetail, TorrentRow } from '../../../../src/extension/messages.js';

const STATES: TorrentRow['state'][] = ['downloading', 'seeding', 'paused', 'downloading', 'seeding', 'metadata', 'checking', 'error'];
const WORDS = ['ubuntu', 'debian', 'fedora', 'arch', 'mint', 'alpine', 'gentoo', 'void', 'nixos', 'opensuse', 'kali', 'tails'];

function hex(i: number): string {
  return (i * 2654435761 >>> 0).toString(16).padStart(8, '0').repeat(5).slice(0, 40);
}

export function syntheticRow(i: number, name?: string): TorrentRow {
  const state = STATES[i % STATES.length]!;
  const total = ((i * 7919) % 4000 + 50) * 1024 * 1024;
  const progress = state === 'seeding' ? 1 : state === 'metadata' ? 0 : ((i * 37) % 100) / 100;
  const downloadRate = state === 'downloading' ? ((i * 131) % 5000) * 1024 : 0;
  const uploadRate = state === 'seeding' || state === 'downloading' ? ((i * 71) % 800) * 1024 : 0;
  const pieceLength = 4 * 1024 * 1024;
  const pieceCount = Math.ceil(total / pieceLength);
  const label = name ?? `${WORDS[i % WORDS.length]}-${20 + (i % 7)}.${i % 10}-${i}-amd64.iso`;
  return {
    infoHash: hex(i + 1),
    name: label,
    state,
    ...(state === 'error' ? { error: 'Disk quota exceeded while writing piece 17' } : {}),
    progress,
    totalLength: state === 'metadata' ? 0 : total,
    wantedLength: state === 'metadata' ? 0 : total,
    verifiedLength: Math.round(total * progress),
    downloaded: Math.round(total * progress),
    uploaded: Math.round(total * progress * ((i % 5) / 2)),
    downloadRate,
    uploadRate,
    eta: downloadRate > 0 ? Math.round((total * (1 - progress)) / downloadRate) : null,
    ratio: (i % 5) / 2,
    hashFailures: 0,
    peers: (i * 3) % 40,
    seeds: i % 9,
    pieceCount: state === 'metadata' ? 0 : pieceCount,
    piecesHave: Math.round(pieceCount * progress),
    pieceLength,
    destination: hex(i + 1),
    addedAt: 1_760_000_000_000 + i * 3_600_000,
    ...(state === 'seeding' ? { completedAt: 1_760_000_000_000 + i * 3_600_000 + 1_800_000 } : {}),
    files: [
      { index: 0, path: `${label}/disc/${label}`, length: total - 2048, downloaded: Math.round((total - 2048) * progress), priority: 4 },
      { index: 1, path: `${label}/SHA256SUMS`, length: 1024, downloaded: progress === 1 ? 1024 : 0, priority: 7 },
      { index: 2, path: `${label}/README.txt`, length: 1024, downloaded: 0, priority: 0 },
    ],
    trackers: [],
  };
}

/** A detail for the screenshots: a piece map with holes and a few minutes of rates. */
export function syntheticDetail(row: TorrentRow): TorrentDetail {
  const bits = new Uint8Array(Math.ceil(row.pieceCount / 8));
  for (let i = 0; i < row.pieceCount; i++) if ((i * 7) % 10 < row.progress * 10) bits[i >> 3]! |= 0x80 >> (i & 7);
  const down = Array.from({ length: 240 }, (_, i) => Math.round((2.5 + Math.sin(i / 12) + Math.sin(i / 3.3) * 0.4) * 1024 * 1024));
  const up = Array.from({ length: 240 }, (_, i) => Math.round((0.6 + Math.cos(i / 20) * 0.3) * 1024 * 1024));
  return {
    pieces: Buffer.from(bits).toString('base64'),
    pieceCount: row.pieceCount,
    trackers: [
      { url: 'udp://tracker.example.org:6969/announce', tier: 0, state: 'working', lastAnnounceAt: Date.now() - 42_000, nextAnnounceAt: Date.now() + 1_758_000, seeders: 812, leechers: 97, peersReceived: 50 },
      { url: 'https://tracker.example.net/announce', tier: 1, state: 'error', lastAnnounceAt: Date.now() - 40_000, peersReceived: 0, error: 'connection refused' },
    ],
    speed: { intervalMs: 1000, endAt: Date.now(), down, up },
  };
}

export function syntheticSnapshot(count: number, extra: TorrentRow[] = []): Snapshot {
  const torrents = [...extra, ...Array.from({ length: count }, (_, i) => syntheticRow(i))];
  const totals = { downloadRate: 0, uploadRate: 0, downloaded: 0, uploaded: 0, ratio: 0, count: torrents.length, states: {} as Record<string, number> };
  for (const t of torrents) {
    totals.downloadRate += t.downloadRate;
    totals.uploadRate += t.uploadRate;
    totals.downloaded += t.downloaded;
    totals.uploaded += t.uploaded;
    totals.states[t.state] = (totals.states[t.state] ?? 0) + 1;
  }
  totals.ratio = totals.downloaded ? totals.uploaded / totals.downloaded : 0;
  const details: Record<string, TorrentDetail> = {};
  for (const t of torrents.slice(0, 12)) details[t.infoHash] = syntheticDetail(t);
  return {
    torrents,
    host: { state: 'ready', installCommand: 'npm run install-host' },
    starting: false,
    peers: Object.fromEntries(
      torrents.slice(0, 12).map((t) => [
        t.infoHash,
        [
          { address: '203.0.113.7:51413', client: 'qBittorrent 4.6.4', source: 'tracker', transport: 'tcp', encrypted: true, incoming: false, downloadRate: 1_200_000, uploadRate: 40_000, progress: 1, flags: 'DE' },
          { address: '198.51.100.23:6881', client: 'Transmission 4.0.5', source: 'dht', transport: 'utp', encrypted: false, incoming: true, downloadRate: 300_000, uploadRate: 90_000, progress: 0.42, flags: 'dUIP' },
        ],
      ]),
    ),
    dashboard: { totals, details },
  };
}
