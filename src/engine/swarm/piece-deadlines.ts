/**
 * Streaming's part of the picker (like libtorrent's set_piece_deadline): a small window of
 * time-critical pieces, each with a deadline, picked before anything else, in deadline order;
 * and a read-ahead range (the rest of the streamed file) picked in index order before rarest
 * first. Pure bookkeeping: the picker asks it what to take and tells it what changed.
 */

/** Defaults, visible in one place. */
export const DEADLINE_DEFAULTS = {
  /** Time-critical pieces at most; a longer window is cut (the latest deadlines go). */
  maxCriticalPieces: 64,
  /**
   * Blocks of time-critical pieces one peer gets per pick. Fast peers empty their pipeline and
   * pick more often, so the window spreads over the peers that deliver, not the first to ask.
   */
  criticalBlocksPerPick: 32,
  /** Past its deadline, each still-missing block of a piece may be asked of this many peers. */
  lateHolders: 2,
  /** Read-ahead pieces looked at per pick (a peer missing them) before rarest first takes over. */
  readAheadScan: 64,
} as const;

export interface DeadlineOptions {
  maxCriticalPieces?: number;
  criticalBlocksPerPick?: number;
  lateHolders?: number;
  readAheadScan?: number;
}

export interface CriticalPiece {
  readonly index: number;
  /** On the picker's clock (ms). */
  readonly deadline: number;
}

export class PieceDeadlines {
  readonly maxCriticalPieces: number;
  readonly criticalBlocksPerPick: number;
  readonly lateHolders: number;
  private readonly readAheadScan: number;
  /** Sorted by deadline, then index. */
  private critical: CriticalPiece[] = [];
  private readonly inWindow = new Set<number>();
  private ahead: { first: number; last: number; next: number } | null = null;

  constructor(
    private readonly pieceCount: number,
    options: DeadlineOptions = {},
  ) {
    this.maxCriticalPieces = Math.max(1, options.maxCriticalPieces ?? DEADLINE_DEFAULTS.maxCriticalPieces);
    this.criticalBlocksPerPick = Math.max(1, options.criticalBlocksPerPick ?? DEADLINE_DEFAULTS.criticalBlocksPerPick);
    this.lateHolders = Math.max(1, options.lateHolders ?? DEADLINE_DEFAULTS.lateHolders);
    this.readAheadScan = Math.max(1, options.readAheadScan ?? DEADLINE_DEFAULTS.readAheadScan);
  }

  /** Replace the window. Indexes out of range are dropped; a piece named twice keeps its earliest deadline. */
  setCritical(pieces: readonly CriticalPiece[]): void {
    const best = new Map<number, number>();
    for (const { index, deadline } of pieces) {
      if (!Number.isInteger(index) || index < 0 || index >= this.pieceCount || !Number.isFinite(deadline)) continue;
      const had = best.get(index);
      if (had === undefined || deadline < had) best.set(index, deadline);
    }
    this.critical = [...best]
      .map(([index, deadline]) => ({ index, deadline }))
      .sort((a, b) => a.deadline - b.deadline || a.index - b.index)
      .slice(0, this.maxCriticalPieces);
    this.inWindow.clear();
    for (const c of this.critical) this.inWindow.add(c.index);
  }

  /** In the window: only the window's own pass picks it (so it spreads over peers). O(1). */
  isCritical(index: number): boolean {
    return this.inWindow.has(index);
  }

  get criticalCount(): number {
    return this.critical.length;
  }

  /** The window in deadline order. */
  ordered(): readonly CriticalPiece[] {
    return this.critical;
  }

  /** A piece is verified: it leaves the window. O(window). */
  done(index: number): void {
    if (!this.inWindow.delete(index)) return;
    const k = this.critical.findIndex((c) => c.index === index);
    if (k >= 0) this.critical.splice(k, 1);
  }

  /** Pieces first..last (inclusive) are picked in order before rarest first; null turns it off. */
  setReadAhead(range: { first: number; last: number } | null): void {
    if (!range) {
      this.ahead = null;
      return;
    }
    const first = Math.max(0, Math.floor(range.first));
    const last = Math.min(this.pieceCount - 1, Math.floor(range.last));
    this.ahead = first <= last ? { first, last, next: first } : null;
  }

  get readAhead(): { first: number; last: number } | null {
    return this.ahead ? { first: this.ahead.first, last: this.ahead.last } : null;
  }

  /**
   * The lowest read-ahead piece still in the pool that `allowed` accepts, or -1. The cursor
   * moves past pieces no longer in the pool (taken or verified), so over a stream each piece is
   * stepped over once; a peer that lacks the next pieces costs at most `readAheadScan` looks.
   */
  nextReadAhead(inPool: (i: number) => boolean, allowed: (i: number) => boolean): number {
    const ahead = this.ahead;
    if (!ahead) return -1;
    while (ahead.next <= ahead.last && !inPool(ahead.next)) ahead.next++;
    const end = Math.min(ahead.last, ahead.next + this.readAheadScan - 1);
    for (let i = ahead.next; i <= end; i++) if (inPool(i) && allowed(i)) return i;
    return -1;
  }

  /** A piece went back to the pool (hash failure, requests dropped): the cursor may need to step back. */
  returned(index: number): void {
    const ahead = this.ahead;
    if (ahead && index >= ahead.first && index < ahead.next) ahead.next = index;
  }
}
