/**
 * A small LRU of open file handles, so that per-block reads and writes do not pay an open()
 * and close() each. A handle in use is never closed under its user: eviction and removal
 * "retire" it, and the last user closes it.
 */
import type { FileHandle } from 'node:fs/promises';

export interface HandleEntry {
  readonly path: string;
  /** Opened with the right to create the file. */
  readonly create: boolean;
  readonly handle: Promise<FileHandle>;
  /** Whether the descriptor allows writes; known for sure once `handle` has settled. */
  writable: boolean;
  users: number;
  retired: boolean;
  /** Written since its last datasync. */
  dirty: boolean;
}

export interface OpenedHandle {
  handle: FileHandle;
  writable: boolean;
}

/** Opens `path`; `create` asks for a writable descriptor, creating the file if needed. */
export type HandleOpener = (path: string, create: boolean) => Promise<OpenedHandle>;

export class HandleCache {
  /** Map order is recency order: oldest first. */
  private readonly entries = new Map<string, HandleEntry>();
  private readonly closing = new Set<Promise<void>>();
  /** Paths written through handles since closed, whose data has not been synced yet. */
  readonly dirtyClosed = new Set<string>();

  constructor(
    private readonly open: HandleOpener,
    private readonly maxOpen: number,
  ) {}

  /** The entry for `path`, opened for writing if asked; the caller must release() it. */
  acquire(path: string, writable: boolean): HandleEntry {
    let entry = this.entries.get(path);
    if (entry && writable && !entry.writable) {
      this.retire(entry);
      entry = undefined;
    }
    if (entry) {
      this.entries.delete(path);
    } else {
      entry = this.openEntry(path, writable);
    }
    this.entries.set(path, entry);
    entry.users++;
    this.evictIdle();
    return entry;
  }

  private openEntry(path: string, create: boolean): HandleEntry {
    const opening = this.open(path, create);
    const entry: HandleEntry = {
      path,
      create,
      handle: opening.then((opened) => {
        entry.writable = opened.writable;
        return opened.handle;
      }),
      writable: true,
      users: 0,
      retired: false,
      dirty: false,
    };
    // A failed open must not stay cached: the next call tries again.
    entry.handle.catch(() => {
      if (this.entries.get(path) === entry) this.entries.delete(path);
      entry.retired = true;
    });
    return entry;
  }

  release(entry: HandleEntry): void {
    entry.users--;
    if (entry.retired && entry.users === 0) this.closeEntry(entry);
  }

  /** The cached entry for `path`, if any (not acquired). */
  peek(path: string): HandleEntry | undefined {
    return this.entries.get(path);
  }

  openEntries(): HandleEntry[] {
    return [...this.entries.values()];
  }

  /** Drop `path` from the cache; its handle closes once idle. */
  forget(path: string): void {
    const entry = this.entries.get(path);
    if (entry) this.retire(entry);
  }

  /** Retire everything and wait until every handle is closed. */
  async closeAll(): Promise<void> {
    for (const entry of [...this.entries.values()]) this.retire(entry);
    while (this.closing.size > 0) await Promise.all([...this.closing]);
  }

  private retire(entry: HandleEntry): void {
    if (this.entries.get(entry.path) === entry) this.entries.delete(entry.path);
    if (entry.retired) return;
    entry.retired = true;
    if (entry.users === 0) this.closeEntry(entry);
  }

  private evictIdle(): void {
    if (this.entries.size <= this.maxOpen) return;
    for (const entry of this.entries.values()) {
      if (this.entries.size <= this.maxOpen) break;
      // Entries in use are skipped: the cache may exceed its size while many files are busy.
      if (entry.users === 0) this.retire(entry);
    }
  }

  private closeEntry(entry: HandleEntry): void {
    if (entry.dirty) this.dirtyClosed.add(entry.path);
    const done = entry.handle.then(
      (handle) => handle.close(),
      () => undefined,
    ).catch(() => undefined);
    this.closing.add(done);
    void done.then(() => this.closing.delete(done));
  }
}
