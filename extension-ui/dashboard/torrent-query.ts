/**
 * Sorting and filtering the torrent list. Pure: the page keeps the choice, the rows come from
 * the engine as they are (no value here is computed, only compared).
 */
import type { TorrentRow } from '../../src/extension/messages.js';

export type SortKey = 'name' | 'size' | 'progress' | 'state' | 'downloadRate' | 'uploadRate' | 'eta' | 'addedAt' | 'queue';
export type SortDir = 'asc' | 'desc';
export type StateFilter = 'all' | 'downloading' | 'seeding' | 'paused' | 'active' | 'checking' | 'error' | 'queued';

export const STATE_FILTERS: readonly StateFilter[] = ['all', 'downloading', 'seeding', 'paused', 'active', 'checking', 'error', 'queued'];
export const SORT_KEYS: readonly SortKey[] = ['name', 'size', 'progress', 'state', 'downloadRate', 'uploadRate', 'eta', 'addedAt', 'queue'];

/** Order of states when sorting by state: what needs attention first. */
const STATE_ORDER: Record<string, number> = { error: 0, metadata: 1, checking: 2, downloading: 3, seeding: 4, paused: 5 };

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

function matchesState(t: TorrentRow, filter: StateFilter): boolean {
  switch (filter) {
    case 'all':
      return true;
    case 'downloading':
      return t.state === 'downloading' || t.state === 'metadata';
    case 'active':
      return t.downloadRate > 0 || t.uploadRate > 0;
    case 'checking':
      return t.state === 'checking';
    default:
      return t.state === filter;
  }
}

export function filterTorrents(rows: readonly TorrentRow[], state: StateFilter, text: string): TorrentRow[] {
  const needle = text.trim().toLocaleLowerCase();
  return rows.filter((t) => matchesState(t, state) && (needle === '' || t.name.toLocaleLowerCase().includes(needle) || t.infoHash === needle));
}

function compare(a: TorrentRow, b: TorrentRow, key: SortKey): number {
  switch (key) {
    case 'name':
      return collator.compare(a.name, b.name);
    case 'size':
      return a.wantedLength - b.wantedLength;
    case 'progress':
      return a.progress - b.progress;
    case 'state':
      return (STATE_ORDER[a.state] ?? 9) - (STATE_ORDER[b.state] ?? 9);
    case 'downloadRate':
      return a.downloadRate - b.downloadRate;
    case 'uploadRate':
      return a.uploadRate - b.uploadRate;
    case 'eta':
      // Unknown ETAs go last whichever the direction (handled by the caller).
      return (a.eta ?? 0) - (b.eta ?? 0);
    case 'addedAt':
      return a.addedAt - b.addedAt;
    case 'queue':
      // The engine's queue place (0 = top); torrents outside the queue go last.
      return (a.queuePosition ?? Number.MAX_SAFE_INTEGER) - (b.queuePosition ?? Number.MAX_SAFE_INTEGER);
  }
}

/** A stable sort (ties by name, then infohash) so rows do not jump between snapshots. */
export function sortTorrents(rows: readonly TorrentRow[], key: SortKey, dir: SortDir): TorrentRow[] {
  const sign = dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    if (key === 'eta' && (a.eta === null) !== (b.eta === null)) return a.eta === null ? 1 : -1;
    const primary = compare(a, b, key) * sign;
    if (primary !== 0) return primary;
    const byName = collator.compare(a.name, b.name);
    return byName !== 0 ? byName : a.infoHash < b.infoHash ? -1 : a.infoHash > b.infoHash ? 1 : 0;
  });
}
