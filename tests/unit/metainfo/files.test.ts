import { describe, expect, it } from 'vitest';
import { parseTorrent } from '../../../src/engine/metainfo/index.js';
import { multiInfo, torrentBytes } from './helpers.js';

const paths = (files: Parameters<typeof multiInfo>[0]): string[] => parseTorrent(torrentBytes(multiInfo(files))).files.map((f) => f.path);

describe('multi-file layout', () => {
  it('paths are <name>/<a>/<b>, offsets are cumulative', () => {
    const meta = parseTorrent(torrentBytes(multiInfo([[['dir', 'a.txt'], 10], [['b.txt'], 20]])));
    expect(meta.files.map((f) => [f.path, f.offset, f.length])).toEqual([
      ['root/dir/a.txt', 0, 10],
      ['root/b.txt', 10, 20],
    ]);
  });
  it('paths with .. cannot escape the torrent folder', () => {
    expect(paths([[['..', '..', 'etc', 'passwd'], 5]])).toEqual(['root/etc/passwd']);
  });
  it('absolute paths become relative', () => {
    expect(paths([[['/etc', 'passwd'], 5]])).toEqual(['root/etc/passwd']);
  });
  it('C:\\ drive paths become relative', () => {
    expect(paths([[['C:\\', 'Windows', 'win.ini'], 5]])).toEqual(['root/Windows/win.ini']);
  });
  it('reserved names in the middle of a path', () => {
    expect(paths([[['con', 'aux.txt'], 5]])).toEqual(['root/con_/aux_.txt']);
  });
  it('bidi and control characters are removed from every component', () => {
    expect(paths([[['a\u202Eb', 'c\x00d.txt'], 5]])).toEqual(['root/ab/cd.txt']);
  });
  it('a path of only .. still gets a name of its own', () => {
    expect(paths([[['..'], 5], [['ok'], 1]])).toEqual(['root/unnamed-0', 'root/ok']);
  });
  it('path.utf-8 is preferred when valid', () => {
    const meta = parseTorrent(torrentBytes(multiInfo([{ path: [Uint8Array.of(0x93, 0xfa)], 'path.utf-8': ['日'], length: 5 }])));
    expect(meta.files[0]!.path).toBe('root/日');
  });
  it('invalid UTF-8 in a path becomes U+FFFD, and different bytes stay different files', () => {
    const meta = parseTorrent(torrentBytes(multiInfo([{ path: [Uint8Array.of(0xff)], length: 5 }, { path: [Uint8Array.of(0xfe)], length: 5 }])));
    expect(meta.files.map((f) => f.path)).toEqual(['root/\ufffd', 'root/\ufffd (1)']);
  });
});

describe('duplicate paths are kept under new names', () => {
  it('exact duplicates', () => {
    expect(paths([[['a.txt'], 1], [['a.txt'], 2], [['a.txt'], 3]])).toEqual(['root/a.txt', 'root/a (1).txt', 'root/a (2).txt']);
  });
  it('duplicates that differ only in case', () => {
    expect(paths([[['Readme.md'], 1], [['README.md'], 2]])).toEqual(['root/Readme.md', 'root/README (1).md']);
  });
  it('duplicates created by sanitizing ("a?" and "a*")', () => {
    expect(paths([[['a?'], 1], [['a*'], 2]])).toEqual(['root/a_', 'root/a_ (1)']);
  });
  it('a new name never takes a name a later file already has', () => {
    expect(paths([[['a.txt'], 1], [['a.txt'], 2], [['a (1).txt'], 3]])).toEqual(['root/a.txt', 'root/a (2).txt', 'root/a (1).txt']);
  });
  it('a file where another file needs a folder is renamed', () => {
    expect(paths([[['a'], 1], [['a', 'b'], 2]])).toEqual(['root/a (1)', 'root/a/b']);
  });
  it('a file that collides with a folder case-insensitively is renamed', () => {
    expect(paths([[['x', 'y'], 1], [['X'], 2]])).toEqual(['root/x/y', 'root/X (1)']);
  });
  it('many copies of one name: distinct names, in time linear in their number', () => {
    const copies = (n: number) => Array.from({ length: n }, (): [string[], number] => [['same.bin'], 1]);
    expect(new Set(paths(copies(20000))).size).toBe(20000);
    // Best of three, 5,000 vs 20,000 copies: linear work takes ~4x, quadratic ~16x. A ratio, not a
    // time limit, so a loaded machine slows both sides alike.
    const time = (n: number): number => {
      const input = copies(n);
      let best = Infinity;
      for (let i = 0; i < 3; i++) {
        const start = performance.now();
        paths(input);
        best = Math.min(best, performance.now() - start);
      }
      return best;
    };
    time(5000); // warm-up
    expect(time(20000) / time(5000)).toBeLessThan(9);
  });
});

describe('padding files (BEP 47)', () => {
  it('attr containing p marks a padding file; it keeps its index and offset', () => {
    const meta = parseTorrent(
      torrentBytes(
        multiInfo([
          [['a'], 100],
          { path: ['.pad', '16284'], length: 16284, attr: 'p' },
          [['b'], 50],
        ]),
      ),
    );
    expect(meta.files.map((f) => [f.index, f.padding, f.offset])).toEqual([
      [0, false, 0],
      [1, true, 100],
      [2, false, 16384],
    ]);
  });
  it('attr with other flags and p', () => {
    const meta = parseTorrent(torrentBytes(multiInfo([[['a'], 1], { path: ['.pad', '1'], length: 1, attr: 'xp' }])));
    expect(meta.files[1]!.padding).toBe(true);
  });
  it('attr without p is not padding', () => {
    const meta = parseTorrent(torrentBytes(multiInfo([{ path: ['run.sh'], length: 1, attr: 'x' }])));
    expect(meta.files[0]!.padding).toBe(false);
  });
  it('legacy BitComet padding name', () => {
    const meta = parseTorrent(torrentBytes(multiInfo([[['a'], 1], [['_____padding_file_0_'], 3]])));
    expect(meta.files[1]!.padding).toBe(true);
  });
  it('padding files never cause a real file to be renamed', () => {
    const meta = parseTorrent(torrentBytes(multiInfo([{ path: ['x'], length: 1, attr: 'p' }, [['x'], 5]])));
    expect(meta.files[1]!.path).toBe('root/x');
  });
});
