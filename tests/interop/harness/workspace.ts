// A temp folder per test file under os.tmpdir(), with a logs/ folder for process output, and
// teardown that stops every process and the tracker. Set TORRENTEDGE_KEEP_TMP=1 to keep files.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopAll } from './processes.js';

export interface Workspace {
  root: string;
  logDir: string;
  /** A fresh sub-folder. */
  dir(...parts: string[]): Promise<string>;
  /** Runs at teardown, before the folder is removed (newest first). */
  onCleanup(fn: () => Promise<void> | void): void;
  cleanup(): Promise<void>;
}

export async function createWorkspace(label: string): Promise<Workspace> {
  const root = await mkdtemp(join(tmpdir(), `torrentedge-interop-${label}-`));
  const logDir = join(root, 'logs');
  await mkdir(logDir, { recursive: true });
  const cleanups: Array<() => Promise<void> | void> = [];
  return {
    root,
    logDir,
    async dir(...parts) {
      const path = join(root, ...parts);
      await mkdir(path, { recursive: true });
      return path;
    },
    onCleanup(fn) {
      cleanups.push(fn);
    },
    async cleanup() {
      await stopAll();
      for (const fn of cleanups.reverse()) {
        try {
          await fn();
        } catch {
          // best effort: teardown must not hide the test's own failure
        }
      }
      if (process.env.TORRENTEDGE_KEEP_TMP) {
        console.log(`interop files kept in ${root}`);
        return;
      }
      await rm(root, { recursive: true, force: true });
    },
  };
}
