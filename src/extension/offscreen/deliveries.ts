/**
 * Finished torrents reach the user once, where options say (delivery-folder.ts):
 * - Downloads (default): each wanted file as a blob: URL over its OPFS copy, downloaded by the
 *   service worker (offscreen documents lack chrome.downloads) to `<name>` or `<name>/<path>`.
 * - A picked folder: this document copies the files from OPFS into it (folder-copy.ts) when
 *   Chromium says it may write there. Without that permission (it lapses when the last
 *   extension page closes, and at every browser restart unless the user allowed it on every
 *   visit) the torrent waits as "needs folder access" until a page grants it again and sends
 *   `deliveryFolderChanged`. Nothing is lost meanwhile: the files stay in OPFS.
 * Seeding keeps reading the OPFS copy. Each delivered file is marked (by index, in IndexedDB) so
 * a restart does not deliver it twice, and files the user enables after the torrent was
 * delivered are delivered in their turn once complete; a failed delivery is tried again later.
 */
import type { Torrent } from '../../engine/session/torrent.js';
import type { FileStats, TorrentStats } from '../../engine/session/types.js';
import { errorMessage } from '../../engine/util/errors.js';
import { downloadPath } from '../download-names.js';
import { folderPermission, loadDeliverySetting, type DeliverySetting } from '../delivery-folder.js';
import type { DeliveryFile, DeliveryStatus, OffscreenToWorker, TorrentRow } from '../messages.js';
import { copyIntoFolder, FolderCopyError } from './folder-copy.js';
import type { SavedTorrents } from './saved-torrents.js';

/**
 * A failed delivery is tried again by itself after these delays, the last one repeating: a file
 * the engine was still writing, or a download the browser interrupted, usually goes the next time.
 */
export const DELIVERY_RETRY_MS = [5_000, 20_000, 60_000];

export interface DeliveryDeps {
  getFile(root: string, path: string): Promise<File>;
  saved: SavedTorrents;
  send(message: OffscreenToWorker): boolean;
  /** A status changed: publish the list. */
  changed(): void;
  loadSetting?(): Promise<DeliverySetting>;
  /** The torrent running under this infohash now, if any (a retry skips one removed meanwhile). */
  current?(infoHash: string): Torrent | undefined;
}

interface InFlight {
  infoHash: string;
  urls: string[];
  /** The files (by index) this delivery carries. */
  indexes: number[];
}

interface DueFile {
  index: number;
  path: string;
  length: number;
}

export class Deliveries {
  private readonly inFlight = new Map<number, InFlight>();
  private readonly busy = new Set<string>();
  private readonly failedAt = new Map<string, number>();
  /** Failures in a row, per torrent: they pick the next retry delay. */
  private readonly failures = new Map<string, number>();
  private readonly retryTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly lastSeen = new Map<string, Torrent>();
  private readonly statuses = new Map<string, DeliveryStatus>();
  private nextId = 1;

  constructor(private readonly deps: DeliveryDeps) {}

  /** The torrent's stats with where its files stand, for the pages. */
  decorate(stats: TorrentStats): TorrentRow {
    const delivery = this.statuses.get(stats.infoHash);
    return delivery ? { ...stats, delivery } : stats;
  }

  /** The user changed the location or granted access: waiting and failed deliveries go now. */
  retryAll(): void {
    this.failedAt.clear();
  }

  /**
   * Deliver a finished torrent's wanted files that were not delivered before: all of them the
   * first time, later only the ones the user enabled since (each complete, as seeding says).
   */
  async consider(torrent: Torrent): Promise<void> {
    const hex = torrent.infoHashHex;
    if (torrent.state !== 'seeding' || this.busy.has(hex)) return;
    const failed = this.failedAt.get(hex);
    if (failed !== undefined && Date.now() - failed < this.retryDelay(hex)) return;
    this.lastSeen.set(hex, torrent);
    this.busy.add(hex);
    try {
      const files = await this.due(hex, torrent.stats().files);
      // Nothing new (every wanted file delivered, every file skipped, or a magnet whose files the
      // user has yet to choose): nothing to do now; files chosen later are delivered then.
      if (files.length === 0) return void this.busy.delete(hex);
      const setting = await (this.deps.loadSetting ?? loadDeliverySetting)();
      if (setting.mode === 'folder' && setting.folder) await this.toFolder(torrent, setting.folder, files);
      else await this.toDownloads(torrent, files);
    } catch (error) {
      this.fail(hex, 'downloads', errorMessage(error));
    }
  }

  /** Wanted, complete and not yet delivered. */
  private async due(hex: string, files: readonly FileStats[]): Promise<DueFile[]> {
    const ready = files.filter((f) => f.priority !== 0 && f.downloaded === f.length);
    const delivered = await this.deps.saved.deliveredFiles(hex);
    if (delivered === 'before-marks') {
      // Marked by a version that kept one mark per torrent: what is wanted now was delivered then.
      await this.deps.saved.markDelivered(hex, ready.map((f) => f.index));
      return [];
    }
    return ready.filter((f) => !delivered.has(f.index)).map((f) => ({ index: f.index, path: f.path, length: f.length }));
  }

  // --- a picked folder ----------------------------------------------------------------------

  private async toFolder(torrent: Torrent, folder: NonNullable<DeliverySetting['folder']>, files: readonly DueFile[]): Promise<void> {
    const hex = torrent.infoHashHex;
    if ((await folderPermission(folder)) !== 'granted') {
      this.setStatus(hex, { target: 'folder', state: 'needs-access', message: needsAccess(folder.name) });
      this.busy.delete(hex);
      return;
    }
    const copying = (copied: number, total: number): void =>
      this.setStatus(hex, { target: 'folder', state: 'copying', message: `Copying into “${folder.name}”…`, copied, total });
    copying(0, files.reduce((n, f) => n + f.length, 0));
    try {
      await copyIntoFolder(folder, hex, files, { getFile: (path) => this.deps.getFile(torrent.destination, path), progress: copying });
      await this.deps.saved.markDelivered(hex, files.map((f) => f.index));
      this.succeeded(hex);
      this.setStatus(hex, { target: 'folder', state: 'delivered', message: `In “${folder.name}”.` });
      this.busy.delete(hex);
    } catch (error) {
      if (error instanceof FolderCopyError && error.kind === 'needs-access') {
        this.setStatus(hex, { target: 'folder', state: 'needs-access', message: error.message });
        this.busy.delete(hex);
        return;
      }
      this.fail(hex, 'folder', errorMessage(error));
    }
  }

  // --- the Downloads folder -------------------------------------------------------------------

  private async toDownloads(torrent: Torrent, files: readonly DueFile[]): Promise<void> {
    const hex = torrent.infoHashHex;
    const urls: string[] = [];
    try {
      const list: DeliveryFile[] = [];
      for (const file of files) {
        // Typed as bytes: a File's type comes from its name (win.ini: text/plain), and Chromium
        // then "fixes" the extension to match (win.txt).
        const url = URL.createObjectURL(new Blob([await this.deps.getFile(torrent.destination, file.path)], { type: 'application/octet-stream' }));
        urls.push(url);
        // Chromium refuses some names the engine keeps (leading dots, ~, device names): one refused file fails the lot.
        list.push({ url, filename: downloadPath(file.path) });
      }
      const deliveryId = this.nextId++;
      if (!this.deps.send({ type: 'deliver', deliveryId, infoHash: hex, files: list })) throw new Error('the service worker is not connected');
      this.inFlight.set(deliveryId, { infoHash: hex, urls, indexes: files.map((f) => f.index) });
      this.setStatus(hex, { target: 'downloads', state: 'copying', message: 'Saving to Downloads…' });
    } catch (error) {
      for (const url of urls) URL.revokeObjectURL(url);
      throw error;
    }
  }

  async onDelivered(deliveryId: number, ok: boolean, error?: string): Promise<void> {
    const flight = this.inFlight.get(deliveryId);
    if (!flight) return;
    this.inFlight.delete(deliveryId);
    for (const url of flight.urls) URL.revokeObjectURL(url);
    if (!ok) return this.fail(flight.infoHash, 'downloads', error ?? 'download failed');
    try {
      await this.deps.saved.markDelivered(flight.infoHash, flight.indexes);
      this.succeeded(flight.infoHash);
      this.setStatus(flight.infoHash, { target: 'downloads', state: 'delivered', message: 'In Downloads.' });
    } finally {
      this.busy.delete(flight.infoHash);
    }
  }

  /** Deliveries sent to a service worker that went away will never be answered: retry them. */
  abandonInFlight(): void {
    for (const [id, flight] of this.inFlight) {
      for (const url of flight.urls) URL.revokeObjectURL(url);
      this.busy.delete(flight.infoHash);
      this.inFlight.delete(id);
    }
  }

  private setStatus(hex: string, status: DeliveryStatus): void {
    this.statuses.set(hex, status);
    this.deps.changed();
  }

  private fail(hex: string, target: DeliveryStatus['target'], message: string): void {
    console.warn(`TorrentEdge: could not deliver ${hex}: ${message}`);
    this.failures.set(hex, (this.failures.get(hex) ?? 0) + 1);
    this.failedAt.set(hex, Date.now());
    this.busy.delete(hex);
    const delay = this.retryDelay(hex);
    clearTimeout(this.retryTimers.get(hex));
    this.retryTimers.set(
      hex,
      setTimeout(() => {
        this.retryTimers.delete(hex);
        const torrent = this.lastSeen.get(hex);
        if (torrent && (!this.deps.current || this.deps.current(hex) === torrent)) void this.consider(torrent);
        else this.lastSeen.delete(hex);
      }, delay),
    );
    this.setStatus(hex, { target, state: 'failed', message: `${message.replace(/\.?$/, '.')} Trying again in ${Math.round(delay / 1000)} s.` });
  }

  private succeeded(hex: string): void {
    this.failedAt.delete(hex);
    this.failures.delete(hex);
    this.lastSeen.delete(hex);
    clearTimeout(this.retryTimers.get(hex));
    this.retryTimers.delete(hex);
  }

  private retryDelay(hex: string): number {
    const n = this.failures.get(hex) ?? 1;
    return DELIVERY_RETRY_MS[Math.min(n, DELIVERY_RETRY_MS.length) - 1]!;
  }
}

function needsAccess(folder: string): string {
  return `Needs folder access: open TorrentEdge options and grant access to “${folder}” again. The files wait until then.`;
}
