// `npm run crash-campaign -- [--kills N] [--size-mb M] [--rate-mb R] [--seed S]`: the kill -9
// campaign of tests/interop/crash-campaign.test.ts with more kills or a bigger torrent than CI
// runs (CI: 20 kills, 64 MiB at 2 MiB/s). The test reads TORRENTEDGE_CRASH_* variables.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FLAGS = { '--kills': 'KILLS', '--size-mb': 'SIZE_MB', '--rate-mb': 'RATE_MB', '--seed': 'SEED', '--early-ms': 'EARLY_MS', '--transfer-ms': 'TRANSFER_MS' };

const env = { ...process.env };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const name = FLAGS[argv[i]];
  const value = Number(argv[i + 1]);
  if (!name || !Number.isFinite(value) || value <= 0) {
    console.error(`crash-campaign: unknown flag or bad value: ${argv[i]} ${argv[i + 1] ?? ''}\nflags: ${Object.keys(FLAGS).join(' ')} (positive numbers)`);
    process.exit(2);
  }
  env[`TORRENTEDGE_CRASH_${name}`] = String(value);
  i++;
}
// The test sizes its own timeout from the kills and the torrent.
const result = spawnSync('npx', ['vitest', 'run', 'tests/interop/crash-campaign.test.ts'], { cwd: ROOT, env, stdio: 'inherit' });
process.exit(result.status ?? 1);
