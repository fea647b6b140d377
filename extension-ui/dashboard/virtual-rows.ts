/**
 * Windowing for tables inside a scrolling box (Details › Files, the add dialog's file list): the
 * rows of a table body are laid out one under the other at a fixed pitch, so only the rows in
 * view (plus overscan, from virtual-window.ts) are rendered, between two spacer rows that keep
 * the scroll height of the whole list. The pitch is measured from the rendered rows, so CSS
 * (font size, borders) decides it, not a constant here.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { RefObject } from 'preact';
import { visibleWindow, type WindowRange } from './virtual-window.js';

/** Until a row is measured. */
const FALLBACK_PITCH = 30;

export interface VirtualRows extends WindowRange {
  /** Put on the `<tbody>`. */
  body: RefObject<HTMLTableSectionElement>;
  /** Height of the spacer row after the rendered rows. */
  after: number;
  pitch: number;
}

/**
 * `scroller`: a CSS selector for the scrolling ancestor of the body (its closest match). Rows are
 * `tbody > tr[data-row]`; spacers are other `tr`s.
 */
export function useVirtualRows(count: number, scroller: string, overscan = 6): VirtualRows {
  const body = useRef<HTMLTableSectionElement>(null);
  const [view, setView] = useState({ top: 0, height: 600, pitch: FALLBACK_PITCH });
  const frame = useRef(0);

  const measure = (): void => {
    const tbody = body.current;
    const box = tbody?.closest<HTMLElement>(scroller);
    if (!tbody || !box) return;
    const rows = tbody.querySelectorAll<HTMLElement>('tr[data-row]');
    let pitch = view.pitch;
    if (rows.length >= 2) pitch = rows[1]!.getBoundingClientRect().top - rows[0]!.getBoundingClientRect().top;
    else if (rows.length === 1) pitch = rows[0]!.getBoundingClientRect().height;
    if (!(pitch > 0)) pitch = FALLBACK_PITCH;
    // Where the body starts inside the scrolled content, then how far the view is into it.
    const bodyTop = tbody.getBoundingClientRect().top - box.getBoundingClientRect().top + box.scrollTop;
    const next = { top: box.scrollTop - bodyTop, height: box.clientHeight, pitch };
    setView((v) => (v.top === next.top && v.height === next.height && Math.abs(v.pitch - next.pitch) < 0.01 ? v : next));
  };

  useLayoutEffect(() => {
    const box = body.current?.closest<HTMLElement>(scroller);
    if (!box) return;
    const onScroll = (): void => {
      if (frame.current) return;
      frame.current = requestAnimationFrame(() => {
        frame.current = 0;
        measure();
      });
    };
    box.addEventListener('scroll', onScroll, { passive: true });
    const observer = new ResizeObserver(() => measure());
    observer.observe(box);
    measure();
    return () => {
      box.removeEventListener('scroll', onScroll);
      observer.disconnect();
      if (frame.current) cancelAnimationFrame(frame.current);
      frame.current = 0;
    };
    // Again when rows appear (the body may not exist while the list is empty).
  }, [scroller, count > 0]);

  // The pitch once real rows exist (the first render used the fallback), and after a change of length.
  useEffect(() => measure(), [count]);

  const win = visibleWindow(view.top, view.height, view.pitch, count, overscan);
  const offset = win.start * view.pitch;
  const totalHeight = count * view.pitch;
  return { ...win, offset, totalHeight, body, after: Math.max(0, totalHeight - win.end * view.pitch), pitch: view.pitch };
}
