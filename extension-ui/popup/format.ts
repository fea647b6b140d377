import { t } from '../common/i18n.js';
/** Human-readable sizes and rates (binary units, as other clients show them). */
const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${UNITS[unit]}`;
}

export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(Math.round(bytesPerSecond))}/s`;
}

export function formatPercent(fraction: number): string {
  return `${Math.floor(fraction * 1000) / 10}%`;
}

const STATE_LABELS: Record<string, string> = {
  metadata: 'Fetching metadata',
  checking: 'Checking',
  downloading: 'Downloading',
  seeding: 'Seeding',
  paused: 'Paused',
  queued: 'Queued',
  error: 'Error',
};

/** The state's text from _locales; the English above where chrome.i18n is absent (Node tests). */
export function stateLabel(state: string): string {
  const english = STATE_LABELS[state];
  if (english === undefined) return state;
  const text = localizedState(state);
  return text.startsWith('popup_state_') ? english : text;
}

function localizedState(state: string): string {
  switch (state) {
    case 'metadata':
      return t('popup_state_metadata');
    case 'checking':
      return t('popup_state_checking');
    case 'downloading':
      return t('popup_state_downloading');
    case 'seeding':
      return t('popup_state_seeding');
    case 'paused':
      return t('popup_state_paused');
    case 'queued':
      return t('popup_state_queued');
    default:
      return t('popup_state_error');
  }
}

/** Time left from the engine's `eta` (seconds; null = unknown): "3h 12m", "45s", "∞" when unknown. */
export function formatEta(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '∞';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${m % 60}m`;
  const d = Math.floor(h / 24);
  return d > 365 ? '> 1 year' : `${d}d ${h % 24}h`;
}

// --- added for the dashboard -------------------------------------------------------------------

export function formatRatio(ratio: number): string {
  return Number.isFinite(ratio) ? ratio.toFixed(2) : '∞';
}

/** A date and time in the user's locale; '—' when absent. */
export function formatDate(ms: number | undefined): string {
  return ms ? new Date(ms).toLocaleString() : '—';
}

/** "12s ago" / "in 3m 5s" relative to `now`; '—' when absent. */
export function formatRelative(ms: number | undefined, now: number): string {
  if (!ms) return '—';
  const delta = Math.round((ms - now) / 1000);
  return delta >= 0 ? `in ${formatEta(delta)}` : `${formatEta(-delta)} ago`;
}
