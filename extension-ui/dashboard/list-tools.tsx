/** Above the list: filter by state and name, sort by any column, and actions on the selection. */
import type { TorrentRow } from '../../src/extension/messages.js';
import { t } from '../common/i18n.js';
import { SORT_KEYS, STATE_FILTERS, type SortDir, type SortKey, type StateFilter } from './torrent-query.js';

const FILTER_LABELS: Record<StateFilter, () => string> = {
  all: () => t('dash_filter_all'),
  downloading: () => t('dash_filter_downloading'),
  seeding: () => t('dash_filter_seeding'),
  paused: () => t('dash_filter_paused'),
  active: () => t('dash_filter_active'),
  checking: () => t('dash_filter_checking'),
  error: () => t('dash_filter_error'),
  queued: () => t('dash_filter_queued'),
};

const SORT_LABELS: Record<SortKey, () => string> = {
  name: () => t('dash_sort_name'),
  size: () => t('dash_sort_size'),
  progress: () => t('dash_sort_progress'),
  state: () => t('dash_sort_state'),
  downloadRate: () => t('dash_sort_downloadRate'),
  uploadRate: () => t('dash_sort_uploadRate'),
  eta: () => t('dash_sort_eta'),
  addedAt: () => t('dash_sort_addedAt'),
  queue: () => t('dash_sort_queue'),
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
  const canPause = props.selected.some((row) => row.state !== 'paused');
  const canResume = props.selected.some((row) => row.state === 'paused' || row.state === 'error');
  return (
    <div class="list-tools">
      <label>
        {t('dash_showFilter')}
        <select value={props.filter} onChange={(e) => props.onFilter((e.currentTarget as HTMLSelectElement).value as StateFilter)}>
          {STATE_FILTERS.map((f) => (
            <option key={f} value={f}>
              {FILTER_LABELS[f]()}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('dash_filterByName')}
        <input type="search" value={props.text} placeholder={t('dash_filterPlaceholder')} onInput={(e) => props.onText((e.currentTarget as HTMLInputElement).value)} />
      </label>
      <label>
        {t('dash_sortBy')}
        <select value={props.sort.key} onChange={(e) => props.onSort({ key: (e.currentTarget as HTMLSelectElement).value as SortKey, dir: props.sort.dir })}>
          {SORT_KEYS.map((k) => (
            <option key={k} value={k}>
              {SORT_LABELS[k]()}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        class="secondary"
        aria-label={props.sort.dir === 'asc' ? t('dash_sortDirAsc') : t('dash_sortDirDesc')}
        onClick={() => props.onSort({ key: props.sort.key, dir: props.sort.dir === 'asc' ? 'desc' : 'asc' })}
      >
        {props.sort.dir === 'asc' ? '▲' : '▼'}
      </button>
      <div class="list-actions" role="group" aria-label={t('dash_actionsOn', String(n))}>
        <button type="button" disabled={!canResume} onClick={props.onResume}>
          {t('dash_resume')}
        </button>
        <button type="button" disabled={!canPause} onClick={props.onPause}>
          {t('dash_pause')}
        </button>
        <button type="button" class="danger" disabled={n === 0} onClick={props.onRemove}>
          {t('dash_removeSelected')}
        </button>
      </div>
    </div>
  );
}
