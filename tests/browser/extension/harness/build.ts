// Builds the extension (dist/) and the native host (build/) once for all browser tests: skipped
// when the outputs are newer than every source file; a lock folder keeps parallel test files
// from building at the same time.
import { execFile } from 'node:child_process';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const DIST = join(ROOT, 'dist');
export const HOST_INSTALLER = join(ROOT, 'build', 'native-host', 'install.js');

const EXTENSION_SOURCES = ['src/extension', 'src/engine', 'src/platform', 'src/relay', 'extension-ui', 'public', '_locales', 'manifest.json', 'vite.config.ts'];
const HOST_SOURCES = ['native-host', 'src/relay', 'src/engine', 'src/platform'];
const LOCK = join(ROOT, 'tests', '.tmp', 'extension-build.lock');
const STALE_LOCK_MS = 5 * 60_000;

async function newestMtime(path: string): Promise<number> {
  let info;
  try {
    info = await stat(path);
  } catch {
    return 0;
  }
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = 0;
  for (const entry of await readdir(path)) newest = Math.max(newest, await newestMtime(join(path, entry)));
  return newest;
}

async function mtime(path: string): Promise<number> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return 0;
  }
}

async function newestOf(paths: readonly string[]): Promise<number> {
  let newest = 0;
  for (const p of paths) newest = Math.max(newest, await newestMtime(join(ROOT, p)));
  return newest;
}

async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  await mkdir(join(ROOT, 'tests', '.tmp'), { recursive: true });
  const deadline = Date.now() + STALE_LOCK_MS;
  for (;;) {
    try {
      await mkdir(LOCK);
      break;
    } catch {
      const age = Date.now() - (await mtime(LOCK));
      if (age > STALE_LOCK_MS || Date.now() > deadline) await rm(LOCK, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(LOCK, { recursive: true, force: true });
  }
}

/** `npm run build` and `npm run build:node` unless their outputs are fresh. */
export async function ensureBuilt(): Promise<void> {
  await withLock(async () => {
    if ((await mtime(join(DIST, 'manifest.json'))) < (await newestOf(EXTENSION_SOURCES))) {
      await run('npm', ['run', 'build'], { cwd: ROOT, timeout: 240_000, maxBuffer: 64 * 1024 * 1024 });
    }
    if ((await mtime(HOST_INSTALLER)) < (await newestOf(HOST_SOURCES))) {
      await run('npm', ['run', 'build:node'], { cwd: ROOT, timeout: 240_000, maxBuffer: 64 * 1024 * 1024 });
    }
  });
}
