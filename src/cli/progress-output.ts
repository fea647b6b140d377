/**
 * How `download` and `seed` report progress: `--json` (one object per line, every second), a
 * single self-rewriting line on a terminal, or a plain line every 5 s when piped. The
 * formatting functions are pure; ProgressOutput only decides when to write.
 */
import type { TorrentStats } from '../engine/session/types.js';
import { formatBytes, formatEta, formatPercent, formatRate } from './units.js';

export type OutputMode = 'json' | 'tty' | 'plain' | 'quiet';

export const PLAIN_INTERVAL_MS = 5000;

/** The fields every progress/done JSON line carries (the `--json` contract). */
export function progressRecord(type: 'progress' | 'done', stats: TorrentStats): Record<string, unknown> {
  return {
    type,
    state: stats.state,
    progress: stats.progress,
    downloaded: stats.downloaded,
    uploaded: stats.uploaded,
    downloadRate: Math.round(stats.downloadRate),
    uploadRate: Math.round(stats.uploadRate),
    peers: stats.peers,
    eta: stats.eta === null || !Number.isFinite(stats.eta) ? null : Math.round(stats.eta),
    name: stats.name,
    infoHash: stats.infoHash,
  };
}

/** Names come from torrents: never let them put escape sequences on a terminal. */
export function safeText(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?');
}

function stateLabel(stats: TorrentStats): string {
  return stats.state === 'metadata' ? 'fetching metadata' : stats.state;
}

function rates(stats: TorrentStats): string {
  return `down ${formatRate(stats.downloadRate)} up ${formatRate(stats.uploadRate)}`;
}

/** One plain status line (non-TTY output). */
export function formatPlainLine(stats: TorrentStats): string {
  const size = stats.wantedLength > 0 ? ` ${formatBytes(stats.verifiedLength)}/${formatBytes(stats.wantedLength)}` : '';
  const eta = stats.state === 'downloading' ? ` eta ${formatEta(stats.eta)}` : '';
  return `${safeText(stats.name || stats.infoHash)}: ${stateLabel(stats)} ${formatPercent(stats.progress)}${size} ${rates(stats)} peers ${stats.peers}${eta}`;
}

/** The terminal line: name, bar, %, rates, peers, ETA, cut to the terminal's width. */
export function formatTtyLine(stats: TorrentStats, columns: number): string {
  const tail =
    ` ${formatPercent(stats.progress)} ${rates(stats)} peers ${stats.peers}` +
    (stats.state === 'downloading' ? ` eta ${formatEta(stats.eta)}` : ` ${stateLabel(stats)}`);
  const barWidth = columns >= 100 ? 20 : columns >= 70 ? 10 : 0;
  const bar = barWidth > 0 ? ` [${progressBar(stats.progress, barWidth)}]` : '';
  const room = Math.max(8, columns - 1 - tail.length - bar.length);
  const name = truncate(safeText(stats.name || stats.infoHash), room);
  return (name + bar + tail).slice(0, Math.max(1, columns - 1));
}

export function progressBar(fraction: number, width: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return '#'.repeat(filled) + '.'.repeat(width - filled);
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}

export interface ProgressOutputOptions {
  mode: OutputMode;
  write(text: string): void;
  now(): number;
  columns?(): number;
}

export class ProgressOutput {
  private lastPlainAt = -Infinity;
  private lineOpen = false;

  constructor(private readonly options: ProgressOutputOptions) {}

  get mode(): OutputMode {
    return this.options.mode;
  }

  listening(port: number): void {
    if (this.mode === 'json') this.json({ type: 'listening', port });
    else if (this.mode !== 'quiet') this.line(`listening on port ${port}`);
  }

  /** Called about once a second. */
  update(stats: TorrentStats): void {
    const { mode } = this;
    if (mode === 'json') this.json(progressRecord('progress', stats));
    else if (mode === 'tty') {
      const columns = this.options.columns?.() || 80;
      this.options.write(`\r${formatTtyLine(stats, columns)}\u001b[K`);
      this.lineOpen = true;
    } else if (mode === 'plain') {
      const now = this.options.now();
      if (now - this.lastPlainAt < PLAIN_INTERVAL_MS) return;
      this.lastPlainAt = now;
      this.line(formatPlainLine(stats));
    }
  }

  done(stats: TorrentStats): void {
    if (this.mode === 'json') this.json(progressRecord('done', stats));
    else if (this.mode !== 'quiet') {
      this.line(`${safeText(stats.name || stats.infoHash)}: done, ${formatBytes(stats.wantedLength)} verified in ${stats.destination}`);
    }
  }

  /** A line of its own (goal reached, warnings...), ending the TTY line first. In JSON, an event. */
  event(type: string, message: string, extra: Record<string, unknown> = {}): void {
    if (this.mode === 'json') this.json({ type, message, ...extra });
    else this.line(message);
  }

  /** Leave the terminal on a fresh line (before exit or a stderr message). */
  endLine(): void {
    if (this.lineOpen) {
      this.options.write('\n');
      this.lineOpen = false;
    }
  }

  private json(record: Record<string, unknown>): void {
    this.options.write(`${JSON.stringify(record)}\n`);
  }

  private line(text: string): void {
    this.endLine();
    this.options.write(`${text}\n`);
  }
}
