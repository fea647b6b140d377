import type { Clock } from '../util/clock.js';
import type { Random } from '../util/random.js';
import type { Bitfield } from './bitfield.js';
import type { DeadlineOptions } from './piece-deadlines.js';
import type { PadLayoutFile } from './pad-blocks.js';

/** The picker's options, defaults and per-peer record (swarm/piece-picker.ts). */

/** Defaults, visible in one place. */
export const PICKER_DEFAULTS = {
  /** BEP 3: requests are 2^14 bytes, the size every client serves. */
  blockLength: 16384,
  /** Pieces picked at random before rarest first, to have something to trade quickly. */
  randomFirstPieces: 4,
  /** Endgame: most peers asked for the same block at once. */
  endgameMaxHolders: 2,
  /** Random tries to find a piece the peer has before falling back to rarest first. */
  randomFirstTries: 8,
} as const;

export interface PickerOptions {
  pieceCount: number;
  pieceLength: number;
  lastPieceLength: number;
  blockLength?: number;
  random: Random;
  /** Pieces already verified; the picker keeps its own copy. */
  have: Bitfield;
  randomFirstPieces?: number;
  endgameMaxHolders?: number;
  /** For piece deadlines (streaming); the system clock when not given. */
  clock?: Clock;
  deadlines?: DeadlineOptions;
  /** The torrent's file layout: blocks wholly in BEP 47 padding files are never requested (PadBlocks). */
  files?: readonly PadLayoutFile[];
}

export interface BlockResult {
  /** False for a block nobody asked this peer for, or one already received: drop the data. */
  accepted: boolean;
  /** Every block of the piece is in: hash it, then onPieceVerified / onPieceFailed. */
  pieceComplete: boolean;
  /** Other peers asked for this block in endgame: send them CANCEL. */
  cancelFrom: readonly string[];
}

export interface PeerState {
  /** Our own copy ('all' for HAVE_ALL or a complete bitfield: a seed). */
  has: Bitfield | 'all';
  /** Wanted pieces it has that we lack (kept for bitfield peers). */
  interesting: number;
  /** Block keys (index * blocksPerPiece + block) requested from it. */
  outstanding: Set<number>;
  /** Announced with addPeer: `has` is complete, so availability counts every piece it has. */
  known: boolean;
}

const NONE: readonly string[] = Object.freeze([]);
export const REJECTED: BlockResult = Object.freeze({ accepted: false, pieceComplete: false, cancelFrom: NONE });
export const ACCEPTED: BlockResult = Object.freeze({ accepted: true, pieceComplete: false, cancelFrom: NONE });
