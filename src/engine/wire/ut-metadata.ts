/**
 * BEP 9 ut_metadata: fetch the info dict from peers in 16 KiB pieces, and serve it.
 * Messages are a bencoded dict {msg_type, piece[, total_size]}; a data message is followed by
 * the piece's bytes.
 */
import { encode } from '../bencode/index.js';
import { concat, equalBytes } from '../util/bytes.js';
import { TorrentError } from '../util/errors.js';
import { decodePeerDict, intField } from './bvalue.js';
import { METADATA_PIECE_LENGTH, wireLimits, type WireLimits } from './limits.js';

const REQUEST = 0;
const DATA = 1;
const REJECT = 2;

export type MetadataMessage =
  | { readonly type: 'request'; readonly piece: number }
  | { readonly type: 'data'; readonly piece: number; readonly totalSize: number; readonly data: Uint8Array }
  | { readonly type: 'reject'; readonly piece: number }
  /** BEP 9: unrecognized message types must be ignored. */
  | { readonly type: 'unknown'; readonly msgType: number };

export function encodeMetadataRequest(piece: number): Uint8Array {
  return encode(new Map([['msg_type', REQUEST], ['piece', piece]]));
}

export function encodeMetadataReject(piece: number): Uint8Array {
  return encode(new Map([['msg_type', REJECT], ['piece', piece]]));
}

export function encodeMetadataData(piece: number, totalSize: number, data: Uint8Array): Uint8Array {
  const dict = encode(new Map([['msg_type', DATA], ['piece', piece], ['total_size', totalSize]]));
  return concat([dict, data]);
}

/** Throws TorrentError('protocol') on a malformed message. */
export function parseMetadataMessage(payload: Uint8Array, limits?: Partial<WireLimits>): MetadataMessage {
  const { dict, length } = decodePeerDict(payload, 'a ut_metadata message', true);
  const msgType = intField(dict, 'msg_type');
  const piece = intField(dict, 'piece');
  if (msgType === undefined) throw new TorrentError('protocol', 'peer sent a ut_metadata message without msg_type');
  if (msgType !== REQUEST && msgType !== DATA && msgType !== REJECT) return { type: 'unknown', msgType };
  if (piece === undefined || piece < 0) {
    throw new TorrentError('protocol', 'peer sent a ut_metadata message without a valid piece number');
  }
  if (msgType === REQUEST) return { type: 'request', piece };
  if (msgType === REJECT) return { type: 'reject', piece };
  const { maxMetadataSize } = wireLimits(limits);
  const totalSize = intField(dict, 'total_size');
  if (totalSize === undefined || totalSize <= 0 || totalSize > maxMetadataSize) {
    throw new TorrentError(
      'protocol',
      `peer sent ut_metadata with total_size ${totalSize ?? 'missing'} (allowed 1..${maxMetadataSize})`,
    );
  }
  const data = payload.subarray(length);
  if (data.length > METADATA_PIECE_LENGTH) {
    throw new TorrentError('protocol', `peer sent a ${data.length}-byte ut_metadata piece (max ${METADATA_PIECE_LENGTH})`);
  }
  return { type: 'data', piece, totalSize, data };
}

export function metadataPieceCount(size: number): number {
  return Math.ceil(size / METADATA_PIECE_LENGTH);
}

/** The bytes of `piece` of the info dict we serve, or null if there is no such piece. */
export function metadataPiece(info: Uint8Array, piece: number): Uint8Array | null {
  if (!Number.isInteger(piece) || piece < 0 || piece >= metadataPieceCount(info.length)) return null;
  return info.subarray(piece * METADATA_PIECE_LENGTH, (piece + 1) * METADATA_PIECE_LENGTH);
}

/**
 * Collects the pieces of the info dict from any number of peers and checks it against the
 * info hash. The peer layer asks nextPieceToRequest(), calls release() when a request is
 * rejected or its peer goes away, and addPiece() when data arrives.
 */
export class MetadataAssembler {
  readonly pieceCount: number;
  private buffer: Uint8Array;
  private received: Uint8Array;
  private inFlight: Uint8Array;
  private receivedCount = 0;

  /** Throws TorrentError('protocol') if `size` is not 1..limits.maxMetadataSize. */
  constructor(
    readonly size: number,
    private readonly expectedInfoHash: Uint8Array,
    private readonly sha1: (bytes: Uint8Array) => Uint8Array | Promise<Uint8Array>,
    limits?: Partial<WireLimits>,
  ) {
    const { maxMetadataSize } = wireLimits(limits);
    if (!Number.isSafeInteger(size) || size <= 0 || size > maxMetadataSize) {
      throw new TorrentError('protocol', `peer announced metadata of ${size} bytes (allowed 1..${maxMetadataSize})`);
    }
    this.pieceCount = metadataPieceCount(size);
    this.buffer = new Uint8Array(size);
    this.received = new Uint8Array(this.pieceCount);
    this.inFlight = new Uint8Array(this.pieceCount);
  }

  missingPieces(): number[] {
    const missing: number[] = [];
    for (let i = 0; i < this.pieceCount; i++) if (!this.received[i]) missing.push(i);
    return missing;
  }

  /** A piece neither received nor already requested, now marked in flight; null if none. */
  nextPieceToRequest(): number | null {
    for (let i = 0; i < this.pieceCount; i++) {
      if (!this.received[i] && !this.inFlight[i]) {
        this.inFlight[i] = 1;
        return i;
      }
    }
    return null;
  }

  /** The request for `piece` was rejected, timed out or its peer left: it may be asked again. */
  release(piece: number): void {
    if (Number.isInteger(piece) && piece >= 0 && piece < this.pieceCount) this.inFlight[piece] = 0;
  }

  /** Pieces are 16 KiB except the last (BEP 9). Returns false for a bad index or size. */
  addPiece(piece: number, data: Uint8Array): boolean {
    if (!Number.isInteger(piece) || piece < 0 || piece >= this.pieceCount) return false;
    const expected = Math.min(METADATA_PIECE_LENGTH, this.size - piece * METADATA_PIECE_LENGTH);
    if (data.length !== expected) return false;
    this.buffer.set(data, piece * METADATA_PIECE_LENGTH);
    this.inFlight[piece] = 0;
    if (!this.received[piece]) {
      this.received[piece] = 1;
      this.receivedCount++;
    }
    return true;
  }

  isComplete(): boolean {
    return this.receivedCount === this.pieceCount;
  }

  reset(): void {
    // A fresh buffer: bytes returned by an earlier verify() must stay intact.
    this.buffer = new Uint8Array(this.size);
    this.received.fill(0);
    this.inFlight.fill(0);
    this.receivedCount = 0;
  }

  /** The info dict bytes if their SHA-1 is the info hash; otherwise resets and returns null. */
  async verify(): Promise<Uint8Array | null> {
    if (!this.isComplete()) throw new TorrentError('internal', 'metadata verified before all pieces arrived');
    const info = this.buffer;
    const digest = await this.sha1(info);
    if (equalBytes(digest, this.expectedInfoHash)) return info;
    // Guard against a reset/refill that happened while hashing.
    if (this.buffer === info) this.reset();
    return null;
  }
}
