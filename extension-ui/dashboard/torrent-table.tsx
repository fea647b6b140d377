/**
 * The torrent list: virtualized (fixed row height; only the rows in view, plus a few, are in the
 * DOM), sortable by column, multi-select by mouse (click, Shift, Ctrl/Cmd) and keyboard (arrows,
 * Page Up/Down, Home/End, Shift to extend, Ctrl+A, Delete to remove). Names are text, never markup.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { TorrentRow } from '../../src/extension/messages.js';
import { formatBytes, formatEta, formatPercent, formatRate, stateLabel } from '../popup/format.js';
import { t } from '../common/i18n.js';
import { clickRow, moveFocus, selectAll, type NavKey, type Selection } from './selection.js';
import type { SortDir, SortKey } from './torrent-query.js';
import { scrollToReveal, visibleWindow } from './virtual-window.js';

export const ROW_HEIGHT = 36;

const COLUMNS: { key: SortKey; label(): string; num?: boolean }[] = [
  { key: 'queue', label: () => t('dash_col_queue'), num: true },
  { key: 'name', label: () => t('dash_col_name') },
  { key: 'size', label: () => t('dash_col_size'), num: true },
  { key: 'progress', label: () => t('dash_col_progress') },
  { key: 'state', label: () => t('dash_col_state') },
  { key: 'downloadRate', label: () => t('dash_col_down'), num: true },
  { key: 'uploadRate', label: () => t('dash_col_up'), num: true },
  { key: 'eta', label: () => t('dash_col_eta'), num: true },
];

export interface TorrentTableProps {
  rows: TorrentRow[];
  selection: Selection;
  onSelection(selection: Selection): void;
  sort: { key: SortKey; dir: SortDir };
  onSort(key: SortKey): void;
  onRemove(): void;
  /** Text shown when no row is listed. */
  empty: string;
}

/** The engine's state; a forced torrent (runs past the queue) says so first, so it stays visible when cut. */
function StateCell(props: { row: TorrentRow }) {
  const { row } = props;
  // A magnet added with "choose later" wants nothing yet, so the engine calls it complete: say what it waits for.
  const state = row.chooseFiles ? t('popup_chooseFilesState') : stateLabel(row.state);
  const text = row.settings?.forced && row.state !== 'paused' && row.state !== 'error' ? t('dash_forcedState', state) : state;
  return (
    <span class="cell-state" data-forced={row.settings?.forced ? 'true' : undefined} title={text}>
      {text}
    </span>
  );
}

function Row(props: { row: TorrentRow; index: number; selected: boolean; focused: boolean; onClick(event: MouseEvent): void }) {
  const { row } = props;
  const nameId = `tn-${row.infoHash}`;
  return (
    <li
      id={`row-${row.infoHash}`}
      role="option"
      aria-selected={props.selected ? 'true' : 'false'}
      aria-labelledby={nameId}
      class={`torrent${props.focused ? ' focused' : ''}`}
      data-infohash={row.infoHash}
      data-state={row.state}
      style={{ top: `${props.index * ROW_HEIGHT}px` }}
      onMouseDown={(e) => {
        if (e.shiftKey) e.preventDefault(); // no text selection on Shift+click
      }}
      onClick={props.onClick}
    >
      <span class="num cell-queue" data-queue={row.queuePosition ?? ''}>
        {row.queuePosition !== undefined ? String(row.queuePosition + 1) : '—'}
      </span>
      <span class="cell-name" style={{ minWidth: 0 }}>
        <span class="torrent-name" id={nameId} title={row.name}>
          {row.name}
        </span>
        {row.error && <span class="torrent-error">{row.error}</span>}
      </span>
      <span class="num">{row.totalLength > 0 ? formatBytes(row.wantedLength) : '—'}</span>
      <span class="cell-progress">
        <progress max={1} value={row.progress} aria-label={t('dash_progressOf', row.name)} />
        <span>{formatPercent(row.progress)}</span>
      </span>
      <StateCell row={row} />
      <span class="num">{formatRate(row.downloadRate)}</span>
      <span class="num">{formatRate(row.uploadRate)}</span>
      <span class="num">{row.state === 'downloading' ? formatEta(row.eta) : ''}</span>
    </li>
  );
}

export function TorrentTable(props: TorrentTableProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(400);
  const frame = useRef(0);
  const order = props.rows.map((row) => row.infoHash);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const measure = (): void => setHeight(el.clientHeight);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // Keyboard moves keep the focused row in view.
  const focusIndex = props.selection.focus === null ? -1 : order.indexOf(props.selection.focus);
  useEffect(() => {
    const el = scroller.current;
    if (!el || focusIndex < 0) return;
    const next = scrollToReveal(focusIndex, el.scrollTop, el.clientHeight, ROW_HEIGHT);
    if (next !== el.scrollTop) el.scrollTop = next;
  }, [focusIndex]);

  const onScroll = (): void => {
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      setScrollTop(scroller.current?.scrollTop ?? 0);
    });
  };

  const onKeyDown = (e: KeyboardEvent): void => {
    const nav = ['ArrowUp', 'ArrowDown', 'Home', 'End', 'PageUp', 'PageDown'];
    if (nav.includes(e.key)) {
      e.preventDefault();
      props.onSelection(moveFocus(props.selection, order, e.key as NavKey, e.shiftKey, Math.max(1, Math.floor(height / ROW_HEIGHT) - 1)));
    } else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'a') {
      e.preventDefault();
      props.onSelection(selectAll(order, props.selection));
    } else if (e.key === ' ' && props.selection.focus) {
      e.preventDefault();
      props.onSelection(clickRow(props.selection, order, props.selection.focus, { toggle: true }));
    } else if (e.key === 'Delete' && props.selection.ids.size > 0) {
      e.preventDefault();
      props.onRemove();
    }
  };

  const win = visibleWindow(scrollTop, height, ROW_HEIGHT, props.rows.length);
  const visible = props.rows.slice(win.start, win.end);
  const arrow = (key: SortKey): string => (props.sort.key === key ? (props.sort.dir === 'asc' ? ' ▲' : ' ▼') : '');
  const sortLabel = (key: SortKey, label: string): string =>
    props.sort.key === key ? (props.sort.dir === 'asc' ? t('dash_sortedAsc', label) : t('dash_sortedDesc', label)) : t('dash_sortByColumn', label.toLocaleLowerCase());

  return (
    <section class="torrent-table" aria-label={t('dash_torrentList')}>
      <div class="list-head">
        {COLUMNS.map((c) => (
          <button key={c.key} type="button" class={c.num ? 'num' : ''} aria-label={sortLabel(c.key, c.label())} onClick={() => props.onSort(c.key)}>
            {c.label()}
            {arrow(c.key)}
          </button>
        ))}
      </div>
      <div class="list-scroll" ref={scroller} onScroll={onScroll}>
        {props.rows.length === 0 ? (
          <p class="muted empty" style={{ padding: '8px' }}>
            {props.empty}
          </p>
        ) : (
          <ul
            class="torrent-rows"
            role="listbox"
            aria-label={t('dash_torrents')}
            aria-multiselectable="true"
            tabIndex={0}
            aria-activedescendant={props.selection.focus ? `row-${props.selection.focus}` : undefined}
            data-count={props.rows.length}
            data-window={`${win.start}-${win.end}`}
            style={{ height: `${win.totalHeight}px` }}
            onKeyDown={onKeyDown}
          >
            {visible.map((row, i) => (
              <Row
                key={row.infoHash}
                row={row}
                index={win.start + i}
                selected={props.selection.ids.has(row.infoHash)}
                focused={props.selection.focus === row.infoHash}
                onClick={(e) => props.onSelection(clickRow(props.selection, order, row.infoHash, { shift: e.shiftKey, toggle: e.ctrlKey || e.metaKey }))}
              />
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}
