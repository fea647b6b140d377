import type { FileStorage } from '../../platform/interfaces/index.js';
import { parseInfo, type TorrentMeta } from '../metainfo/index.js';
import type { PeerSession } from '../swarm/peer-session.js';
import { MetadataFetcher } from './metadata-fetcher.js';
import type { TorrentDeps, TorrentInit } from './torrent-deps.js';
import { TorrentPieces } from './torrent-pieces.js';
import type { FilePriority } from './types.js';

/**
 * From an infohash to a torrent's data: the ut_metadata fetch while a magnet has no info dict
 * (BEP 9), the dict parsed and saved once it verifies, and the TorrentPieces built from the
 * metadata (a .torrent's at start, or the fetched one) with the saved and selected file choices.
 */
export class MetadataPhase {
  private current: MetadataFetcher | undefined;

  constructor(
    private readonly deps: TorrentDeps,
    private readonly init: TorrentInit,
    private readonly infoHashHex: string,
    private readonly ban: (session: PeerSession, reason: string) => void,
  ) {}

  /** The fetch in progress (peers offer it their ut_metadata pieces), if any. */
  get fetcher(): MetadataFetcher | undefined {
    return this.current;
  }

  /** Fetch the info dict from peers; `onInfo` gets its bytes once their SHA-1 is the infohash. */
  begin(onInfo: (infoBytes: Uint8Array) => void): void {
    const deps = this.deps;
    this.current = new MetadataFetcher(this.init.infoHash, (bytes) => deps.platform.hasher.sha1(bytes), deps.clock, onInfo, this.ban);
  }

  /** The torrent stopped running (a later run starts a new fetch). */
  end(): void {
    this.current = undefined;
  }

  /** The verified info dict as metadata (the torrent's trackers kept); the fetch is over. */
  parse(infoBytes: Uint8Array, trackers: string[][]): TorrentMeta {
    const meta = parseInfo(infoBytes, { announce: trackers });
    this.current = undefined;
    return meta;
  }

  /** Keep the info dict with the resume data: a restart needs no second fetch. */
  save(infoBytes: Uint8Array): Promise<void> {
    return this.deps.resume.saveInfo(this.infoHashHex, infoBytes);
  }

  /** The torrent's data for this metadata; a magnet's `so=` selects files unless the caller chose. */
  pieces(meta: TorrentMeta, storage: FileStorage, fromMagnet: boolean): TorrentPieces {
    const { deps, init } = this;
    const selected = init.options.selectedFiles ?? (fromMagnet || init.magnet ? init.magnet?.selectOnly : undefined);
    return new TorrentPieces(meta, storage, deps.platform.hasher, deps.random, deps.clock, {
      saved: (init.record?.filePriorities ?? []) as FilePriority[],
      selected,
    });
  }
}
