/**
 * What `create` puts in a torrent: the file itself, or every file under a folder (empty ones
 * too), sorted by path. Symlinks are followed only to files inside the folder: a link leading
 * outside (or to a folder, which could loop) is skipped with a warning, so a torrent never
 * leaks a file the user did not put in the folder.
 */
import { lstat, readdir, realpath, stat, open, type FileHandle } from 'node:fs/promises';
import { basename, join, relative, resolve, sep, isAbsolute } from 'node:path';
import { describeFsError } from './source.js';

export interface WalkedFile {
  absPath: string;
  /** Components under the torrent's root folder (for a single file: just its name). */
  path: string[];
  length: number;
}

export interface WalkResult {
  name: string;
  singleFile: boolean;
  files: WalkedFile[];
}

export async function walkPath(input: string, warn: (line: string) => void): Promise<WalkResult> {
  const root = resolve(input);
  const name = basename(root);
  let info;
  try {
    info = await stat(root);
  } catch (error) {
    throw new Error(describeFsError(error, input));
  }
  if (name === '') throw new Error(`cannot name a torrent after ${input}: give a file or folder inside it`);
  if (info.isFile()) return { name, singleFile: true, files: [{ absPath: root, path: [name], length: info.size }] };
  if (!info.isDirectory()) throw new Error(`${input} is neither a file nor a folder`);

  const realRoot = await realpath(root);
  const files: WalkedFile[] = [];
  await walkDir(root, realRoot, [], files, warn);
  if (files.length === 0) throw new Error(`${input} has no files to share`);
  files.sort((a, b) => comparePaths(a.path, b.path));
  return { name, singleFile: false, files };
}

async function walkDir(dir: string, realRoot: string, prefix: string[], out: WalkedFile[], warn: (line: string) => void): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    throw new Error(describeFsError(error, dir));
  }
  for (const entry of entries) {
    const absPath = join(dir, entry.name);
    const path = [...prefix, entry.name];
    if (entry.isDirectory()) {
      await walkDir(absPath, realRoot, path, out, warn);
    } else if (entry.isFile()) {
      out.push({ absPath, path, length: (await lstat(absPath)).size });
    } else if (entry.isSymbolicLink()) {
      const target = await symlinkTarget(absPath, realRoot);
      if (target) out.push({ absPath, path, length: target.size });
      else warn(`skipping symlink ${path.join('/')}: it points outside the folder, to a folder, or nowhere`);
    } else {
      warn(`skipping ${path.join('/')}: not a regular file`);
    }
  }
}

async function symlinkTarget(absPath: string, realRoot: string): Promise<{ size: number } | null> {
  try {
    const real = await realpath(absPath);
    const rel = relative(realRoot, real);
    if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return null;
    const info = await stat(real);
    return info.isFile() ? { size: info.size } : null;
  } catch {
    return null;
  }
}

/** Component-wise, by UTF-16 code units: deterministic whatever order readdir returned. */
export function comparePaths(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  }
  return a.length - b.length;
}

/** At most this many files stay open while hashing (reads come in file order). */
export const MAX_OPEN_FILES = 8;

/** Random-access reads of the walked files, with a few handles kept open. */
export class WalkedFileReader {
  private readonly handles = new Map<number, { handle: Promise<FileHandle>; busy: number }>();

  constructor(private readonly files: readonly WalkedFile[]) {}

  async read(fileIndex: number, offset: number, length: number): Promise<Uint8Array> {
    const file = this.files[fileIndex];
    if (!file) throw new Error(`no file #${fileIndex}`);
    let entry = this.handles.get(fileIndex);
    if (!entry) {
      entry = { handle: open(file.absPath, 'r'), busy: 0 };
      this.handles.set(fileIndex, entry);
    }
    entry.busy++;
    this.evictIdle();
    try {
      const handle = await entry.handle.catch((error: unknown) => {
        throw new Error(describeFsError(error, file.absPath));
      });
      const out = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await handle.read(out, done, length - done, offset + done);
        if (bytesRead === 0) throw new Error(`${file.path.join('/')} changed while it was being hashed (shorter than ${file.length} bytes)`);
        done += bytesRead;
      }
      return out;
    } finally {
      entry.busy--;
    }
  }

  async close(): Promise<void> {
    const all = [...this.handles.values()];
    this.handles.clear();
    await Promise.all(all.map((e) => e.handle.then((h) => h.close()).catch(() => undefined)));
  }

  private evictIdle(): void {
    for (const [index, entry] of this.handles) {
      if (this.handles.size <= MAX_OPEN_FILES) return;
      if (entry.busy > 0) continue;
      this.handles.delete(index);
      void entry.handle.then((h) => h.close()).catch(() => undefined);
    }
  }
}
