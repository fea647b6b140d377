import type { Swarm } from '../swarm/swarm.js';
import type { RateGate } from '../swarm/torrent-context.js';
import type { TorrentPieces } from './torrent-pieces.js';
import type { WebSeedGroup } from './web-seed-group.js';

/** What the piece flow reaches of its torrent. */
export interface PieceFlowHost {
  readonly swarm: Swarm;
  readonly webSeeds: WebSeedGroup;
  readonly download: RateGate;
  pieces(): TorrentPieces | undefined;
  /** Networking is on: a piece verified after a pause is not counted. */
  running(): boolean;
  /** A piece is verified and on disk (HAVEs are already sent). */
  onVerified(index: number): void;
  /** A write finished: the torrent may be complete now. */
  onWritten(): void;
  fail(error: unknown): void;
}

/**
 * Where completed pieces go, from peers and web seeds alike: hash and write (TorrentPieces),
 * then HAVE to every peer, or bans for the peers that sent bad blocks (smart ban); and requests
 * resume when the disk catches up.
 */
export class PieceFlow {
  constructor(private readonly host: PieceFlowHost) {}

  async complete(index: number): Promise<void> {
    const host = this.host;
    const pieces = host.pieces();
    if (!pieces) return;
    try {
      const outcome = await pieces.completePiece(index, host.running, (wasBlocked) => {
        host.onWritten();
        if (wasBlocked && host.running()) {
          for (const session of host.swarm.sessions.values()) session.fillRequests();
          host.webSeeds.wake();
        }
      });
      if (outcome.kind === 'failed') {
        // A sole contributor is banned at once; with several, the smart ban waits for the piece
        // to pass and then bans whoever sent a block that differs (swarm/smart-ban.ts).
        for (const peer of outcome.contributors) {
          if (!host.webSeeds.onHashFailure(peer, index) && outcome.contributors.size === 1) host.swarm.strike(peer, true);
        }
      } else if (outcome.kind === 'verified') {
        for (const liar of outcome.liars) host.swarm.ban(liar, 'sent a block that failed the hash check');
        for (const session of host.swarm.sessions.values()) session.announceHave(index);
        host.onVerified(index);
      }
    } catch (error) {
      host.fail(error);
    }
  }

  /** BEP 19 web seeds from the torrent's url-list and a magnet's ws= entries. */
  startWebSeeds(extraUrls: readonly string[]): void {
    const host = this.host;
    const pieces = host.pieces();
    if (!pieces?.picker || !host.running()) return;
    host.webSeeds.startFor(pieces.meta, pieces.picker, extraUrls, {
      download: host.download,
      canRequest: () => pieces.canRequest(),
      onBlock: (id, index, begin, block, done) => {
        pieces.addBlock(index, begin, block, id);
        if (done) void this.complete(index);
      },
      onCancelElsewhere: (peer, index, begin, length) => host.swarm.sessions.get(peer)?.cancel(index, begin, length),
    });
  }
}
