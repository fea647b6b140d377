import type { TorrentMeta } from '../metainfo/index.js';
import { Swarm } from '../swarm/swarm.js';
import type { SwarmLimits } from '../swarm/swarm-limits.js';
import { TorrentError } from '../util/errors.js';
import { FileStreams } from './file-streams.js';
import type { MetadataPhase } from './metadata-phase.js';
import { PieceFlow } from './piece-flow.js';
import type { TorrentBandwidth } from './rate-gate.js';
import type { TorrentDeps } from './torrent-deps.js';
import type { TorrentNetwork } from './torrent-network.js';
import { TorrentPeerContext } from './torrent-peer-context.js';
import type { TorrentPieces } from './torrent-pieces.js';
import { WebSeedGroup } from './web-seed-group.js';

/** What a torrent's parts read of its state as it changes (looked up at call time). */
export interface TorrentPartsHost {
  meta(): TorrentMeta | undefined;
  pieces(): TorrentPieces | undefined;
  /** The current run's network; undefined while paused, queued or failed. */
  network(): TorrentNetwork | undefined;
  running(): boolean;
  /** Super-seeding hides pieces now (BEP 16). */
  superSeeding(): boolean;
  /** A streamed file must be downloaded (a skipped one is wanted again). */
  wantFile(index: number): void;
  /** Why streams' reads cannot be served now (FileStreams' StreamHost.stalled). */
  streamStalled(): string | undefined;
  /** A piece is verified and on disk (HAVEs are already sent). */
  verified(index: number): void;
  /** A write finished: the torrent may be complete now. */
  written(): void;
  fail(error: unknown): void;
}

/** The collaborators a Torrent drives; they reach each other and the torrent through the host. */
export interface TorrentParts {
  readonly swarm: Swarm;
  readonly webSeeds: WebSeedGroup;
  readonly streams: FileStreams;
  readonly flow: PieceFlow;
}

/**
 * Wires one torrent's collaborators once, in its constructor: what peers see (TorrentPeerContext),
 * the swarm that dials through the current run's network, the file streams, and the piece flow
 * from peers and web seeds to disk.
 */
export function wireTorrentParts(
  deps: TorrentDeps,
  own: { infoHash: Uint8Array; bandwidth: TorrentBandwidth; swarmLimits: SwarmLimits; metadata: MetadataPhase },
  host: TorrentPartsHost,
): TorrentParts {
  const clock = deps.clock;
  const download = own.bandwidth.download;
  const webSeeds = new WebSeedGroup(deps.platform.http, clock);
  const context = new TorrentPeerContext({
    infoHash: own.infoHash,
    download,
    upload: own.bandwidth.upload,
    clock,
    localPeerId: deps.peerId,
    userAgent: deps.userAgent,
    listenPort: () => deps.listenPort(),
    pexAllowed: () => deps.pex,
    meta: host.meta,
    pieces: host.pieces,
    fetcher: () => own.metadata.fetcher,
    swarm: (): Swarm => swarm,
    superSeeding: host.superSeeding,
    addPexPeers: (peers) => host.network()?.addPeers(peers, 'pex'),
    completePiece: (index) => void flow.complete(index),
  });
  const dial = (to: { host: string; port: number }, prefer: 'tcp' | 'utp') => {
    const network = host.network();
    if (!network) return Promise.reject(new TorrentError('network', 'the torrent is not running'));
    return network.dial(to, prefer);
  };
  const swarm: Swarm = new Swarm(context, dial, clock, deps.random, own.swarmLimits, () => undefined, deps.connectionBudget);
  const streams = new FileStreams({
    pieces: host.pieces,
    want: host.wantFile,
    stalled: host.streamStalled,
    seeked: () => {
      const picker = host.pieces()?.picker;
      if (picker) for (const session of swarm.sessions.values()) session.yieldTo((i) => picker.isTimeCritical(i));
    },
  });
  const flow = new PieceFlow({
    swarm,
    webSeeds,
    download,
    pieces: host.pieces,
    running: host.running,
    onVerified: host.verified,
    onWritten: host.written,
    fail: host.fail,
  });
  return { swarm, webSeeds, streams, flow };
}
