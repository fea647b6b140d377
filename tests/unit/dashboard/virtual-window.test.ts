import { describe, expect, it } from 'vitest';
import { scrollToReveal, visibleWindow } from '../../../extension-ui/dashboard/virtual-window.js';

describe('visibleWindow', () => {
  it('renders only the rows in view plus the overscan', () => {
    // 1,000 rows of 36 px, 360 px viewport scrolled to row 100.
    const w = visibleWindow(3600, 360, 36, 1000, 4);
    expect(w).toEqual({ start: 96, end: 114, offset: 96 * 36, totalHeight: 36_000 });
  });

  it('a partly visible row at the bottom is rendered', () => {
    const w = visibleWindow(10, 100, 36, 50, 0);
    // rows 0 (from 10 px), 1, 2 and 3 (ends at 144 > 110) are in view
    expect([w.start, w.end]).toEqual([0, 4]);
  });

  it('clamps at the top and the bottom', () => {
    expect(visibleWindow(-50, 360, 36, 1000, 2)).toMatchObject({ start: 0, end: 12 });
    const bottom = visibleWindow(1e9, 360, 36, 1000, 2);
    expect(bottom.end).toBe(1000);
    expect(bottom.start).toBe(1000 - 10 - 2);
  });

  it('short and empty lists', () => {
    expect(visibleWindow(0, 360, 36, 3)).toEqual({ start: 0, end: 3, offset: 0, totalHeight: 108 });
    expect(visibleWindow(0, 360, 36, 0)).toEqual({ start: 0, end: 0, offset: 0, totalHeight: 0 });
  });

  it('a zero-height viewport still renders the row at the offset', () => {
    expect(visibleWindow(720, 0, 36, 100, 0)).toMatchObject({ start: 20, end: 21 });
  });

  it('the window size does not grow with the list', () => {
    for (const count of [100, 10_000, 1_000_000]) {
      const w = visibleWindow(count * 18, 600, 36, count, 4);
      expect(w.end - w.start).toBeLessThanOrEqual(Math.ceil(600 / 36) + 1 + 8);
    }
  });
});

describe('scrollToReveal', () => {
  it('moves only as far as needed', () => {
    expect(scrollToReveal(5, 0, 360, 36)).toBe(0); // already visible
    expect(scrollToReveal(10, 0, 360, 36)).toBe(36); // row 10 ends at 396: scroll 36
    expect(scrollToReveal(2, 200, 360, 36)).toBe(72); // above: its top
  });
});
