/** The version printed by `--version` and written as `created by`: package.json's, read at run time. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function cliVersion(): string {
  if (cached !== undefined) return cached;
  cached = '0.0.0';
  // build/src/cli/version.js or src/cli/version.ts: walk up to the package root.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'torrentedge' && typeof pkg.version === 'string') {
        cached = pkg.version;
        break;
      }
    } catch {
      // not here; keep walking up
    }
    dir = dirname(dir);
  }
  return cached;
}
