import { encodeExtended } from '../wire/message-encoder.js';
import { encodeExtendedHandshake, parseExtendedHandshake } from '../wire/extension-handshake.js';
import { encodeMetadataData, encodeMetadataReject, encodeMetadataRequest, parseMetadataMessage } from '../wire/ut-metadata.js';
import { parsePex } from '../wire/ut-pex.js';
import { METADATA_PIECE_LENGTH } from '../wire/limits.js';
import type { PeerConnection } from '../peer/peer-connection.js';
import { MAX_UPLOAD_QUEUE } from './peer-uploader.js';
import type { PeerSession } from './peer-session.js';
import type { TorrentContext } from './torrent-context.js';

/** Our BEP 10 extension ids (what peers must use when sending to us). */
export const LOCAL_EXTENSIONS = { ut_metadata: 1, ut_pex: 2 } as const;

/**
 * The extension protocol (BEP 10) on one connection: the extension handshake both ways,
 * ut_metadata (BEP 9) served and fetched, ut_pex (BEP 11) received. Sending PEX is the swarm's
 * PexAnnouncer.
 */
export class PeerExtensions {
  /** The peer's extension ids by name. */
  readonly remote = new Map<string, number>();
  clientName: string | undefined;
  listenPort: number | undefined;
  metadataSize: number | undefined;

  constructor(
    private readonly conn: PeerConnection,
    private readonly ctx: TorrentContext,
    private readonly session: PeerSession,
    /** The peer's `reqq`: how many of our requests it queues. */
    private readonly onPeerQueue: (reqq: number) => void,
  ) {}

  sendHandshake(): void {
    const payload = encodeExtendedHandshake({
      m: this.ctx.pexEnabled ? { ...LOCAL_EXTENSIONS } : { ut_metadata: LOCAL_EXTENSIONS.ut_metadata },
      ...(this.ctx.infoBytes ? { metadataSize: this.ctx.infoBytes.length } : {}),
      clientName: this.ctx.userAgent,
      listenPort: this.ctx.listenPort,
      reqq: MAX_UPLOAD_QUEUE,
    });
    this.conn.send(encodeExtended(0, payload));
  }

  onMessage(id: number, payload: Uint8Array): void {
    if (id === 0) return this.onHandshake(payload);
    if (id === LOCAL_EXTENSIONS.ut_metadata) return this.onMetadataMessage(payload);
    if (id === LOCAL_EXTENSIONS.ut_pex && this.ctx.pexEnabled) {
      const pex = parsePex(payload);
      if (pex.added.length > 0) this.ctx.onPexPeers(pex.added);
    }
  }

  requestMetadataPiece(piece: number): void {
    const id = this.remote.get('ut_metadata');
    if (id) this.conn.send(encodeExtended(id, encodeMetadataRequest(piece)));
  }

  private onHandshake(payload: Uint8Array): void {
    const hs = parseExtendedHandshake(payload);
    for (const [name, localId] of hs.m) {
      if (localId === 0) this.remote.delete(name);
      else this.remote.set(name, localId);
    }
    if (hs.clientName !== undefined) this.clientName = hs.clientName;
    if (hs.listenPort !== undefined && hs.listenPort !== this.listenPort) {
      this.listenPort = hs.listenPort;
      this.ctx.onListenPort?.(this.session, hs.listenPort);
    }
    if (hs.reqq !== undefined) this.onPeerQueue(hs.reqq);
    if (hs.metadataSize !== undefined && this.remote.has('ut_metadata')) {
      this.metadataSize = hs.metadataSize;
      this.ctx.onMetadataOffer(this.session, hs.metadataSize);
    }
  }

  private onMetadataMessage(payload: Uint8Array): void {
    const message = parseMetadataMessage(payload);
    const remoteId = this.remote.get('ut_metadata');
    if (message.type === 'request') {
      if (!remoteId) return;
      const info = this.ctx.infoBytes;
      const start = message.piece * METADATA_PIECE_LENGTH;
      if (!info || start >= info.length) {
        this.conn.send(encodeExtended(remoteId, encodeMetadataReject(message.piece)));
        return;
      }
      const data = info.subarray(start, Math.min(info.length, start + METADATA_PIECE_LENGTH));
      this.conn.send(encodeExtended(remoteId, encodeMetadataData(message.piece, info.length, data)));
    } else if (message.type === 'data') {
      this.ctx.onMetadataPiece(this.session, message.piece, message.totalSize, message.data);
    } else if (message.type === 'reject') {
      this.ctx.onMetadataRejected(this.session, message.piece);
    }
  }
}
