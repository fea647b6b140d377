/**
 * Windowing math for the torrent list: with a fixed row height, the rows in view follow from the
 * scroll offset alone, so a list of any length renders only what fits (plus a few rows of
 * overscan each side). O(1) per scroll frame.
 */
export interface WindowRange {
  /** First rendered row (inclusive). */
  start: number;
  /** Past the last rendered row (exclusive). */
  end: number;
  /** Pixels above the first rendered row (its translateY). */
  offset: number;
  /** Height of all rows: the scroll area's content height. */
  totalHeight: number;
}

export function visibleWindow(scrollTop: number, viewportHeight: number, rowHeight: number, count: number, overscan = 4): WindowRange {
  const totalHeight = Math.max(0, count) * rowHeight;
  if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0, offset: 0, totalHeight };
  const maxTop = Math.max(0, totalHeight - viewportHeight);
  const top = Math.min(Math.max(0, scrollTop), maxTop);
  const first = Math.floor(top / rowHeight);
  const inView = Math.ceil((top + Math.max(0, viewportHeight)) / rowHeight);
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, Math.max(inView, first + 1) + overscan);
  return { start, end, offset: start * rowHeight, totalHeight };
}

/** The scroll offset that brings row `index` fully into view, moving as little as possible. */
export function scrollToReveal(index: number, scrollTop: number, viewportHeight: number, rowHeight: number): number {
  const top = index * rowHeight;
  const bottom = top + rowHeight;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewportHeight) return Math.max(0, bottom - viewportHeight);
  return scrollTop;
}
