import { describe, expect, it } from 'vitest';
import { clickRow, EMPTY_SELECTION, moveFocus, pruneSelection, selectAll } from '../../../extension-ui/dashboard/selection.js';

const ORDER = ['a', 'b', 'c', 'd', 'e'];
const ids = (s: { ids: ReadonlySet<string> }): string[] => [...s.ids].sort();

describe('selection', () => {
  it('click selects one; Ctrl toggles; Shift selects the range from the anchor', () => {
    let s = clickRow(EMPTY_SELECTION, ORDER, 'b');
    expect(ids(s)).toEqual(['b']);
    s = clickRow(s, ORDER, 'd', { toggle: true });
    expect(ids(s)).toEqual(['b', 'd']);
    s = clickRow(s, ORDER, 'b', { toggle: true });
    expect(ids(s)).toEqual(['d']);
    s = clickRow(s, ORDER, 'a', { shift: true });
    expect(ids(s)).toEqual(['a', 'b']); // the last toggled row (b) anchors the range
    expect(s.anchor).toBe('b');
    s = clickRow(s, ORDER, 'e', { shift: true });
    expect(ids(s)).toEqual(['b', 'c', 'd', 'e']);
    s = clickRow(s, ORDER, 'c', { shift: true });
    expect(ids(s)).toEqual(['b', 'c']);
    s = clickRow(s, ORDER, 'e');
    expect(ids(s)).toEqual(['e']);
  });

  it('Ctrl+Shift adds the range to what is selected', () => {
    let s = clickRow(EMPTY_SELECTION, ORDER, 'a');
    s = clickRow(s, ORDER, 'd', { toggle: true });
    s = clickRow(s, ORDER, 'e', { shift: true, toggle: true });
    expect(ids(s)).toEqual(['a', 'd', 'e']);
  });

  it('keyboard: arrows move, Shift extends, Home/End/Page jump and stop at the ends', () => {
    let s = moveFocus(EMPTY_SELECTION, ORDER, 'ArrowDown', false);
    expect(s.focus).toBe('a');
    s = moveFocus(s, ORDER, 'ArrowDown', true);
    s = moveFocus(s, ORDER, 'ArrowDown', true);
    expect(ids(s)).toEqual(['a', 'b', 'c']);
    s = moveFocus(s, ORDER, 'ArrowUp', false);
    expect(ids(s)).toEqual(['b']);
    s = moveFocus(s, ORDER, 'End', true);
    expect(ids(s)).toEqual(['b', 'c', 'd', 'e']);
    s = moveFocus(s, ORDER, 'ArrowDown', false);
    expect(s.focus).toBe('e');
    s = moveFocus(s, ORDER, 'PageUp', false, 3);
    expect(s.focus).toBe('b');
    s = moveFocus(s, ORDER, 'Home', false);
    expect(s.focus).toBe('a');
    expect(moveFocus(s, [], 'ArrowDown', false)).toEqual(EMPTY_SELECTION);
  });

  it('select all, and removed rows leave the selection', () => {
    let s = selectAll(ORDER, EMPTY_SELECTION);
    expect(ids(s)).toEqual(ORDER);
    s = clickRow(s, ORDER, 'c', { toggle: true });
    const pruned = pruneSelection(s, new Set(['a', 'b', 'd']));
    expect(ids(pruned)).toEqual(['a', 'b', 'd']);
    expect(pruned.focus).toBeNull();
    expect(pruneSelection(pruned, new Set(ORDER))).toBe(pruned);
  });
});
