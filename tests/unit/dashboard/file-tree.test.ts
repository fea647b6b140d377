import { describe, expect, it } from 'vitest';
import { buildFileTree, checkState, refreshProgress, visibleNodes } from '../../../extension-ui/dashboard/file-tree.js';

const FILES = [
  { index: 0, path: 'pack/readme.txt', length: 10, downloaded: 10, priority: 4 },
  { index: 1, path: 'pack/sub/b.bin', length: 200, downloaded: 0, priority: 0 },
  { index: 2, path: 'pack/sub/a.bin', length: 100, downloaded: 50, priority: 4 },
  { index: 3, path: 'pack/sub/deep/c.bin', length: 5, downloaded: 5, priority: 7 },
];

describe('buildFileTree', () => {
  it('drops the torrent-name folder, nests folders, folders before files, sorted by name', () => {
    const tree = buildFileTree(FILES, 'pack');
    expect(tree.map((n) => n.name)).toEqual(['sub', 'readme.txt']);
    const sub = tree[0]!;
    expect(sub.children.map((n) => n.name)).toEqual(['deep', 'a.bin', 'b.bin']);
    expect(sub.length).toBe(305);
    expect(sub.downloaded).toBe(55);
    expect(sub.indexes.sort()).toEqual([1, 2, 3]);
    expect(sub.children[0]!.children[0]!.file?.index).toBe(3);
    expect(sub.children[0]!.children[0]!.depth).toBe(2);
  });

  it('a single-file torrent is one file row', () => {
    const tree = buildFileTree([{ index: 0, path: 'one.iso', length: 7 }], 'one.iso');
    expect(tree).toHaveLength(1);
    expect(tree[0]!.file?.index).toBe(0);
    expect(tree[0]!.name).toBe('one.iso');
  });

  it('collapsed folders hide their rows', () => {
    const tree = buildFileTree(FILES, 'pack');
    expect(visibleNodes(tree, new Set()).map((n) => n.name)).toEqual(['sub', 'deep', 'c.bin', 'a.bin', 'b.bin', 'readme.txt']);
    expect(visibleNodes(tree, new Set(['sub'])).map((n) => n.name)).toEqual(['sub', 'readme.txt']);
    expect(visibleNodes(tree, new Set(['sub/deep'])).map((n) => n.name)).toEqual(['sub', 'deep', 'a.bin', 'b.bin', 'readme.txt']);
  });

  it('check state of a folder: all, none or some of its files wanted', () => {
    const tree = buildFileTree(FILES, 'pack');
    const wanted = (i: number): boolean => FILES[i]!.priority > 0;
    expect(checkState(tree[0]!, wanted)).toBe('some');
    expect(checkState(tree[0]!.children[0]!, wanted)).toBe('all');
    expect(checkState(tree[0]!.children[2]!, wanted)).toBe('none');
  });

  it('names with markup stay plain strings', () => {
    const tree = buildFileTree([{ index: 0, path: 'x/<img src=x onerror=alert(1)>', length: 1 }], 'x');
    expect(tree[0]!.name).toBe('<img src=x onerror=alert(1)>');
  });

  it('refreshProgress takes newer verified bytes without rebuilding: same shape, new sums', () => {
    const tree = buildFileTree(FILES, 'pack');
    const later = FILES.map((f) => ({ ...f, downloaded: f.length }));
    const fresh = refreshProgress(tree, later);
    expect(visibleNodes(fresh, new Set()).map((n) => n.key)).toEqual(visibleNodes(tree, new Set()).map((n) => n.key));
    expect(fresh[0]!.downloaded).toBe(305);
    expect(fresh[0]!.children.find((n) => n.name === 'deep')!.downloaded).toBe(5);
    expect(tree[0]!.downloaded).toBe(55); // the old tree is left as it was
    expect(fresh[0]).not.toBe(tree[0]);
    expect(fresh[1], 'readme.txt did not change').toBe(tree[1]);
    expect(refreshProgress(fresh, later), 'nothing new: the same tree').toBe(fresh);
  });

  it('10,000 files: sorted by name with numbers in order', () => {
    const files = Array.from({ length: 10_000 }, (_, i) => ({ index: i, path: `big/f-${9_999 - i}.bin`, length: 1 }));
    const rows = visibleNodes(buildFileTree(files, 'big'), new Set());
    expect(rows).toHaveLength(10_000);
    expect(rows.slice(0, 3).map((n) => n.name)).toEqual(['f-0.bin', 'f-1.bin', 'f-2.bin']);
    expect(rows[9_999]!.name).toBe('f-9999.bin');
  });
});
