import type { PieceStore } from '../storage/piece-store.js';
import type { Bitfield } from '../swarm/bitfield.js';

const CHECKS_IN_PARALLEL = 4;

/**
 * Fill `have` from what is on disk. Pieces the resume data vouches for are trusted when their
 * files are long enough; every other piece whose bytes could be there is hash-checked.
 * Returns the number of pieces found.
 */
export async function checkExistingData(store: PieceStore, have: Bitfield, trusted: Uint8Array | null): Promise<number> {
  const sizes = await store.fileSizes();
  const count = store.meta.pieceCount;
  const coversPiece = (index: number): boolean => {
    for (const seg of store.map.segments(index)) {
      if (seg.file.padding) continue;
      const size = sizes.get(seg.file.path);
      if (size == null || size < seg.fileOffset + seg.length) return false;
    }
    return true;
  };
  let next = 0;
  let found = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      if (!coversPiece(index)) continue;
      const vouched = trusted !== null && (trusted[index >> 3]! & (0x80 >> (index & 7))) !== 0;
      if (vouched || (await store.checkPiece(index, sizes))) {
        have.set(index);
        found++;
      }
    }
  };
  await Promise.all(Array.from({ length: CHECKS_IN_PARALLEL }, worker));
  return found;
}
