// The names folder delivery writes on the user's disk (src/extension/offscreen/folder-copy.ts):
// the last guard between a torrent's paths and a real folder, and Downloads-style uniquifying.
import { describe, expect, it } from 'vitest';
import { explain, FOLDER_COPY_LIMITS, safeName, safeSegments, uniquified } from '../../../src/extension/offscreen/folder-copy.js';

describe('folder delivery names', () => {
  it('keeps ordinary names and the folders of a multi-file torrent', () => {
    expect(safeSegments('te-multi/sub/deeper/small.txt')).toEqual(['te-multi', 'sub', 'deeper', 'small.txt']);
    expect(safeSegments('single file.bin')).toEqual(['single file.bin']);
  });

  it('never yields . or .. or an empty part', () => {
    expect(safeSegments('a/../b/./c//d')).toEqual(['a', '_', 'b', '_', 'c', '_', 'd']);
  });

  it('replaces separators, reserved and control characters, and drops trailing dots and spaces', () => {
    expect(safeName('a\\b:c*d?e"f<g>h|i\u0000j\u001fk')).toBe('a_b_c_d_e_f_g_h_i_j_k');
    expect(safeName('name. . ')).toBe('name');
    expect(safeName('...')).toBe('_');
  });

  it('bounds a long name and keeps its extension', () => {
    const name = safeName(`${'x'.repeat(400)}.mkv`);
    expect(name.length).toBe(FOLDER_COPY_LIMITS.maxNameChars);
    expect(name.endsWith('.mkv')).toBe(true);
  });

  it('uniquifies as Downloads does', () => {
    expect(uniquified('first.bin', 0)).toBe('first.bin');
    expect(uniquified('first.bin', 1)).toBe('first (1).bin');
    expect(uniquified('archive.tar.gz', 2)).toBe('archive (2).tar.gz');
    expect(uniquified('README', 3)).toBe('README (3)');
    expect(uniquified('.hidden', 1)).toBe('.hidden (1)');
  });

  it('turns browser errors into what the user can do', () => {
    const named = (name: string): DOMException => new DOMException('x', name);
    expect(explain(named('NotAllowedError'), 'Films')).toMatchObject({ kind: 'needs-access', message: expect.stringContaining('grant access again') });
    expect(explain(named('NotFoundError'), 'Films')).toMatchObject({ kind: 'needs-access', message: expect.stringContaining('choose it again') });
    expect(explain(named('QuotaExceededError'), 'Films')).toMatchObject({ kind: 'failed', message: expect.stringContaining('is full') });
    expect(explain(named('NoModificationAllowedError'), 'Films')).toMatchObject({ kind: 'failed', message: expect.stringContaining('in use') });
  });
});
