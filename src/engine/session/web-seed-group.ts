import { createWebSeed, type WebSeed, type WebSeedHost, type WebSeedStats } from '../webseed/index.js';
import type { HttpClient } from '../../platform/interfaces/index.js';
import type { TorrentMeta } from '../metainfo/index.js';
import type { PiecePicker } from '../swarm/piece-picker.js';
import type { Clock } from '../util/clock.js';

/**
 * A torrent's web seeds (BEP 19): started while it downloads, stopped when it pauses, fails or
 * completes. Blocks they fetch reach the torrent like any peer's, under the seed's id.
 */
export class WebSeedGroup {
  private seeds: WebSeed[] = [];

  constructor(
    private readonly http: HttpClient,
    private readonly clock: Clock,
  ) {}

  start(urls: readonly string[], host: WebSeedHost): void {
    this.stop();
    this.seeds = [...new Set(urls)].map((url) => createWebSeed({ url, host, http: this.http, clock: this.clock }));
    for (const seed of this.seeds) seed.start();
  }

  /** Start the torrent's url-list seeds plus `extraUrls` (a magnet's ws=), if there are any. */
  startFor(meta: TorrentMeta, picker: PiecePicker, extraUrls: readonly string[], host: Omit<WebSeedHost, 'meta' | 'picker'>): void {
    const urls = [...meta.urlList, ...extraUrls];
    if (urls.length > 0) this.start(urls, { ...host, meta, picker });
  }

  stop(): void {
    for (const seed of this.seeds) seed.stop();
    this.seeds = [];
  }

  /** A piece with data from `id` failed its hash check; true if `id` is one of ours. */
  onHashFailure(id: string, index: number): boolean {
    const seed = this.seeds.find((s) => s.id === id);
    seed?.onHashFailure(index);
    return seed !== undefined;
  }

  /** The disk caught up: look for work now rather than at the next poll. */
  wake(): void {
    for (const seed of this.seeds) seed.wake();
  }

  stats(): WebSeedStats[] {
    return this.seeds.map((s) => s.stats());
  }
}
