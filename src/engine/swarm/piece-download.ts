/**
 * The block-level state of one piece in progress: which blocks are free, requested (and from
 * whom) or received. Every operation is O(1) except `nextFree`, whose cursor only moves forward
 * between releases, so a piece's blocks are handed out in amortized O(1) each.
 */

const FREE = 0;
const REQUESTED = 1;
const RECEIVED = 2;

const NO_PEERS: readonly string[] = Object.freeze([]);

export class PieceDownload {
  readonly index: number;
  readonly blockCount: number;
  /** Blocks neither requested nor received. */
  free: number;
  received = 0;
  /** Blocks marked received at the start because they are wholly padding (BEP 47). */
  padded = 0;
  private readonly state: Uint8Array;
  /** First holder of each requested block; endgame duplicates live in `extra`. */
  private readonly owner: (string | undefined)[];
  private extra: Map<number, string[]> | undefined;
  /** Every block before the cursor is requested or received. */
  private cursor = 0;

  constructor(index: number, blockCount: number) {
    this.index = index;
    this.blockCount = blockCount;
    this.free = blockCount;
    this.state = new Uint8Array(blockCount);
    this.owner = new Array<string | undefined>(blockCount);
  }

  get complete(): boolean {
    return this.received === this.blockCount;
  }

  /** Nothing requested and nothing received but padding: the piece can go back to the pool. */
  get idle(): boolean {
    return this.free + this.padded === this.blockCount;
  }

  /** A free block that is wholly padding: received (zeros) without asking anyone. */
  markPadding(block: number): void {
    if (this.state[block] !== FREE) return;
    this.state[block] = RECEIVED;
    this.free--;
    this.received++;
    this.padded++;
  }

  isFree(block: number): boolean {
    return this.state[block] === FREE;
  }

  isRequested(block: number): boolean {
    return this.state[block] === REQUESTED;
  }

  isReceived(block: number): boolean {
    return this.state[block] === RECEIVED;
  }

  /** The lowest free block, or -1. */
  nextFree(): number {
    if (this.free === 0) return -1;
    while (this.cursor < this.blockCount && this.state[this.cursor] !== FREE) this.cursor++;
    return this.cursor < this.blockCount ? this.cursor : -1;
  }

  holderCount(block: number): number {
    if (this.owner[block] === undefined) return 0;
    return 1 + (this.extra?.get(block)?.length ?? 0);
  }

  isHolder(block: number, peerId: string): boolean {
    if (this.owner[block] === peerId) return true;
    return this.extra?.get(block)?.includes(peerId) ?? false;
  }

  /** Mark a block requested by `peerId` (a second holder only happens in endgame). */
  addHolder(block: number, peerId: string): void {
    if (this.state[block] === FREE) {
      this.state[block] = REQUESTED;
      this.free--;
      this.owner[block] = peerId;
      return;
    }
    if (this.owner[block] === undefined) {
      this.owner[block] = peerId;
      return;
    }
    this.extra ??= new Map();
    const list = this.extra.get(block);
    if (list) list.push(peerId);
    else this.extra.set(block, [peerId]);
  }

  /**
   * Drop `peerId`'s request for a block. Returns true when that was the last holder and the
   * block is free again.
   */
  removeHolder(block: number, peerId: string): boolean {
    const list = this.extra?.get(block);
    if (this.owner[block] === peerId) {
      this.owner[block] = list?.pop();
    } else if (list) {
      const at = list.indexOf(peerId);
      if (at < 0) return false;
      list.splice(at, 1);
    } else {
      return false;
    }
    if (list && list.length === 0) this.extra!.delete(block);
    if (this.owner[block] !== undefined || this.state[block] !== REQUESTED) return false;
    this.state[block] = FREE;
    this.free++;
    if (block < this.cursor) this.cursor = block;
    return true;
  }

  /** Mark a block received; returns the holders other than `from`, whose requests are now moot. */
  receive(block: number, from: string): readonly string[] {
    let others: string[] | undefined;
    const first = this.owner[block];
    if (first !== undefined && first !== from) (others ??= []).push(first);
    const list = this.extra?.get(block);
    if (list) {
      for (const peer of list) if (peer !== from) (others ??= []).push(peer);
      this.extra!.delete(block);
    }
    this.owner[block] = undefined;
    if (this.state[block] === FREE) this.free--;
    this.state[block] = RECEIVED;
    this.received++;
    return others ?? NO_PEERS;
  }

  /** Every peer holding any request in this piece, with the block (for releasing them). */
  forEachHolder(fn: (block: number, peerId: string) => void): void {
    for (let b = 0; b < this.blockCount; b++) {
      const first = this.owner[b];
      if (first !== undefined) fn(b, first);
      const list = this.extra?.get(b);
      if (list) for (const peer of list) fn(b, peer);
    }
  }
}
