/**
 * Parsing and printing of the CLI's quantities: rates, sizes, durations, ratios, file lists,
 * ports and host:port pairs. Every parser throws a UsageError naming what it wanted, so a
 * typo is an exit-2 one-liner.
 */
import { UsageError } from './args.js';

const KIB = 1024;
const MULTIPLIERS: Record<string, number> = { '': 1, k: KIB, m: KIB ** 2, g: KIB ** 3 };

/** `4M`, `512K`, `1.5G`, `100000`; also `4MiB`, `4MB`, `4M/s`. K/M/G are binary (KiB/MiB/GiB). */
export function parseByteCount(text: string, what: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?$/i.exec(text.trim());
  if (!match) throw new UsageError(`${what} must be a number of bytes, optionally with K, M or G (got '${text}')`);
  const value = Number(match[1]) * MULTIPLIERS[match[2]!.toLowerCase()]!;
  if (!Number.isFinite(value) || value > Number.MAX_SAFE_INTEGER) throw new UsageError(`${what} is too large: '${text}'`);
  return Math.floor(value);
}

/** Bytes per second; 0 means unlimited. */
export function parseRate(text: string, what = 'rate'): number {
  return parseByteCount(text.replace(/\/s$/i, ''), what);
}

export const MIN_PIECE_LENGTH = 16 * KIB;
export const MAX_PIECE_LENGTH = 16 * KIB * KIB;

/** `--piece-length`: a power of two from 16 KiB to 16 MiB (DESIGN: the range `create` picks from). */
export function parsePieceLength(text: string): number {
  const value = parseByteCount(text, '--piece-length');
  if (value < MIN_PIECE_LENGTH || value > MAX_PIECE_LENGTH || (value & (value - 1)) !== 0) {
    throw new UsageError(`--piece-length must be a power of two from 16K to 16M (got '${text}')`);
  }
  return value;
}

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** `90` (seconds), `30s`, `10m`, `2h`, `1d`, or combined `1h30m`. Returns milliseconds. */
export function parseDuration(text: string, what = 'duration'): number {
  const trimmed = text.trim();
  if (/^\d+(?:\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  if (!/^(?:\d+(?:\.\d+)?[smhd])+$/i.test(trimmed)) {
    throw new UsageError(`${what} must be seconds or a duration like 30s, 10m, 2h (got '${text}')`);
  }
  let seconds = 0;
  for (const part of trimmed.matchAll(/(\d+(?:\.\d+)?)([smhd])/gi)) {
    seconds += Number(part[1]) * DURATION_UNITS[part[2]!.toLowerCase()]!;
  }
  return Math.round(seconds * 1000);
}

/** A non-negative ratio such as `2`, `1.5`, `0`. */
export function parseRatio(text: string, what = '--seed-ratio'): number {
  if (!/^\d+(?:\.\d+)?$/.test(text.trim())) throw new UsageError(`${what} must be a non-negative number (got '${text}')`);
  return Number(text);
}

export function parsePort(text: string, what = '--port'): number {
  if (!/^\d+$/.test(text) || Number(text) > 65535) throw new UsageError(`${what} must be a port from 0 to 65535 (got '${text}')`);
  return Number(text);
}

export interface HostPort {
  host: string;
  port: number;
}

/** `host:port`, `1.2.3.4:6881` or `[::1]:6881`. */
export function parseHostPort(text: string, what: string): HostPort {
  const match = /^\[([0-9a-fA-F:.]+)\]:(\d+)$/.exec(text) ?? /^([^\s:[\]]+):(\d+)$/.exec(text);
  const port = match ? Number(match[2]) : NaN;
  if (!match || !(port >= 1 && port <= 65535)) throw new UsageError(`${what} must be host:port (got '${text}')`);
  return { host: match[1]!, port };
}

export function parseHostPortList(text: string, what: string): HostPort[] {
  return text
    .split(',')
    .filter((part) => part.trim() !== '')
    .map((part) => parseHostPort(part.trim(), what));
}

/** `0,2,5-7` -> [0, 2, 5, 6, 7] (sorted, without duplicates). */
export function parseIndexList(text: string, what = '--only'): number[] {
  const out = new Set<number>();
  for (const raw of text.split(',')) {
    const part = raw.trim();
    const range = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!range) throw new UsageError(`${what} must be file indexes like 0,2,5-7 (got '${text}')`);
    const from = Number(range[1]);
    const to = range[2] === undefined ? from : Number(range[2]);
    if (to < from) throw new UsageError(`${what}: range ${part} runs backwards`);
    if (to - from > 1_000_000) throw new UsageError(`${what}: range ${part} is too large`);
    for (let i = from; i <= to; i++) out.add(i);
  }
  return [...out].sort((a, b) => a - b);
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** 1536 -> '1.5 KiB'. */
export function formatBytes(bytes: number): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(1)} ${BYTE_UNITS[unit]}`;
}

export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** Seconds -> '45s', '3m05s', '2h07m', '3d04h'; unknown -> '-'. */
export function formatEta(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '-';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${pad2(s % 60)}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${pad2(Math.floor(s / 60) % 60)}m`;
  return `${Math.floor(s / 86400)}d${pad2(Math.floor(s / 3600) % 24)}h`;
}

/** Milliseconds as the user would have typed them: 30000 -> '30s', 5400000 -> '1h30m'. */
export function formatDuration(ms: number): string {
  let s = Math.round(ms / 1000);
  if (s === 0) return '0s';
  let out = '';
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    if (s >= size) {
      out += `${Math.floor(s / size)}${unit}`;
      s %= size;
    }
  }
  return out;
}

/** 2 -> '2.0', 1.25 -> '1.25'. */
export function formatRatio(ratio: number): string {
  return Number.isInteger(ratio) ? ratio.toFixed(1) : String(Math.round(ratio * 1000) / 1000);
}

export function formatPercent(fraction: number): string {
  const clamped = Math.min(1, Math.max(0, fraction));
  // Never show 100.0% for a torrent that is not quite done.
  const tenths = clamped < 1 ? Math.min(999, Math.floor(clamped * 1000)) : 1000;
  return `${(tenths / 10).toFixed(1)}%`;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
