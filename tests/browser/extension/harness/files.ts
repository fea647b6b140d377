// Waiting for files the browser downloads: Chrome writes `<file>.crdownload` and renames it
// when done, so a file is there only once it has its full size and no partial sibling.
import { readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export async function waitForDownloadedFile(path: string, size: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const info = await stat(path).catch(() => null);
    const partial = await stat(`${path}.crdownload`).catch(() => null);
    if (info && info.size === size && !partial) return;
    if (Date.now() > deadline) {
      const seen = await listTree(dirname(path)).catch(() => [] as string[]);
      throw new Error(`timeout waiting for ${path} (${size} bytes); have ${info?.size ?? 'nothing'}; folder holds: ${seen.join(', ')}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function listTree(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string, prefix: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) await walk(join(dir, entry.name), `${prefix}${entry.name}/`);
      else out.push(`${prefix}${entry.name}`);
    }
  };
  await walk(root, '');
  return out.sort();
}

export async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timeout waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
