/**
 * `seedCreated`: a torrent the "Create torrent" page just made. Its files sit in a staging folder
 * written by the same reads that were hashed (create/create-worker.ts), so they are moved (not
 * copied) into the torrent's storage root and the engine is told they are complete: a resume
 * record vouching for every piece, which the engine trusts once the files have their full
 * lengths (session/data-check.ts). The files are the user's own, so they are not "delivered"
 * to Downloads again.
 */
import { parseTorrent } from '../../engine/metainfo/index.js';
import type { TorrentMeta } from '../../engine/metainfo/types.js';
import type { ResumeRecord, ResumeStore } from '../../engine/storage/resume-store.js';
import type { CommandResult, CreateCommand } from '../messages.js';
import { adoptStaged, checkStagingId, removeStaging } from '../create/staging.js';
import type { SavedTorrents } from './saved-torrents.js';
import { fromBase64 } from './saved-torrents.js';

export interface CreatedDeps {
  resume: ResumeStore;
  saved: SavedTorrents;
  /** The engine already has this torrent (running or waiting). */
  known(infoHash: string): Promise<boolean>;
  destinationOf(infoHash: string): string;
  /** Adds the command's .torrent as any torrent is added (saved first, started when the engine runs). */
  add(): Promise<CommandResult>;
}

export async function seedCreated(command: CreateCommand, deps: CreatedDeps): Promise<CommandResult> {
  const staging = checkStagingId(command.staging);
  let meta;
  try {
    meta = parseTorrent(fromBase64(String(command.torrent)));
  } catch (error) {
    await removeStaging(staging);
    throw error;
  }
  const hex = meta.infoHashHex;
  if (await deps.known(hex)) {
    // The same content is already here (created before, or added from elsewhere): nothing to move.
    await removeStaging(staging);
    return { ok: true, infoHash: hex };
  }
  try {
    await adoptStaged(staging, deps.destinationOf(hex), meta.files.map((f) => ({ path: f.path, length: f.length })));
  } catch (error) {
    await removeStaging(staging).catch(() => undefined);
    throw error;
  }
  await deps.resume.saveInfo(hex, meta.infoBytes);
  await deps.resume.save(completeRecord(meta, deps.destinationOf(hex), Date.now()));
  // The files are the user's own: none is delivered to Downloads, now or when enabled later.
  await deps.saved.markDelivered(hex, meta.files.map((f) => f.index));
  return deps.add();
}

/** A resume record vouching for every piece: the engine trusts it once the files have their full lengths. */
export function completeRecord(meta: TorrentMeta, destination: string, now: number): ResumeRecord {
  return {
    infoHash: meta.infoHashHex,
    destination,
    bitfield: fullBitfield(meta.pieceCount),
    filePriorities: [],
    uploaded: 0,
    downloaded: 0,
    addedAt: now,
    completedAt: now,
    paused: false,
    name: meta.name,
    trackers: [],
  };
}

/** Every piece set (BEP 3 layout: high bit first, spare bits of the last byte clear). */
export function fullBitfield(pieceCount: number): Uint8Array {
  const bytes = new Uint8Array(Math.ceil(pieceCount / 8)).fill(0xff);
  const spare = bytes.length * 8 - pieceCount;
  if (spare > 0) bytes[bytes.length - 1] = (0xff << spare) & 0xff;
  return bytes;
}
