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
  error: 'Error',
};

export function stateLabel(state: string): string {
  return STATE_LABELS[state] ?? state;
}

// --- added for the dashboard -------------------------------------------------------------------

/** Seconds left as "1h 05m", "3m 20s", "45s"; "∞" when unknown. */
export function formatEta(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '∞';
  const s = Math.max(0, Math.round(seconds));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

export function formatRatio(ratio: number): string {
  return Number.isFinite(ratio) ? ratio.toFixed(2) : '∞';
}

/** A date and time in the user's locale; '—' when absent. */
export function formatDate(ms: number | undefined): string {
  return ms ? new Date(ms).toLocaleString() : '—';
}

/** "12s ago" / "in 3m 05s" relative to `now`; '—' when absent. */
export function formatRelative(ms: number | undefined, now: number): string {
  if (!ms) return '—';
  const delta = Math.round((ms - now) / 1000);
  return delta >= 0 ? `in ${formatEta(delta)}` : `${formatEta(-delta)} ago`;
}
