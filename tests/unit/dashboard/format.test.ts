// The pages' number, duration and date texts follow the UI language (Intl), English and German
// side by side: the same engine values, each locale's own digits, units and word order.
import { describe, expect, it } from 'vitest';
import { formatBytes, formatDate, formatEta, formatPercent, formatRate, formatRatio, formatRelative, uiLocale } from '../../../extension-ui/popup/format.js';

describe('durations (ETA)', () => {
  it.each([
    [42, '42s', '42 Sek.'],
    [125, '2m 5s', '2 Min., 5 Sek.'],
    [3 * 3600 + 12 * 60, '3h 12m', '3h, 12 Min.'],
    [50 * 3600, '2d 2h', '2 T, 2h'],
  ])('%s s: en %s, de %s', (seconds, en, de) => {
    expect(formatEta(seconds, 'en')).toBe(en);
    expect(formatEta(seconds, 'de')).toBe(de);
  });

  it('unknown and absurd times', () => {
    for (const locale of ['en', 'de']) {
      expect(formatEta(null, locale)).toBe('∞');
      expect(formatEta(-1, locale)).toBe('∞');
      expect(formatEta(Infinity, locale)).toBe('∞');
    }
    expect(formatEta(400 * 86400, 'de')).toBe('> 1 J');
  });
});

describe('numbers', () => {
  it('sizes and rates use the locale decimal separator', () => {
    expect(formatBytes(1536, 'en')).toBe('1.5 KiB');
    expect(formatBytes(1536, 'de')).toBe('1,5 KiB');
    expect(formatBytes(512, 'de')).toBe('512 B');
    expect(formatBytes(300 * 1024 * 1024, 'de')).toBe('300 MiB');
    expect(formatRate(2.5 * 1024 * 1024, 'de')).toBe('2,5 MiB/s');
  });

  it('percent is floored to 0.1 and written the locale way', () => {
    expect(formatPercent(0.1256, 'en')).toBe('12.5%');
    expect(formatPercent(0.1256, 'de')).toBe('12,5\u00a0%');
    expect(formatPercent(0.99996, 'en')).toBe('99.9%');
    expect(formatPercent(1, 'en')).toBe('100%');
  });

  it('ratio with two decimals', () => {
    expect(formatRatio(1.5, 'en')).toBe('1.50');
    expect(formatRatio(1.5, 'de')).toBe('1,50');
    expect(formatRatio(Infinity, 'de')).toBe('∞');
  });
});

describe('dates and relative times', () => {
  const at = Date.UTC(2026, 10, 23, 16, 5);

  it('dates in the locale order', () => {
    const local = new Date(at);
    const hh = String(local.getHours()).padStart(2, '0');
    const mm = String(local.getMinutes()).padStart(2, '0');
    expect(formatDate(at, 'de')).toBe(`23.11.2026, ${hh}:${mm}`);
    expect(formatDate(at, 'en')).toMatch(/^Nov 23, 2026, \d{1,2}:\d{2}\s[AP]M$/);
    expect(formatDate(undefined, 'de')).toBe('—');
  });

  it('relative times in the largest whole unit', () => {
    expect(formatRelative(at - 12_000, at, 'en')).toBe('12 seconds ago');
    expect(formatRelative(at - 12_000, at, 'de')).toBe('vor 12 Sekunden');
    expect(formatRelative(at + 185_000, at, 'en')).toBe('in 3 minutes');
    expect(formatRelative(at + 185_000, at, 'de')).toBe('in 3 Minuten');
    expect(formatRelative(at - 2 * 86_400_000, at, 'de')).toBe('vorgestern');
    expect(formatRelative(at - 3 * 3_600_000, at, 'en')).toBe('3 hours ago');
    expect(formatRelative(undefined, at, 'en')).toBe('—');
  });

  it('the UI language falls back to the page language outside the extension', () => {
    expect(uiLocale()).toBe(typeof navigator !== 'undefined' && navigator.language ? navigator.language : 'en');
  });
});
