/**
 * Pieces being downloaded, held in memory until the whole piece is in and its hash is checked
 * (then written in one pass). The picker finishes started pieces first, so few are held at once.
 */
export interface PieceBuffer {
  readonly index: number;
  readonly data: Uint8Array;
  /** Peers (address:port) that sent blocks of this piece: suspects if the hash fails. */
  readonly contributors: Set<string>;
}

export class PieceBuffers {
  private readonly buffers = new Map<number, PieceBuffer>();
  private heldBytes = 0;

  constructor(private readonly pieceLength: (index: number) => number) {}

  /** Copy a block in (the block may be a view of a socket chunk). O(block length). */
  add(index: number, begin: number, block: Uint8Array, from: string): void {
    let buffer = this.buffers.get(index);
    if (!buffer) {
      const length = this.pieceLength(index);
      buffer = { index, data: new Uint8Array(length), contributors: new Set() };
      this.buffers.set(index, buffer);
      this.heldBytes += length;
    }
    buffer.data.set(block, begin);
    buffer.contributors.add(from);
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
    this.take(index);
  }

  clear(): void {
    this.buffers.clear();
    this.heldBytes = 0;
  }

  get bytes(): number {
    return this.heldBytes;
  }

  get count(): number {
    return this.buffers.size;
  }
}
