/// <reference types="chrome" />
import { t } from '../common/i18n.js';
/**
 * Human-readable sizes, rates, durations and dates in the browser's UI language: numbers,
 * units, relative times and dates through Intl (binary size units, as other clients show them).
 * Every formatter takes the locale as its last argument (tests pass one; pages use the UI's).
 */
const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/**
 * The user's language for numbers and dates: the browser's first preferred language
 * (navigator.language, which Chrome takes from its language settings and `--lang`), else the
 * UI language of chrome.i18n, else English (Node tests).
 */
export function uiLocale(): string {
  if (typeof navigator !== 'undefined' && navigator.language) return navigator.language;
  try {
    if (typeof chrome !== 'undefined' && chrome.i18n?.getUILanguage) return chrome.i18n.getUILanguage();
  } catch {
    // not an extension page
  }
  return 'en';
}

/** Intl formatters are costly to build and used per row: one per locale and options. */
const cache = new Map<string, unknown>();
function cached<T>(key: string, make: () => T): T {
  let value = cache.get(key) as T | undefined;
  if (value === undefined) {
    value = make();
    cache.set(key, value);
  }
  return value;
}

function numberFormat(locale: string, fractionDigits: number, minDigits = 0): Intl.NumberFormat {
  return cached(`n|${locale}|${fractionDigits}|${minDigits}`, () => new Intl.NumberFormat(locale, { maximumFractionDigits: fractionDigits, minimumFractionDigits: minDigits }));
}

export function formatBytes(bytes: number, locale = uiLocale()): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 ? 0 : value < 10 ? 1 : 0;
  const rounded = unit === 0 ? value : Number(value.toFixed(digits));
  return `${numberFormat(locale, digits, digits).format(rounded)} ${UNITS[unit]}`;
}

export function formatRate(bytesPerSecond: number, locale = uiLocale()): string {
  return `${formatBytes(Math.round(bytesPerSecond), locale)}/s`;
}

/** Rounded down to 0.1 %, so 99.96 % never reads as 100 %. */
export function formatPercent(fraction: number, locale = uiLocale()): string {
  const floored = Math.floor(fraction * 1000) / 1000;
  return cached(`p|${locale}`, () => new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 })).format(floored);
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

type DurationUnit = 'second' | 'minute' | 'hour' | 'day' | 'year';

function unit(value: number, name: DurationUnit, locale: string): string {
  return cached(`u|${locale}|${name}`, () => new Intl.NumberFormat(locale, { style: 'unit', unit: name, unitDisplay: 'narrow' })).format(value);
}

/** The two largest units of a duration: [value, unit] pairs, the second left out when it is 0 or absent. */
function durationParts(seconds: number): [number, DurationUnit][] {
  const s = Math.round(seconds);
  if (s < 60) return [[s, 'second']];
  const m = Math.floor(s / 60);
  if (m < 60) return [[m, 'minute'], [s % 60, 'second']];
  const h = Math.floor(m / 60);
  if (h < 24) return [[h, 'hour'], [m % 60, 'minute']];
  const d = Math.floor(h / 24);
  return [[d, 'day'], [h % 24, 'hour']];
}

/**
 * Time left from the engine's `eta` (seconds; null = unknown): "3h 12m", "45s" in English,
 * "3 Std., 12 Min." in German; "∞" when unknown, "> 1y" past a year.
 */
export function formatEta(seconds: number | null | undefined, locale = uiLocale()): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '∞';
  if (seconds > 365 * 86400) return `> ${unit(1, 'year', locale)}`;
  const parts = durationParts(seconds).map(([value, name]) => unit(value, name, locale));
  return cached(`l|${locale}`, () => new Intl.ListFormat(locale, { style: 'narrow', type: 'unit' })).format(parts);
}

// --- added for the dashboard -------------------------------------------------------------------

export function formatRatio(ratio: number, locale = uiLocale()): string {
  return Number.isFinite(ratio) ? numberFormat(locale, 2, 2).format(ratio) : '∞';
}

/** A date and time in the user's locale; '—' when absent. */
export function formatDate(ms: number | undefined, locale = uiLocale()): string {
  if (!ms) return '—';
  return cached(`d|${locale}`, () => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' })).format(ms);
}

const RELATIVE_STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 365],
];

/** "12 seconds ago" / "in 3 minutes" relative to `now`, in the largest whole unit; '—' when absent. */
export function formatRelative(ms: number | undefined, now: number, locale = uiLocale()): string {
  if (!ms) return '—';
  let value = (ms - now) / 1000;
  const rtf = cached(`r|${locale}`, () => new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }));
  for (const [name, size] of RELATIVE_STEPS) {
    if (Math.abs(value) < size) return rtf.format(Math.round(value), name);
    value /= size;
  }
  return rtf.format(Math.round(value), 'year');
}
