import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/cli/args.js';
import {
  formatBytes,
  formatDuration,
  formatEta,
  formatPercent,
  formatRatio,
  parseDuration,
  parseHostPort,
  parseHostPortList,
  parseIndexList,
  parsePieceLength,
  parsePort,
  parseRate,
  parseRatio,
} from '../../../src/cli/units.js';

describe('parseRate', () => {
  it('takes a plain number as bytes per second', () => expect(parseRate('1500')).toBe(1500));
  it('reads K as KiB', () => expect(parseRate('512K')).toBe(512 * 1024));
  it('reads M as MiB', () => expect(parseRate('4M')).toBe(4 * 1024 * 1024));
  it('reads G as GiB', () => expect(parseRate('1G')).toBe(1024 ** 3));
  it('is case-insensitive', () => expect(parseRate('4m')).toBe(4 * 1024 * 1024));
  it('accepts KiB, MB and a /s suffix', () => {
    expect(parseRate('4MiB')).toBe(4 * 1024 * 1024);
    expect(parseRate('4MB')).toBe(4 * 1024 * 1024);
    expect(parseRate('4M/s')).toBe(4 * 1024 * 1024);
  });
  it('accepts a fraction', () => expect(parseRate('1.5K')).toBe(1536));
  it('accepts 0 (unlimited)', () => expect(parseRate('0')).toBe(0));
  it('refuses a negative rate', () => expect(() => parseRate('-1')).toThrow(UsageError));
  it('refuses an unknown suffix', () => expect(() => parseRate('4X')).toThrow(UsageError));
  it('refuses an empty value', () => expect(() => parseRate('')).toThrow(UsageError));
  it('names the flag in the message', () => expect(() => parseRate('fast', '--upload-limit')).toThrow(/--upload-limit/));
});

describe('parseDuration', () => {
  it('takes a plain number as seconds', () => expect(parseDuration('90')).toBe(90_000));
  it('reads s, m, h', () => {
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('10m')).toBe(600_000);
    expect(parseDuration('2h')).toBe(7_200_000);
  });
  it('reads combined units', () => expect(parseDuration('1h30m')).toBe(5_400_000));
  it('refuses a unit without a number', () => expect(() => parseDuration('m')).toThrow(UsageError));
  it('refuses an unknown unit', () => expect(() => parseDuration('3w')).toThrow(UsageError));
  it('refuses a negative duration', () => expect(() => parseDuration('-5')).toThrow(UsageError));
});

describe('parsePieceLength', () => {
  it('accepts 16K, the smallest', () => expect(parsePieceLength('16K')).toBe(16384));
  it('accepts bytes', () => expect(parsePieceLength('262144')).toBe(262144));
  it('accepts 16M, the largest', () => expect(parsePieceLength('16M')).toBe(16 * 1024 * 1024));
  it('refuses a non power of two', () => expect(() => parsePieceLength('100K')).toThrow(/power of two/));
  it('refuses less than 16 KiB', () => expect(() => parsePieceLength('8K')).toThrow(/power of two/));
  it('refuses more than 16 MiB', () => expect(() => parsePieceLength('32M')).toThrow(/power of two/));
});

describe('parseRatio / parsePort', () => {
  it('reads a ratio', () => expect(parseRatio('1.5')).toBe(1.5));
  it('refuses a negative ratio', () => expect(() => parseRatio('-1')).toThrow(UsageError));
  it('refuses a word as ratio', () => expect(() => parseRatio('two')).toThrow(UsageError));
  it('reads port 0 (any free port)', () => expect(parsePort('0')).toBe(0));
  it('refuses a port above 65535', () => expect(() => parsePort('65536')).toThrow(UsageError));
  it('refuses a non-numeric port', () => expect(() => parsePort('80a')).toThrow(UsageError));
});

describe('parseHostPort', () => {
  it('reads host:port', () => expect(parseHostPort('127.0.0.1:6881', '--peer')).toEqual({ host: '127.0.0.1', port: 6881 }));
  it('reads a bracketed IPv6 address', () => expect(parseHostPort('[::1]:6881', '--peer')).toEqual({ host: '::1', port: 6881 }));
  it('reads a host name', () => expect(parseHostPort('router.example:6881', '--peer').host).toBe('router.example'));
  it('refuses a missing port', () => expect(() => parseHostPort('127.0.0.1', '--peer')).toThrow(/--peer must be host:port/));
  it('refuses port 0', () => expect(() => parseHostPort('h:0', '--peer')).toThrow(UsageError));
  it('refuses an unbracketed IPv6 address', () => expect(() => parseHostPort('::1:6881', '--peer')).toThrow(UsageError));
  it('reads a comma-separated list, ignoring empty items', () => {
    expect(parseHostPortList('a:1,b:2,', '--dht-bootstrap')).toEqual([
      { host: 'a', port: 1 },
      { host: 'b', port: 2 },
    ]);
  });
});

describe('parseIndexList', () => {
  it('reads single indexes and ranges', () => expect(parseIndexList('0,2,5-7')).toEqual([0, 2, 5, 6, 7]));
  it('sorts and drops duplicates', () => expect(parseIndexList('3,1,1-2')).toEqual([1, 2, 3]));
  it('refuses a backwards range', () => expect(() => parseIndexList('7-5')).toThrow(/backwards/));
  it('refuses a negative index', () => expect(() => parseIndexList('-1')).toThrow(UsageError));
  it('refuses an empty item', () => expect(() => parseIndexList('1,,2')).toThrow(UsageError));
  it('refuses a huge range instead of allocating it', () => expect(() => parseIndexList('0-99999999')).toThrow(/too large/));
});

describe('formatting', () => {
  it('prints bytes under 1 KiB as an integer', () => expect(formatBytes(999)).toBe('999 B'));
  it('prints binary units with one decimal', () => expect(formatBytes(1536)).toBe('1.5 KiB'));
  it('prints MiB', () => expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MiB'));
  it('prints an unknown ETA as -', () => {
    expect(formatEta(null)).toBe('-');
    expect(formatEta(Infinity)).toBe('-');
  });
  it('prints ETA seconds, minutes, hours, days', () => {
    expect(formatEta(45)).toBe('45s');
    expect(formatEta(185)).toBe('3m05s');
    expect(formatEta(7620)).toBe('2h07m');
    expect(formatEta(273600)).toBe('3d04h');
  });
  it('prints a duration the way it is typed', () => {
    expect(formatDuration(30_000)).toBe('30s');
    expect(formatDuration(600_000)).toBe('10m');
    expect(formatDuration(5_400_000)).toBe('1h30m');
  });
  it('prints a whole ratio with one decimal', () => expect(formatRatio(2)).toBe('2.0'));
  it('prints a fractional ratio as given', () => expect(formatRatio(1.25)).toBe('1.25'));
  it('never shows 100% for an unfinished torrent', () => expect(formatPercent(0.99999)).toBe('99.9%'));
  it('shows 100.0% when done', () => expect(formatPercent(1)).toBe('100.0%'));
});
