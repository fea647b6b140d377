/**
 * After sanitizing, two files may share a path (the torrent said so, or sanitizing merged them:
 * "a?" and "a*" both become "a_"), differ only in case (one file on Windows and macOS), or a
 * file may sit where another file's folder must be ("a" and "a/b"). Each such file is kept under
 * a new name, "name (1).ext", so that no file overwrites another and every byte has a place.
 */
import { fitComponent, splitExtension } from './path-sanitizer.js';

/** How file systems that ignore case and normalization would see a path. */
function foldKey(path: string): string {
  return path.normalize('NFC').toLowerCase();
}

/**
 * `paths[i]` is a sanitized, non-empty path as components (the torrent's name first for
 * multi-file torrents). `skip[i]` marks a file never written to disk (padding): it takes part in
 * nothing and comes back joined unchanged. Returns '/'-joined unique paths.
 */
export function makeUniquePaths(paths: readonly (readonly string[])[], skip: readonly boolean[], maxComponentBytes: number): string[] {
  const directories = new Set<string>();
  for (let i = 0; i < paths.length; i++) {
    if (skip[i]) continue;
    const components = paths[i]!;
    let prefix = '';
    for (let depth = 0; depth < components.length - 1; depth++) {
      prefix = depth === 0 ? components[0]! : prefix + '/' + components[depth]!;
      directories.add(foldKey(prefix));
    }
  }

  // Files keep their own name when they can, in torrent order; only the ones in conflict move.
  const used = new Set<string>();
  const result: (string | null)[] = paths.map((components, i) => {
    const path = components.join('/');
    if (skip[i]) return path;
    const key = foldKey(path);
    if (used.has(key) || directories.has(key)) return null;
    used.add(key);
    return path;
  });

  // Per original path, the next number to try, so a thousand copies of one name stay linear.
  const nextNumber = new Map<string, number>();
  for (let i = 0; i < paths.length; i++) {
    if (result[i] !== null) continue;
    const components = paths[i]!;
    const parent = components.slice(0, -1).join('/');
    const [stem, extension] = splitExtension(components[components.length - 1]!);
    const originalKey = foldKey(components.join('/'));
    let n = nextNumber.get(originalKey) ?? 1;
    let candidate: string;
    let key: string;
    do {
      const leaf = fitComponent(stem, ` (${n})`, extension, maxComponentBytes);
      candidate = parent === '' ? leaf : parent + '/' + leaf;
      key = foldKey(candidate);
      n++;
    } while (used.has(key) || directories.has(key));
    nextNumber.set(originalKey, n);
    used.add(key);
    result[i] = candidate;
  }
  return result as string[];
}
