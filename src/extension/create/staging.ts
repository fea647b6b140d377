/**
 * The staging folder of a torrent being created: `creating/<id>/<i>` in the origin-private file
 * system holds the torrent's file i as the hashing worker copied it. Once hashed, the offscreen
 * document moves each file into the torrent's storage root (a rename: no second copy) and the
 * engine seeds from there. A creation in progress holds the Web Lock `lockName(id)`; a folder
 * nobody holds is left over from a closed page or a crash and is swept away.
 */
import { OPFS_PATH_LIMITS, rootDirName, splitPath } from '../../platform/browser/opfs-paths.js';

export const STAGING_LIMITS = {
  /** Top OPFS folder for staging, beside the engine's `torrents/`. */
  baseDir: 'creating',
  lockPrefix: 'torrentedge-create:',
  /** Staging ids are ours: hex from crypto.getRandomValues. */
  idPattern: /^[0-9a-f]{32}$/,
} as const;

export function newStagingId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function lockName(id: string): string {
  return STAGING_LIMITS.lockPrefix + id;
}

export function checkStagingId(id: unknown): string {
  if (typeof id !== 'string' || !STAGING_LIMITS.idPattern.test(id)) throw new Error('The created torrent\'s files were not found (bad staging id).');
  return id;
}

async function stagingBase(create: boolean): Promise<FileSystemDirectoryHandle> {
  return (await navigator.storage.getDirectory()).getDirectoryHandle(STAGING_LIMITS.baseDir, { create });
}

export async function stagingDir(id: string, create: boolean): Promise<FileSystemDirectoryHandle> {
  return (await stagingBase(create)).getDirectoryHandle(checkStagingId(id), { create });
}

/** Removes a staging folder; absent is fine. */
export async function removeStaging(id: string): Promise<void> {
  try {
    await (await stagingBase(false)).removeEntry(checkStagingId(id), { recursive: true });
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

/** Removes staging folders no page is working on (left by a closed page or a crash). */
export async function sweepStaging(): Promise<number> {
  let base: FileSystemDirectoryHandle;
  try {
    base = await stagingBase(false);
  } catch (error) {
    if (isNotFound(error)) return 0;
    throw error;
  }
  const held = new Set(((await navigator.locks.query()).held ?? []).map((lock) => lock.name));
  let removed = 0;
  // keys() is in the DOM lib only through the async-iterable typing some versions lack.
  for await (const name of (base as unknown as { keys(): AsyncIterable<string> }).keys()) {
    if (held.has(lockName(name))) continue;
    await base.removeEntry(name, { recursive: true }).catch(() => undefined);
    removed++;
  }
  return removed;
}

/**
 * Moves the staged files into the storage root `root` at the torrent's (sanitized) paths, after
 * checking each has the length the torrent says: the bytes were written as they were hashed,
 * so a full-length file is the hashed data. Then removes the staging folder.
 */
export async function adoptStaged(id: string, root: string, files: readonly { path: string; length: number }[]): Promise<void> {
  const staged = await stagingDir(id, false).catch((error: unknown) => {
    throw new Error(isNotFound(error) ? 'The created torrent\'s files are gone (was the page closed while hashing?). Create it again.' : String(error));
  });
  const sources: FileSystemFileHandle[] = [];
  for (let i = 0; i < files.length; i++) {
    const file = files[i]!;
    const handle = await staged.getFileHandle(String(i)).catch(() => null);
    const size = handle ? (await handle.getFile()).size : -1;
    if (size !== file.length) throw new Error(`The copy of ${file.path} is incomplete (${Math.max(0, size)} of ${file.length} bytes). Create the torrent again.`);
    sources.push(handle!);
  }
  const top = await (await navigator.storage.getDirectory()).getDirectoryHandle(OPFS_PATH_LIMITS.baseDir, { create: true });
  const rootDir = await top.getDirectoryHandle(rootDirName(root), { create: true });
  for (let i = 0; i < files.length; i++) {
    const parts = splitPath(files[i]!.path);
    const leaf = parts.pop()!;
    let dir = rootDir;
    for (const part of parts) dir = await dir.getDirectoryHandle(part, { create: true });
    await dir.removeEntry(leaf).catch(() => undefined); // a file left by an earlier torrent of the same content
    await (sources[i] as FileSystemFileHandle & { move(dir: FileSystemDirectoryHandle, name: string): Promise<void> }).move(dir, leaf);
  }
  await removeStaging(id);
}

function isNotFound(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'NotFoundError';
}
