/**
 * The dashboard's commands (messages.ts, dashboard block), run against the engine: preview a
 * .torrent before adding it, add with a file choice, file priorities, tracker edits. Each
 * refusal comes back as a message the page shows as it is.
 */
import { parseTorrent } from '../../engine/metainfo/index.js';
import type { Torrent } from '../../engine/session/torrent.js';
import type { AddTorrentOptions, FilePriority } from '../../engine/session/types.js';
import type { HttpClient } from '../../platform/interfaces/index.js';
import { TorrentError } from '../../engine/util/errors.js';
import type { AddPreview, AddSource, CommandResult, DashboardCommand } from '../messages.js';
import { parseAddSource } from './add-source.js';
import { contentLength } from '../../engine/session/content-length.js';

export const DASHBOARD_LIMITS = {
  /** Files in one setFilePriorities command at most. */
  maxPriorityChanges: 100_000,
} as const;

export interface DashboardCommandDeps {
  http: HttpClient;
  /** The running torrent, or a usage error saying why there is none. */
  need(infoHash: string): Torrent;
  add(source: AddSource, options: Pick<AddTorrentOptions, 'selectedFiles' | 'paused'>): Promise<CommandResult>;
  changed(): void;
}

export async function runDashboardCommand(command: DashboardCommand, deps: DashboardCommandDeps): Promise<CommandResult> {
  switch (command.type) {
    case 'preview':
      return { ok: true, preview: await preview(command.source, deps.http) };
    case 'addWithFiles': {
      const files = command.files;
      const selectedFiles = files === 'choose-later' ? [] : checkIndexes(files);
      return deps.add(command.source, { selectedFiles, ...(command.paused ? { paused: true } : {}) });
    }
    case 'setFilePriorities': {
      if (!Array.isArray(command.files) || command.files.length > DASHBOARD_LIMITS.maxPriorityChanges) throw new TorrentError('usage', 'bad file priority list');
      const changes = command.files.map((f) => ({ index: Number(f?.index), priority: Number(f?.priority) as FilePriority }));
      deps.need(command.infoHash).setFilePriorities(changes);
      deps.changed();
      return { ok: true };
    }
    case 'addTracker':
      deps.need(command.infoHash).addTracker(String(command.url ?? ''));
      deps.changed();
      return { ok: true };
    case 'removeTracker':
      deps.need(command.infoHash).removeTracker(String(command.url ?? ''));
      deps.changed();
      return { ok: true };
  }
}

async function preview(source: AddSource, http: HttpClient): Promise<AddPreview> {
  const parsed = await parseAddSource(source, http);
  if (parsed.source.kind === 'magnet') return { infoHash: parsed.infoHash, name: parsed.name, totalLength: 0, files: null };
  const meta = parseTorrent(parsed.source.bytes);
  const files = meta.files.filter((f) => !f.padding).map((f) => ({ index: f.index, path: f.path, length: f.length }));
  return { infoHash: parsed.infoHash, name: meta.name, totalLength: contentLength(meta), files };
}

function checkIndexes(files: unknown): number[] {
  if (!Array.isArray(files) || files.some((i) => !Number.isInteger(i) || i < 0)) throw new TorrentError('usage', 'bad file selection');
  return files as number[];
}
