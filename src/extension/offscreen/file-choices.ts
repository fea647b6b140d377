/**
 * "Choose files later": a magnet added from the add dialog before its file list is known is
 * added with nothing wanted, and the dialog shows the files once the metadata arrives. That
 * choice is the user's intent and outlives restarts: it is kept with the saved source
 * (saved-torrents.ts) until the user sets the torrent's file priorities, and pages see it as
 * `chooseFiles` on the torrent's row (the dashboard then opens the file chooser).
 *
 * After a restart the engine knows nothing of it: a magnet restarted from its saved source is
 * added with nothing selected again (`addOptions`), and one restored from an engine resume record
 * written before the metadata came (no file priorities in it) gets every file set to skip in the
 * same turn as the metadata is parsed (`watch`), before the data check and before any request.
 */
import type { Torrent } from '../../engine/session/torrent.js';
import type { AddTorrentOptions, FilePriority, TorrentStats } from '../../engine/session/types.js';
import type { TorrentRow } from '../messages.js';
import type { SavedTorrents } from './saved-torrents.js';

const SKIP: FilePriority = 0;

export class FileChoices {
  private pending = new Set<string>();

  constructor(private readonly saved: SavedTorrents) {}

  /** Read the marks back (before the engine restores its torrents). */
  async load(): Promise<void> {
    this.pending = new Set(await this.saved.chooseLaterList());
  }

  /** Whether an add means "choose files later": a magnet with nothing selected. */
  static isChooseLater(source: { kind: string }, options: Pick<AddTorrentOptions, 'selectedFiles'>): boolean {
    return source.kind === 'magnet' && options.selectedFiles !== undefined && options.selectedFiles.length === 0;
  }

  async added(infoHash: string): Promise<void> {
    this.pending.add(infoHash);
    await this.saved.setChooseLater(infoHash, true);
  }

  /** The user set file priorities: the choice is made. */
  async chosen(infoHash: string): Promise<void> {
    if (!this.pending.delete(infoHash)) return;
    await this.saved.setChooseLater(infoHash, false);
  }

  forget(infoHash: string): void {
    this.pending.delete(infoHash);
  }

  /** Options for re-adding a saved torrent after a restart. */
  addOptions(infoHash: string): Pick<AddTorrentOptions, 'selectedFiles'> {
    return this.pending.has(infoHash) ? { selectedFiles: [] } : {};
  }

  /** A torrent the engine restored: hold every file at skip when its metadata arrives, if still to choose. */
  watch(torrent: Torrent): void {
    const hex = torrent.infoHashHex;
    if (!this.pending.has(hex) || torrent.meta) return;
    const stop = torrent.on('metadata', () => {
      stop();
      const files = torrent.meta?.files.filter((f) => !f.padding) ?? [];
      if (this.pending.has(hex) && files.length > 0) torrent.setFilePriorities(files.map((f) => ({ index: f.index, priority: SKIP })));
    });
  }

  decorate<T extends TorrentStats | TorrentRow>(row: T): T & { chooseFiles?: boolean } {
    return this.pending.has(row.infoHash) ? { ...row, chooseFiles: true } : row;
  }
}
