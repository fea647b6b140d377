// Names for chrome.downloads (src/extension/download-names.ts): each part of an engine path made
// into a name Chromium's IsSafePortablePathComponent accepts, or the whole delivery fails.
import { describe, expect, it } from 'vitest';
import { DOWNLOAD_NAME_MAX_BYTES, downloadName, downloadPath } from '../../../src/extension/download-names.js';

describe('download names', () => {
  it('keeps ordinary names, folders and non-Latin text', () => {
    expect(downloadPath('Film (2019)/CD1/movie.part1.mkv')).toBe('Film (2019)/CD1/movie.part1.mkv');
    expect(downloadName('日本語 ファイル.txt')).toBe('日本語 ファイル.txt');
    expect(downloadName('a\u200cb')).toBe('a_b'); // Cf, even the joiners Chromium refuses
  });

  it('dots and white space at either end: a leading run becomes _, a trailing one goes', () => {
    expect(downloadName('.hidden')).toBe('_hidden');
    expect(downloadName('.._..evilname')).toBe('__..evilname');
    expect(downloadName('name. . ')).toBe('name');
    expect(downloadName('\u00a0nbsp')).toBe('_nbsp');
    expect(downloadName('...')).toBe('_');
    expect(downloadName('..')).toBe('_');
    expect(downloadName('')).toBe('_');
  });

  it('characters illegal anywhere: ~ " * : < > ? \\ |, controls, bidi and zero-width marks, noncharacters', () => {
    expect(downloadName('backup~')).toBe('backup_');
    expect(downloadName('a"b*c:d<e>f?g\\h|i')).toBe('a_b_c_d_e_f_g_h_i');
    expect(downloadName('x\u0000y\u001fz\u007f')).toBe('x_y_z_');
    expect(downloadName('bidi\u202Etxt.exe')).toBe('bidi_txt.exe');
    expect(downloadName('zero\u200Bwidth\uFEFF.bin')).toBe('zero_width_.bin');
    expect(downloadName('soft\u00ADhyphen')).toBe('soft_hyphen');
    expect(downloadName('non\uFFFEchar\uFDD0')).toBe('non_char_');
    expect(downloadName('lone\uD800surrogate')).toBe('lone_surrogate');
  });

  it('Windows device names with any extension, and the shell magic files', () => {
    expect(downloadName('CON')).toBe('CON_');
    expect(downloadName('nul.txt')).toBe('nul_.txt');
    expect(downloadName('LPT9.log.gz')).toBe('LPT9_.log.gz');
    expect(downloadName('clock$')).toBe('clock$_');
    expect(downloadName('Desktop.ini')).toBe('Desktop_.ini');
    expect(downloadName('console.txt')).toBe('console.txt');
    expect(downloadName('com10')).toBe('com10');
  });

  it('shell-integrated extensions', () => {
    expect(downloadName('start.lnk')).toBe('start.lnk_');
    expect(downloadName('app.exe.local')).toBe('app.exe.local_');
    expect(downloadName('x.{20D04FE0-3AEA-1069-A2D8-08002B30309D}')).toBe('x.{20D04FE0-3AEA-1069-A2D8-08002B30309D}_');
  });

  it('long names are cut to the byte budget, keeping the extension and whole characters', () => {
    const long = downloadName(`${'x'.repeat(300)}.bin`);
    expect(long).toBe(`${'x'.repeat(DOWNLOAD_NAME_MAX_BYTES - 4)}.bin`);
    const accents = downloadName(`${'\u00e9'.repeat(200)}.txt`);
    expect(new TextEncoder().encode(accents).length).toBeLessThanOrEqual(DOWNLOAD_NAME_MAX_BYTES);
    expect(accents.endsWith('\u00e9.txt')).toBe(true);
  });

  it('every part of a path is mapped, none is ever empty, . or ..', () => {
    expect(downloadPath('.torrent-name/.config/~lock')).toBe('_torrent-name/_config/_lock');
    for (const part of downloadPath('./../ /. ./x').split('/')) expect(['', '.', '..']).not.toContain(part);
  });
});
