import type { FileStorage, Hasher } from '../../platform/interfaces/index.js';
import { SmartBan } from '../swarm/smart-ban.js';
import type { TorrentMeta } from '../metainfo/index.js';
import { PieceStore } from '../storage/piece-store.js';
import { Bitfield } from '../swarm/bitfield.js';
import { PiecePicker } from '../swarm/piece-picker.js';
import type { Random } from '../util/random.js';
import type { Clock } from '../util/clock.js';
import { TorrentError } from '../util/errors.js';
import { contentLength } from './content-length.js';
import { checkExistingData } from './data-check.js';
import { filePrioritiesToPieces } from './file-priorities.js';
import { PieceBuffers } from './piece-buffers.js';
import { PRIORITY_NORMAL, PRIORITY_SKIP, type FilePriority } from './types.js';

/**
 * Verified pieces waiting for the disk at most (in bytes; at least two pieces). Past this the
 * sessions stop requesting, so a slow disk slows the download instead of growing memory.
 */
const MAX_PENDING_WRITE_BYTES = 32 * 1024 * 1024;

/** What became of a completed piece. */
export type PieceOutcome =
  /** `liars`: peers the smart ban caught (their earlier blocks of this piece differ). */
  | { kind: 'verified'; liars: readonly string[] }
  | { kind: 'failed'; contributors: ReadonlySet<string> }
  | { kind: 'gone' };

/**
 * A torrent's data once the metadata is known: the piece↔file layout, which pieces we have,
 * which we want (file priorities), the picker, blocks of pieces in progress, and the hash check
 * and write of each completed piece. Knows nothing of peers or trackers.
 */
export class TorrentPieces {
  /** Who sent the bad blocks of a failed piece, decided when the piece passes. */
  private readonly smartBan = new SmartBan();
  readonly meta: TorrentMeta;
  readonly store: PieceStore;
  readonly have: Bitfield;
  private readonly buffers: PieceBuffers;
  picker: PiecePicker | undefined;
  filePriorities: FilePriority[];
  /** Data was found on disk that resume data did not vouch for (the user brought it). */
  hadDataAtStart = false;
  hashFailures = 0;
  checking = false;
  /** The torrent's bytes less its BEP 47 padding: the size users see and the seed-ratio base. */
  readonly contentLength: number;
  private writesInFlight = 0;

  constructor(
    meta: TorrentMeta,
    storage: FileStorage,
    hasher: Hasher,
    private readonly random: Random,
    private readonly clock: Clock,
    priorities: { saved: readonly FilePriority[]; selected: readonly number[] | undefined },
  ) {
    this.meta = meta;
    this.store = new PieceStore(meta, storage, hasher);
    this.have = new Bitfield(meta.pieceCount);
    this.buffers = new PieceBuffers((i) => this.store.map.pieceLength(i), (i, zero) => this.zeroPadBlocks(i, zero));
    this.contentLength = contentLength(meta);
    const selectedSet = priorities.selected ? new Set(priorities.selected) : null;
    this.filePriorities = meta.files.map((file, i) => {
      if (priorities.saved.length === meta.files.length) return priorities.saved[i] as FilePriority;
      if (selectedSet && !selectedSet.has(i)) return PRIORITY_SKIP;
      return file.padding ? PRIORITY_SKIP : PRIORITY_NORMAL;
    });
  }

  /** Fill `have` from the disk (trusting the resume bitfield where files are there), then make the picker. */
  async check(trusted: Uint8Array | null): Promise<void> {
    this.checking = true;
    const found = await checkExistingData(this.store, this.have, trusted);
    this.hadDataAtStart = found > 0 && !trusted;
    this.checking = false;
    await this.store.createEmptyFiles((i) => (this.filePriorities[i] ?? 0) > 0);
    this.picker = new PiecePicker({
      pieceCount: this.meta.pieceCount,
      pieceLength: this.meta.pieceLength,
      lastPieceLength: this.meta.lastPieceLength,
      random: this.random,
      clock: this.clock,
      have: this.have,
      files: this.meta.files,
    });
    this.applyPriorities();
  }

  setFilePriority(fileIndex: number, priority: FilePriority): void {
    if (fileIndex < 0 || fileIndex >= this.meta.files.length) throw new TorrentError('usage', `no file ${fileIndex} in this torrent`);
    this.filePriorities[fileIndex] = priority;
    this.applyPriorities();
  }

  /** Several files at once: the piece priorities are recomputed once. */
  setFilePriorities(changes: readonly { index: number; priority: FilePriority }[]): void {
    for (const c of changes) {
      if (!Number.isInteger(c.index) || c.index < 0 || c.index >= this.meta.files.length) throw new TorrentError('usage', `no file ${c.index} in this torrent`);
      if (!Number.isInteger(c.priority) || c.priority < 0 || c.priority > 7) throw new TorrentError('usage', `file priority must be 0..7, not ${c.priority}`);
    }
    for (const c of changes) this.filePriorities[c.index] = c.priority;
    this.applyPriorities();
  }

  private applyPriorities(): void {
    this.picker?.setPiecePriorities(filePrioritiesToPieces(this.meta, this.store.map, this.filePriorities));
  }

  canRequest(): boolean {
    return this.writesInFlight < 2 || this.writesInFlight * this.meta.pieceLength < MAX_PENDING_WRITE_BYTES;
  }

  isComplete(): boolean {
    return !!this.picker && this.picker.wantedRemaining() === 0 && this.writesInFlight === 0;
  }

  /** Upper bound of content bytes still to fetch (padding excluded: it is never downloaded). */
  bytesLeft(): number {
    const wanted = this.picker?.wantedRemaining() ?? this.meta.pieceCount - this.have.count;
    return Math.min(this.contentLength, wanted * this.meta.pieceLength);
  }

  /** A new piece buffer (maybe reused): its wholly-padding blocks must read as zeros (BEP 47). */
  private zeroPadBlocks(index: number, zero: (begin: number, end: number) => void): void {
    const pads = this.picker?.padBlocks;
    if (!pads) return;
    for (const run of pads.runs(index)) {
      const [begin, end] = pads.byteRange(index, run);
      zero(begin, end);
    }
  }

  addBlock(index: number, begin: number, block: Uint8Array, fromId: string): void {
    this.buffers.add(index, begin, block, fromId);
  }

  /**
   * Hash a completed piece and write it. `stillWanted` is asked after the write: a torrent
   * paused meanwhile does not count the piece (it is checked again at the next start).
   * `afterWrite` runs once the write slot is free again, whatever happened.
   */
  async completePiece(index: number, stillWanted: () => boolean, afterWrite: (wasBlocked: boolean) => void): Promise<PieceOutcome> {
    const buffer = this.buffers.take(index);
    const picker = this.picker;
    if (!buffer || !picker) return { kind: 'gone' };
    this.writesInFlight++;
    try {
      const checked = await this.store.verifyLent(index, buffer.data);
      buffer.data = checked.data;
      if (!checked.ok) {
        picker.onPieceFailed(index);
        this.hashFailures++;
        this.smartBan.onFailed(index, buffer.data, buffer.blockFrom);
        return { kind: 'failed', contributors: buffer.contributors };
      }
      await this.store.writePiece(index, buffer.data);
      if (!stillWanted()) return { kind: 'gone' };
      this.have.set(index);
      picker.onPieceVerified(index);
      return { kind: 'verified', liars: this.smartBan.onVerified(index, buffer.data) };
    } catch (error) {
      picker.onPieceFailed(index);
      throw error;
    } finally {
      this.buffers.recycle(buffer);
      const wasBlocked = !this.canRequest();
      this.writesInFlight--;
      afterWrite(wasBlocked);
    }
  }

  /** Drop blocks of unfinished pieces (on pause: peers are gone, their blocks are requested again). */
  clearBuffers(): void {
    this.buffers.clear();
  }
}
