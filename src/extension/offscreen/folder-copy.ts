/**
 * Copies a finished torrent from OPFS into the folder the user picked, as the CLI lays files
 * out (`<name>` or `<name>/<path>`). Each file is read in chunks and written through one
 * `createWritable()` (Chromium writes a swap file and moves it into place on close, so a file
 * never appears half-written under its name). A name already taken by something we did not
 * write gets " (1)", " (2)"… as Downloads does; the names chosen are kept in a plan in IndexedDB
 * *before* a file is created, so a copy interrupted by a crash resumes into its own files
 * instead of uniquifying them again.
 */
import { DELIVERY_DB, withDeliveryDb, type PermissionAwareHandle } from '../delivery-folder.js';

export const FOLDER_COPY_LIMITS = {
  /** Bytes read from OPFS and written per step: bounds memory, and the progress granularity. */
  chunkBytes: 4 * 1024 * 1024,
  /** "name (1).ext" … "name (N).ext" before giving up. */
  maxUniquify: 999,
  /** Longest file or folder name written (most file systems allow 255 bytes). */
  maxNameChars: 200,
} as const;

export interface CopySource {
  /** Path inside the torrent's layout: `<name>` or `<name>/<dir>/<file>`. */
  path: string;
  length: number;
}

export interface CopyDeps {
  getFile(path: string): Promise<Blob>;
  progress(copied: number, total: number): void;
}

interface PlanEntry {
  path: string;
  /** The file name chosen in its folder (after sanitizing and uniquifying). */
  name: string;
  done: boolean;
}

interface Plan {
  folder: PermissionAwareHandle;
  files: PlanEntry[];
}

/** An error a user can act on, with whether it is about permission (grant again) or not. */
export class FolderCopyError extends Error {
  constructor(
    readonly kind: 'needs-access' | 'failed',
    message: string,
  ) {
    super(message);
  }
}

export async function copyIntoFolder(folder: PermissionAwareHandle, infoHash: string, files: readonly CopySource[], deps: CopyDeps): Promise<void> {
  try {
    await copyAll(folder, infoHash, files, deps);
  } catch (error) {
    throw explain(error, folder.name);
  }
}

async function copyAll(folder: PermissionAwareHandle, infoHash: string, files: readonly CopySource[], deps: CopyDeps): Promise<void> {
  const stored = (await withDeliveryDb((db) => db.get(DELIVERY_DB.plans, infoHash))) as Plan | undefined;
  const plan: Plan = stored && (await sameFolder(stored.folder, folder)) ? stored : { folder, files: [] };
  const savePlan = async (): Promise<void> => {
    await withDeliveryDb((db) => db.put(DELIVERY_DB.plans, plan, infoHash));
  };
  const total = files.reduce((n, f) => n + f.length, 0);
  let copied = 0;
  for (const file of files) {
    let entry = plan.files.find((e) => e.path === file.path);
    if (entry?.done) {
      copied += file.length;
      continue;
    }
    const segments = safeSegments(file.path);
    const dir = await ensureFolders(folder, segments.slice(0, -1));
    if (!entry) {
      entry = { path: file.path, name: await freeName(dir, segments[segments.length - 1]!), done: false };
      plan.files.push(entry);
      await savePlan(); // before creating the file: after a crash it is known to be ours
    }
    const source = await deps.getFile(file.path);
    if (source.size !== file.length) throw new FolderCopyError('failed', `the internal copy of ${file.path} has ${source.size} of ${file.length} bytes`);
    const base = copied;
    await writeFile(await dir.getFileHandle(entry.name, { create: true }), source, (n) => deps.progress(base + n, total));
    copied += file.length;
    entry.done = true;
    await savePlan();
  }
  await withDeliveryDb((db) => db.delete(DELIVERY_DB.plans, infoHash));
}

async function writeFile(target: FileSystemFileHandle, source: Blob, progress: (copied: number) => void): Promise<void> {
  const writable = await target.createWritable({ keepExistingData: false });
  try {
    for (let at = 0; at < source.size; at += FOLDER_COPY_LIMITS.chunkBytes) {
      const end = Math.min(source.size, at + FOLDER_COPY_LIMITS.chunkBytes);
      await writable.write(new Uint8Array(await source.slice(at, end).arrayBuffer()));
      progress(end);
    }
    await writable.close();
  } catch (error) {
    await writable.abort().catch(() => undefined); // drops the swap file; the target keeps what it had
    throw error;
  }
}

async function sameFolder(a: FileSystemHandle, b: FileSystemHandle): Promise<boolean> {
  try {
    return await a.isSameEntry(b);
  } catch {
    return false;
  }
}

async function ensureFolders(root: FileSystemDirectoryHandle, names: readonly string[]): Promise<FileSystemDirectoryHandle> {
  let dir = root;
  for (const name of names) dir = await dir.getDirectoryHandle(name, { create: true });
  return dir;
}

/** The first of `name`, `name (1)`, `name (2)`… that nothing in `dir` uses. */
async function freeName(dir: FileSystemDirectoryHandle, name: string): Promise<string> {
  for (let n = 0; n <= FOLDER_COPY_LIMITS.maxUniquify; n++) {
    const candidate = uniquified(name, n);
    if (!(await exists(dir, candidate))) return candidate;
  }
  throw new FolderCopyError('failed', `too many files named like ${name} in ${dir.name}`);
}

async function exists(dir: FileSystemDirectoryHandle, name: string): Promise<boolean> {
  try {
    await dir.getFileHandle(name);
    return true;
  } catch (error) {
    if ((error as DOMException)?.name === 'NotFoundError') return false;
    if ((error as DOMException)?.name === 'TypeMismatchError') return true; // a folder of that name
    throw error;
  }
}

/** `name.ext` → `name (n).ext`, as Chromium's Downloads uniquifies (`archive.tar.gz` → `archive (1).tar.gz`). */
export function uniquified(name: string, n: number): string {
  if (n === 0) return name;
  const dot = name.search(/\.(tar\.[^.]+|[^.]+)$/);
  return dot > 0 ? `${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${name} (${n})`;
}

/**
 * A torrent path as folder and file names the File System Access API accepts and no file
 * manager chokes on: no empty, `.` or `..` parts, no separators or control characters, no
 * trailing dots or spaces, bounded length. The engine sanitized the path already; this is the
 * last guard before the user's disk, so it never trusts that.
 */
export function safeSegments(path: string): string[] {
  const parts = path.split('/').map(safeName);
  if (parts.length === 0) throw new FolderCopyError('failed', 'a file without a name');
  return parts;
}

export function safeName(raw: string): string {
  // eslint-disable-next-line no-control-regex
  let name = raw.replace(/[\u0000-\u001f\u007f\\/:*?"<>|]/g, '_').replace(/[. ]+$/, '');
  if (name.length > FOLDER_COPY_LIMITS.maxNameChars) {
    const ext = /\.[^.]{1,16}$/.exec(name)?.[0] ?? '';
    name = name.slice(0, FOLDER_COPY_LIMITS.maxNameChars - ext.length) + ext;
  }
  return name === '' || name === '.' || name === '..' ? '_' : name;
}

/** What went wrong, in words that say what to do. */
export function explain(error: unknown, folderName: string): FolderCopyError {
  if (error instanceof FolderCopyError) return error;
  const name = (error as DOMException)?.name ?? '';
  const detail = (error as Error)?.message ?? String(error);
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return new FolderCopyError('needs-access', `TorrentEdge may no longer write into “${folderName}”: grant access again in options.`);
    case 'QuotaExceededError':
      return new FolderCopyError('failed', `The disk holding “${folderName}” is full: free some space.`);
    case 'NoModificationAllowedError':
    case 'InvalidModificationError':
      return new FolderCopyError('failed', `A file in “${folderName}” is in use by another program (${detail}).`);
    case 'NotFoundError':
      return new FolderCopyError('needs-access', `The folder “${folderName}” is gone (moved or deleted): choose it again in options.`);
    case 'TypeMismatchError':
      return new FolderCopyError('failed', `In “${folderName}”, a file stands where a folder of the torrent should go (${detail}).`);
    default:
      return new FolderCopyError('failed', `Could not copy into “${folderName}”: ${detail}`);
  }
}
