/**
 * Pieces being downloaded, held in memory until the whole piece is in and its hash is checked
 * (then written in one pass). The picker finishes started pieces first, so few are held at once.
 */
export interface PieceBuffer {
  readonly index: number;
  /** Replaced when a hasher took the bytes to another thread and gave them back. */
  data: Uint8Array;
  /** Peers (address:port) that sent blocks of this piece: suspects if the hash fails. */
  readonly contributors: Set<string>;
  /** Who sent each block (begin → peer): the smart ban's evidence if the hash fails. */
  readonly blockFrom: Map<number, string>;
}

/**
 * Spare full-size buffers kept for reuse. Dropped buffers are garbage the engine cannot free
 * (shared memory is collected lazily: 1 GiB downloads grew RSS by 100+ MB). The torrent bounds
 * pieces held at once (MAX_PENDING_WRITE_BYTES), so the pool never grows past that either.
 */
const POOL_LIMIT = 64;

export class PieceBuffers {
  private readonly buffers = new Map<number, PieceBuffer>();
  private readonly pool: Uint8Array[] = [];
  private heldBytes = 0;

  /**
   * `prepare` is told of each new buffer (which may be a reused one holding an old piece's
   * bytes): it zeroes the ranges no peer will send (BEP 47 padding blocks).
   */
  constructor(
    private readonly pieceLength: (index: number) => number,
    private readonly prepare?: (index: number, zero: (begin: number, end: number) => void) => void,
  ) {}

  /** Copy a block in (the block may be a view of a socket chunk). O(block length). */
  add(index: number, begin: number, block: Uint8Array, from: string): void {
    let buffer = this.buffers.get(index);
    if (!buffer) {
      const length = this.pieceLength(index);
      const spare = this.pool.length > 0 && this.pool[this.pool.length - 1]!.length === length ? this.pool.pop()! : new Uint8Array(length);
      buffer = { index, data: spare, contributors: new Set(), blockFrom: new Map() };
      const data = spare;
      this.prepare?.(index, (begin, end) => data.fill(0, begin, end));
      this.buffers.set(index, buffer);
      this.heldBytes += length;
    }
    buffer.data.set(block, begin);
    buffer.contributors.add(from);
    buffer.blockFrom.set(begin, from);
  }

  /** Hand over a finished piece; it is no longer held here. */
  take(index: number): PieceBuffer | undefined {
    const buffer = this.buffers.get(index);
    if (buffer) {
      this.buffers.delete(index);
      this.heldBytes -= buffer.data.length;
    }
    return buffer;
  }

  discard(index: number): void {
    const buffer = this.take(index);
    if (buffer) this.recycle(buffer);
  }

  /** A taken buffer is no longer needed (written or failed): keep it for the next piece. */
  recycle(buffer: PieceBuffer): void {
    if (this.pool.length < POOL_LIMIT) this.pool.push(buffer.data);
  }

  clear(): void {
    this.buffers.clear();
    this.pool.length = 0;
    this.heldBytes = 0;
  }

  get bytes(): number {
    return this.heldBytes;
  }

  get count(): number {
    return this.buffers.size;
  }
}

