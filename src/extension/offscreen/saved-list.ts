/**
 * The torrent list while the engine cannot run (no native host): built from the engine's resume
 * records and the extension's saved sources, so every torrent stays visible, with how far it got
 * and why it is not moving. Nothing is changed or deleted here.
 */
import { parseInfo, parseMagnet, parseTorrent, type TorrentMeta } from '../../engine/metainfo/index.js';
import type { TorrentStats } from '../../engine/session/types.js';
import type { ResumeRecord, ResumeStore } from '../../engine/storage/resume-store.js';
import type { SavedSource, SavedTorrents } from './saved-torrents.js';
import { contentLength } from '../../engine/session/content-length.js';

export async function listSaved(resume: ResumeStore, saved: SavedTorrents, reason: string, destinationOf: (hex: string) => string): Promise<TorrentStats[]> {
  const hexes = new Set([...(await resume.list()), ...(await saved.list())]);
  const out: TorrentStats[] = [];
  for (const hex of hexes) {
    const [record, info, source] = await Promise.all([resume.load(hex), resume.loadInfo(hex), saved.load(hex)]);
    out.push(savedStats(hex, record, info, source, reason, destinationOf(hex)));
  }
  return out.sort((a, b) => a.addedAt - b.addedAt);
}

export function savedStats(
  hex: string,
  record: ResumeRecord | undefined,
  info: Uint8Array | undefined,
  source: SavedSource | undefined,
  reason: string,
  destination: string,
): TorrentStats {
  let meta: TorrentMeta | undefined;
  try {
    meta = info ? parseInfo(info) : source?.source.kind === 'torrent' ? parseTorrent(source.source.bytes) : undefined;
  } catch {
    meta = undefined;
  }
  const have = record ? countBits(record.bitfield) : 0;
  const pieceCount = meta?.pieceCount ?? 0;
  // As stats() reports it: BEP 47 padding is not part of the size users see.
  const totalLength = meta ? contentLength(meta) : 0;
  const verified = pieceCount > 0 ? Math.min(totalLength, have * meta!.pieceLength) : 0;
  return {
    infoHash: hex,
    name: meta?.name ?? (record?.name || nameFromSource(source) || hex),
    state: 'error',
    error: reason,
    progress: record?.completedAt !== undefined ? 1 : pieceCount > 0 ? have / pieceCount : 0,
    totalLength,
    wantedLength: totalLength,
    verifiedLength: verified,
    downloaded: record?.downloaded ?? 0,
    uploaded: record?.uploaded ?? 0,
    downloadRate: 0,
    uploadRate: 0,
    eta: null,
    ratio: 0,
    hashFailures: 0,
    peers: 0,
    seeds: 0,
    pieceCount,
    piecesHave: have,
    pieceLength: meta?.pieceLength ?? 0,
    destination,
    addedAt: record?.addedAt || source?.addedAt || 0,
    ...(record?.completedAt !== undefined ? { completedAt: record.completedAt } : {}),
    files: [],
    trackers: [],
  };
}

function nameFromSource(source: SavedSource | undefined): string | undefined {
  if (!source) return undefined;
  try {
    return source.source.kind === 'magnet' ? parseMagnet(source.source.uri).name : undefined;
  } catch {
    return undefined;
  }
}

function countBits(bytes: Uint8Array): number {
  let n = 0;
  for (const byte of bytes) {
    let b = byte;
    while (b) {
      n += b & 1;
      b >>= 1;
    }
  }
  return n;
}
