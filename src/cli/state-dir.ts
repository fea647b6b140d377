/**
 * Where resume data lives: `--state-dir`, else `$XDG_STATE_HOME/torrentedge`, else
 * `~/.local/state/torrentedge` (XDG Base Directory spec: a relative XDG_STATE_HOME is invalid
 * and must be ignored).
 */
import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

export function resolveStateDir(
  flag: string | undefined,
  env: Record<string, string | undefined> = process.env,
  home: string = homedir(),
): string {
  if (flag !== undefined && flag !== '') return resolve(flag);
  const xdg = env['XDG_STATE_HOME'];
  if (xdg && isAbsolute(xdg)) return join(xdg, 'torrentedge');
  return join(home, '.local', 'state', 'torrentedge');
}

export async function ensureStateDir(dir: string): Promise<string> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw new Error(`cannot create state directory ${dir}: ${(error as Error).message}`);
  }
  return dir;
}
