/**
 * Finished torrents go to the browser's Downloads folder once: each wanted file as a blob: URL
 * over its OPFS copy, downloaded by the service worker (offscreen documents lack
 * chrome.downloads) to `<name>` or `<name>/<path>`, as the CLI lays files out. Seeding keeps
 * reading the OPFS copy. The delivered mark is kept in IndexedDB so a restart does not deliver
 * twice; a failed delivery is tried again later.
 */
import type { Torrent } from '../../engine/session/torrent.js';
import { errorMessage } from '../../engine/util/errors.js';
import type { DeliveryFile, OffscreenToWorker } from '../messages.js';
import type { SavedTorrents } from './saved-torrents.js';

export const DELIVERY_RETRY_MS = 60_000;

export interface DeliveryDeps {
  getFile(root: string, path: string): Promise<File>;
  saved: SavedTorrents;
  send(message: OffscreenToWorker): boolean;
}

interface InFlight {
  infoHash: string;
  urls: string[];
}

export class Deliveries {
  private readonly inFlight = new Map<number, InFlight>();
  private readonly busy = new Set<string>();
  private readonly failedAt = new Map<string, number>();
  private nextId = 1;

  constructor(private readonly deps: DeliveryDeps) {}

  /** Deliver a finished torrent's files unless that was done before. */
  async consider(torrent: Torrent): Promise<void> {
    const hex = torrent.infoHashHex;
    if (torrent.state !== 'seeding' || this.busy.has(hex)) return;
    const failed = this.failedAt.get(hex);
    if (failed !== undefined && Date.now() - failed < DELIVERY_RETRY_MS) return;
    this.busy.add(hex);
    const urls: string[] = [];
    try {
      if (await this.deps.saved.isDelivered(hex)) {
        this.busy.delete(hex);
        return;
      }
      const stats = torrent.stats();
      const files: DeliveryFile[] = [];
      for (const file of stats.files) {
        if (file.priority === 0) continue;
        const blob = await this.deps.getFile(torrent.destination, file.path);
        const url = URL.createObjectURL(blob);
        urls.push(url);
        files.push({ url, filename: file.path });
      }
      if (files.length === 0) {
        await this.deps.saved.markDelivered(hex);
        this.busy.delete(hex);
        return;
      }
      const deliveryId = this.nextId++;
      if (!this.deps.send({ type: 'deliver', deliveryId, infoHash: hex, files })) throw new Error('the service worker is not connected');
      this.inFlight.set(deliveryId, { infoHash: hex, urls });
    } catch (error) {
      for (const url of urls) URL.revokeObjectURL(url);
      this.fail(hex, errorMessage(error));
    }
  }

  async onDelivered(deliveryId: number, ok: boolean, error?: string): Promise<void> {
    const flight = this.inFlight.get(deliveryId);
    if (!flight) return;
    this.inFlight.delete(deliveryId);
    for (const url of flight.urls) URL.revokeObjectURL(url);
    if (!ok) return this.fail(flight.infoHash, error ?? 'download failed');
    try {
      await this.deps.saved.markDelivered(flight.infoHash);
      this.failedAt.delete(flight.infoHash);
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

  private fail(hex: string, message: string): void {
    console.warn(`TorrentEdge: could not deliver ${hex} to Downloads: ${message}`);
    this.failedAt.set(hex, Date.now());
    this.busy.delete(hex);
  }
}
