import type { ResumeRecord } from '../storage/resume-store.js';
import type { FilePriority } from './types.js';

/** What a resume record is made of; the Torrent fills it in. */
export interface ResumeFields {
  infoHashHex: string;
  destination: string;
  /** Verified pieces now, or undefined while unknown (checking, no metadata yet). */
  bitfield: Uint8Array | undefined;
  previous: ResumeRecord | undefined;
  filePriorities: FilePriority[];
  uploaded: number;
  downloaded: number;
  addedAt: number;
  completedAt: number | undefined;
  paused: boolean;
  name: string;
  trackers: string[][];
  magnetUri: string | undefined;
}

/** The record saved for a torrent: a bitfield we cannot vouch for now keeps the saved one. */
export function buildResumeRecord(f: ResumeFields): ResumeRecord {
  const magnet = f.magnetUri ?? f.previous?.magnet;
  return {
    infoHash: f.infoHashHex,
    destination: f.destination,
    bitfield: f.bitfield ?? f.previous?.bitfield ?? new Uint8Array(0),
    filePriorities: f.filePriorities,
    uploaded: f.uploaded,
    downloaded: f.downloaded,
    addedAt: f.addedAt,
    ...(f.completedAt !== undefined ? { completedAt: f.completedAt } : {}),
    paused: f.paused,
    name: f.name,
    trackers: f.trackers,
    ...(magnet ? { magnet } : {}),
  };
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
