/** Above the list: filter by state and name, sort by any column, and actions on the selection. */
import type { TorrentRow } from '../../src/extension/messages.js';
import { SORT_KEYS, STATE_FILTERS, type SortDir, type SortKey, type StateFilter } from './torrent-query.js';

const FILTER_LABELS: Record<StateFilter, string> = {
  all: 'All',
  downloading: 'Downloading',
  seeding: 'Seeding',
  paused: 'Paused',
  active: 'Active (transferring)',
  checking: 'Checking',
  error: 'Error',
};

const SORT_LABELS: Record<SortKey, string> = {
  name: 'Name',
  size: 'Size',
  progress: 'Progress',
  state: 'State',
  downloadRate: 'Download speed',
  uploadRate: 'Upload speed',
  eta: 'ETA',
  addedAt: 'Date added',
};

export interface ListToolsProps {
  filter: StateFilter;
  onFilter(filter: StateFilter): void;
  text: string;
  onText(text: string): void;
  sort: { key: SortKey; dir: SortDir };
  onSort(sort: { key: SortKey; dir: SortDir }): void;
  selected: TorrentRow[];
  onPause(): void;
  onResume(): void;
  onRemove(): void;
}

export function ListTools(props: ListToolsProps) {
  const n = props.selected.length;
  const canPause = props.selected.some((t) => t.state !== 'paused');
  const canResume = props.selected.some((t) => t.state === 'paused' || t.state === 'error');
  return (
    <div class="list-tools">
      <label>
        Show
        <select value={props.filter} onChange={(e) => props.onFilter((e.currentTarget as HTMLSelectElement).value as StateFilter)}>
          {STATE_FILTERS.map((f) => (
            <option key={f} value={f}>
              {FILTER_LABELS[f]}
            </option>
          ))}
        </select>
      </label>
      <label>
        Filter by name
        <input type="search" value={props.text} placeholder="Name or infohash" onInput={(e) => props.onText((e.currentTarget as HTMLInputElement).value)} />
      </label>
      <label>
        Sort by
        <select value={props.sort.key} onChange={(e) => props.onSort({ key: (e.currentTarget as HTMLSelectElement).value as SortKey, dir: props.sort.dir })}>
          {SORT_KEYS.map((k) => (
            <option key={k} value={k}>
              {SORT_LABELS[k]}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        class="secondary"
        aria-label={`Sort direction: ${props.sort.dir === 'asc' ? 'ascending' : 'descending'}`}
        onClick={() => props.onSort({ key: props.sort.key, dir: props.sort.dir === 'asc' ? 'desc' : 'asc' })}
      >
        {props.sort.dir === 'asc' ? '▲' : '▼'}
      </button>
      <div class="list-actions" role="group" aria-label={`Actions on ${n} selected`}>
        <button type="button" disabled={!canResume} onClick={props.onResume}>
          Resume
        </button>
        <button type="button" disabled={!canPause} onClick={props.onPause}>
          Pause
        </button>
        <button type="button" class="danger" disabled={n === 0} onClick={props.onRemove}>
          Remove…
        </button>
      </div>
    </div>
  );
}
