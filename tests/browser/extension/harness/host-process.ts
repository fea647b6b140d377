// Finding the native host process Chromium started for one browser (Linux /proc): a descendant
// of the browser process whose command line names native-host/main.js.
import { readdir, readFile } from 'node:fs/promises';

async function parentOf(pid: number): Promise<number | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces: fields resume after its closing ')'.
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

export async function hostPids(browserPid: number): Promise<number[]> {
  const out: number[] = [];
  for (const entry of await readdir('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (!cmdline.includes('native-host')) continue;
    for (let p: number | null = pid, depth = 0; p && p > 1 && depth < 6; depth++) {
      p = await parentOf(p);
      if (p === browserPid) {
        out.push(pid);
        break;
      }
    }
  }
  return out;
}
