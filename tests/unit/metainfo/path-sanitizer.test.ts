import { describe, expect, it } from 'vitest';
import { sanitizeComponent, sanitizePath, truncateUtf8, utf8Length } from '../../../src/engine/metainfo/index.js';

describe('sanitizeComponent', () => {
  it('ordinary names pass unchanged', () => {
    expect(sanitizeComponent('Movie (2020) [1080p].mkv')).toBe('Movie (2020) [1080p].mkv');
    expect(sanitizeComponent('日本語.txt')).toBe('日本語.txt');
    expect(sanitizeComponent('.hidden')).toBe('.hidden');
  });
  it('"." and ".." and "" become empty (dropped by sanitizePath)', () => {
    expect(sanitizeComponent('.')).toBe('');
    expect(sanitizeComponent('..')).toBe('');
    expect(sanitizeComponent('')).toBe('');
  });
  it('dots and spaces only ("...", ". .") become empty', () => {
    expect(sanitizeComponent('...')).toBe('');
    expect(sanitizeComponent('. .')).toBe('');
  });
  it('slash and backslash inside a component become _', () => {
    expect(sanitizeComponent('a/b')).toBe('a_b');
    expect(sanitizeComponent('..\\..\\evil')).toBe('.._.._evil');
  });
  it('absolute path in one component loses its leading separator', () => {
    expect(sanitizeComponent('/etc/passwd')).toBe('etc_passwd');
  });
  it('drive letter is stripped: C:\\Windows', () => {
    expect(sanitizeComponent('C:\\Windows\\system32')).toBe('Windows_system32');
    expect(sanitizeComponent('c:')).toBe('');
    expect(sanitizeComponent('D:file.txt')).toBe('file.txt');
  });
  it('Windows-forbidden characters <>:"|?* become _', () => {
    expect(sanitizeComponent('a<b>c:d"e|f?g*h')).toBe('a_b_c_d_e_f_g_h');
  });
  it('control characters are removed', () => {
    expect(sanitizeComponent('a\x00b\x1fc\x7fd\x85e')).toBe('abcde');
    expect(sanitizeComponent('line\nbreak')).toBe('linebreak');
  });
  it('bidi controls are removed (no "exe.txt" shown as "txt.exe")', () => {
    expect(sanitizeComponent('invoice\u202Etxt.exe')).toBe('invoicetxt.exe');
    expect(sanitizeComponent('a\u200eb\u200fc\u2066d\u2069e\u202af')).toBe('abcdef');
  });
  it('trailing dots and spaces are trimmed (Windows drops them)', () => {
    expect(sanitizeComponent('name. . ')).toBe('name');
    expect(sanitizeComponent('  lead')).toBe('  lead');
  });
  it('reserved Windows names get _ appended to the stem', () => {
    expect(sanitizeComponent('CON')).toBe('CON_');
    expect(sanitizeComponent('nul.txt')).toBe('nul_.txt');
    expect(sanitizeComponent('com1')).toBe('com1_');
    expect(sanitizeComponent('LPT9.tar.gz')).toBe('LPT9_.tar.gz');
    expect(sanitizeComponent('aux ')).toBe('aux_');
  });
  it('names merely starting like reserved names are left alone', () => {
    expect(sanitizeComponent('CONSOLE.txt')).toBe('CONSOLE.txt');
    expect(sanitizeComponent('com10')).toBe('com10');
    expect(sanitizeComponent('nullify')).toBe('nullify');
  });
  it('over-long component is truncated to 255 UTF-8 bytes, keeping the extension', () => {
    const out = sanitizeComponent('a'.repeat(300) + '.mkv');
    expect(utf8Length(out)).toBe(255);
    expect(out.endsWith('.mkv')).toBe(true);
  });
  it('truncation never splits a multi-byte character', () => {
    const out = sanitizeComponent('é'.repeat(200) + '.txt');
    expect(utf8Length(out)).toBeLessThanOrEqual(255);
    expect(out).toBe('é'.repeat(125) + '.txt');
  });
  it('truncation never splits a surrogate pair', () => {
    expect(truncateUtf8('😀😀', 7)).toBe('😀');
  });
  it('an absurdly long extension is cut along with the name', () => {
    const out = sanitizeComponent('a.' + 'b'.repeat(400));
    expect(utf8Length(out)).toBe(255);
  });
  it('component length limit is injectable', () => {
    expect(sanitizeComponent('abcdefgh.txt', 8)).toBe('abcd.txt');
  });
});

describe('sanitizePath', () => {
  it('drops "..", "." and empty components rather than following them', () => {
    expect(sanitizePath(['..', '..', 'etc', '.', '', 'passwd'])).toEqual(['etc', 'passwd']);
  });
  it('an absolute path becomes relative', () => {
    expect(sanitizePath(['/', 'etc', 'passwd'])).toEqual(['etc', 'passwd']);
  });
  it('a drive-letter path becomes relative', () => {
    expect(sanitizePath(['C:', 'Windows', 'win.ini'])).toEqual(['Windows', 'win.ini']);
  });
});
