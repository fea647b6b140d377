/**
 * Multi-selection over the (sorted, filtered) list, as file managers do it: click selects one,
 * Ctrl/Cmd+click toggles, Shift+click selects the range from the anchor; the arrow keys, Home
 * and End move the focus (with Shift: extend), Ctrl+A selects all. Pure: ids in, ids out.
 */
export interface Selection {
  ids: ReadonlySet<string>;
  /** Where Shift ranges start. */
  anchor: string | null;
  /** The row with keyboard focus (the last one clicked or moved to). */
  focus: string | null;
}

export const EMPTY_SELECTION: Selection = { ids: new Set(), anchor: null, focus: null };

export interface Modifiers {
  shift?: boolean;
  /** Ctrl, or Cmd on macOS. */
  toggle?: boolean;
}

function range(order: readonly string[], from: string | null, to: string): Set<string> {
  const a = from === null ? -1 : order.indexOf(from);
  const b = order.indexOf(to);
  if (a < 0 || b < 0) return new Set([to]);
  const [lo, hi] = a < b ? [a, b] : [b, a];
  return new Set(order.slice(lo, hi + 1));
}

export function clickRow(sel: Selection, order: readonly string[], id: string, mods: Modifiers = {}): Selection {
  if (mods.shift) {
    const ids = range(order, sel.anchor ?? sel.focus, id);
    if (mods.toggle) for (const x of sel.ids) ids.add(x);
    return { ids, anchor: sel.anchor ?? id, focus: id };
  }
  if (mods.toggle) {
    const ids = new Set(sel.ids);
    if (ids.has(id)) ids.delete(id);
    else ids.add(id);
    return { ids, anchor: id, focus: id };
  }
  return { ids: new Set([id]), anchor: id, focus: id };
}

export type NavKey = 'ArrowUp' | 'ArrowDown' | 'Home' | 'End' | 'PageUp' | 'PageDown';

/** Moves the focus by a key; `page` is how many rows a PageUp/PageDown moves. */
export function moveFocus(sel: Selection, order: readonly string[], key: NavKey, shift: boolean, page = 10): Selection {
  if (order.length === 0) return EMPTY_SELECTION;
  const at = sel.focus === null ? -1 : order.indexOf(sel.focus);
  let next: number;
  switch (key) {
    case 'ArrowUp':
      next = at < 0 ? 0 : at - 1;
      break;
    case 'ArrowDown':
      next = at + 1;
      break;
    case 'PageUp':
      next = at - page;
      break;
    case 'PageDown':
      next = at < 0 ? page - 1 : at + page;
      break;
    case 'Home':
      next = 0;
      break;
    case 'End':
      next = order.length - 1;
      break;
  }
  const id = order[Math.min(Math.max(0, next), order.length - 1)]!;
  return clickRow(sel, order, id, { shift });
}

export function selectAll(order: readonly string[], sel: Selection): Selection {
  return { ids: new Set(order), anchor: sel.anchor ?? order[0] ?? null, focus: sel.focus ?? order[0] ?? null };
}

/** Drops ids that are no longer listed (removed torrents). Returns the same object when nothing changed. */
export function pruneSelection(sel: Selection, present: ReadonlySet<string>): Selection {
  let changed = false;
  for (const id of sel.ids) if (!present.has(id)) changed = true;
  const anchor = sel.anchor !== null && present.has(sel.anchor) ? sel.anchor : null;
  const focus = sel.focus !== null && present.has(sel.focus) ? sel.focus : null;
  if (!changed && anchor === sel.anchor && focus === sel.focus) return sel;
  return { ids: new Set([...sel.ids].filter((id) => present.has(id))), anchor, focus };
}
