import type { TorrentFile } from '../metainfo/index.js';
import { TorrentError } from '../util/errors.js';
import type { TorrentPieces } from './torrent-pieces.js';

/** Streaming's numbers, in one place. */
export const STREAM_DEFAULTS = {
  /** Bytes under the playhead given deadlines (at least the read itself). */
  windowBytes: 4 * 1024 * 1024,
  /** The first piece under the playhead is due this soon... */
  firstDeadlineMs: 300,
  /** ...and each next one this much later. */
  deadlineStepMs: 150,
  /** One read returns at most this much (it waits for every piece it covers). */
  maxReadBytes: 4 * 1024 * 1024,
} as const;

export type StreamLimits = { -readonly [K in keyof typeof STREAM_DEFAULTS]: number };

/** What the streams reach of their torrent. */
export interface StreamHost {
  /** Undefined until the metadata is known; its picker until the data is checked. */
  pieces(): TorrentPieces | undefined;
  /** The file must be downloaded (a skipped file is wanted again when it is streamed). */
  want(fileIndex: number): void;
  /** A reader jumped (a seek, a new range request): requests elsewhere should make way. */
  seeked(): void;
  /**
   * Why no piece will come for now (paused by the user, stopped by an error), or undefined while
   * the torrent runs or waits in the queue for its turn.
   */
  stalled(): string | undefined;
}

interface Waiter {
  missing: Set<number>;
  done: () => void;
  fail: (error: Error) => void;
}

/**
 * A reader of one file of a torrent, for a player: `read` waits for the pieces it covers to be
 * verified and written, and while it waits those pieces (and a window after them) are the
 * picker's first choice, with the rest of the file read ahead in order. `close` (the player
 * went away, or seeked elsewhere) cancels what is pending and gives the picker back.
 */
export class FileStream {
  /** Where the reader is (byte offset in the file), once it has read. */
  position = -1;
  /** Where the last read ended: a read elsewhere is a seek. */
  expected = -1;
  /** Last read started (for the most recent stream's read-ahead). */
  touched = 0;
  private closed = false;
  readonly pending = new Set<Waiter>();

  constructor(
    readonly file: TorrentFile,
    private readonly owner: FileStreams,
  ) {}

  get length(): number {
    return this.file.length;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** `length` bytes at `offset` of the file (cut at its end); rejects when closed or aborted. */
  read(offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array> {
    return this.owner.read(this, offset, length, signal);
  }

  close(reason = 'the stream was closed'): void {
    if (this.closed) return;
    this.closed = true;
    const error = new TorrentError('usage', reason);
    for (const w of [...this.pending]) w.fail(error);
    this.owner.forget(this);
  }
}

/** A torrent's open file streams: their waiting reads and the picker deadlines they ask for. */
export class FileStreams {
  private readonly streams = new Set<FileStream>();
  /** Piece index -> reads waiting for it. */
  private readonly waiting = new Map<number, Set<Waiter>>();
  private readonly limits: StreamLimits;
  private touches = 0;

  constructor(
    private readonly host: StreamHost,
    limits: Partial<StreamLimits> = {},
  ) {
    this.limits = { ...STREAM_DEFAULTS, ...limits };
  }

  get openCount(): number {
    return this.streams.size;
  }

  open(fileIndex: number): FileStream {
    const pieces = this.host.pieces();
    if (!pieces) throw new TorrentError('usage', 'the torrent has no metadata yet: nothing to stream');
    const file = pieces.meta.files[fileIndex];
    if (!Number.isInteger(fileIndex) || !file || file.padding) throw new TorrentError('usage', `no file ${fileIndex} in this torrent`);
    this.host.want(fileIndex);
    const stream = new FileStream(file, this);
    this.streams.add(stream);
    return stream;
  }

  /** @internal FileStream.read */
  async read(stream: FileStream, offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array> {
    if (stream.isClosed) throw new TorrentError('usage', 'the stream was closed');
    const file = stream.file;
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
      throw new TorrentError('usage', `bad read: offset ${offset}, length ${length}`);
    }
    if (length > this.limits.maxReadBytes) throw new TorrentError('usage', `a read is at most ${this.limits.maxReadBytes} bytes, not ${length}`);
    if (offset > file.length) throw new TorrentError('usage', `offset ${offset} is past the end of the file (${file.length} bytes)`);
    const size = Math.min(length, file.length - offset);
    if (size === 0) return new Uint8Array(0);
    const jumped = offset !== stream.expected;
    stream.position = offset;
    stream.expected = offset + size;
    stream.touched = ++this.touches;
    const pieces = this.host.pieces();
    if (!pieces) throw new TorrentError('usage', 'the torrent has no metadata yet');
    const pl = pieces.meta.pieceLength;
    const first = Math.floor((file.offset + offset) / pl);
    const last = Math.floor((file.offset + offset + size - 1) / pl);
    const missing = new Set<number>();
    for (let i = first; i <= last; i++) if (!pieces.have.get(i)) missing.add(i);
    if (missing.size > 0) {
      const stalled = this.host.stalled();
      if (stalled) throw new TorrentError('usage', stalled);
      this.updatePicker();
      if (jumped) this.host.seeked();
      await this.wait(stream, missing, signal);
    }
    // Every piece under the range is verified and written: one read of the file.
    return pieces.store.readFile(file, offset, size);
  }

  /** A piece is verified and written: reads waiting for it may go on. */
  onPiece(index: number): void {
    const set = this.waiting.get(index);
    if (!set) return;
    this.waiting.delete(index);
    for (const w of set) {
      w.missing.delete(index);
      if (w.missing.size === 0) w.done();
    }
  }

  /** The data was (re)checked: pieces found on disk count now, and the picker is new. */
  refresh(): void {
    const have = this.host.pieces()?.have;
    if (have) for (const index of [...this.waiting.keys()]) if (have.get(index)) this.onPiece(index);
    this.updatePicker();
  }

  /** The torrent stopped fetching (paused, failed): reads waiting for pieces fail with `reason`; streams stay open. */
  failWaiting(reason: string): void {
    const error = new TorrentError('usage', reason);
    for (const s of this.streams) for (const w of [...s.pending]) w.fail(error);
  }

  /** The torrent is removed or stopped for good: every stream ends. */
  closeAll(reason: string): void {
    for (const s of [...this.streams]) s.close(reason);
  }

  /** @internal FileStream.close */
  forget(stream: FileStream): void {
    this.streams.delete(stream);
    this.updatePicker();
  }

  private wait(stream: FileStream, missing: Set<number>, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => waiter.fail(new TorrentError('usage', 'the read was cancelled'));
      const finish = (): void => {
        stream.pending.delete(waiter);
        signal?.removeEventListener('abort', onAbort);
        for (const i of waiter.missing) {
          const set = this.waiting.get(i);
          set?.delete(waiter);
          if (set?.size === 0) this.waiting.delete(i);
        }
      };
      const waiter: Waiter = {
        missing,
        done: () => {
          finish();
          resolve();
        },
        fail: (error) => {
          finish();
          reject(error);
        },
      };
      if (signal?.aborted) return reject(new TorrentError('usage', 'the read was cancelled'));
      signal?.addEventListener('abort', onAbort, { once: true });
      stream.pending.add(waiter);
      for (const i of missing) {
        let set = this.waiting.get(i);
        if (!set) this.waiting.set(i, (set = new Set()));
        set.add(waiter);
      }
    });
  }

  /**
   * Deadlines on the pieces under every open stream's position (the first due soonest), and the
   * rest of the most recently read file read ahead in order. No stream: the picker goes back to
   * rarest first.
   */
  private updatePicker(): void {
    const pieces = this.host.pieces();
    const picker = pieces?.picker;
    if (!pieces || !picker) return;
    const pl = pieces.meta.pieceLength;
    const deadlines: { index: number; withinMs: number }[] = [];
    let latest: FileStream | undefined;
    for (const s of this.streams) {
      if (s.position < 0) continue;
      if (!latest || s.touched > latest.touched) latest = s;
      const start = s.file.offset + s.position;
      const end = Math.min(s.file.offset + s.file.length, start + this.limits.windowBytes) - 1;
      for (let i = Math.floor(start / pl), k = 0; i <= Math.floor(end / pl); i++, k++) {
        if (!pieces.have.get(i)) deadlines.push({ index: i, withinMs: this.limits.firstDeadlineMs + k * this.limits.deadlineStepMs });
      }
    }
    // Waiting reads of streams whose window moved on (a seek) still need their pieces.
    for (const index of this.waiting.keys()) deadlines.push({ index, withinMs: this.limits.firstDeadlineMs });
    picker.setPieceDeadlines(deadlines);
    if (!latest || latest.file.length === 0) return picker.setReadAhead(null);
    picker.setReadAhead({
      first: Math.floor((latest.file.offset + latest.position) / pl),
      last: Math.floor((latest.file.offset + latest.file.length - 1) / pl),
    });
  }
}
