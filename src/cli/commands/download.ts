/** `torrentedge download <magnet | file.torrent | URL> -o DIR`: fetch until every wanted piece is verified. */
import { resolve } from 'node:path';
import { boolFlag, parseArgs, stringFlag, UsageError, type CommandSpec } from '../args.js';
import { hasSeedGoals } from '../seed-goals.js';
import { parseIndexList, parseRate } from '../units.js';
import type { CommandContext } from './context.js';
import { parseSharedRunFlags, sharedRunFlags, sharedRunHelp } from './run-flags.js';

export const downloadSpec: CommandSpec = {
  flags: {
    ...sharedRunFlags,
    output: { type: 'string', short: 'o' },
    seed: { type: 'boolean' },
    only: { type: 'string' },
    'download-limit': { type: 'string' },
  },
  positionals: ['<magnet | file.torrent | URL>'],
};

export const downloadHelp = `usage: torrentedge download <magnet | file.torrent | URL> -o DIR [options]

Downloads into DIR (a single-file torrent to DIR/<name>, a multi-file one under
DIR/<name>/) and exits 0 once every wanted piece is verified on disk. Run it
again with the same -o to resume. Ctrl-C stops cleanly (exit 130; 143 on SIGTERM).

  -o, --output DIR       where the files go (required)
  --seed                 keep seeding when done, until interrupted or a seed goal
  --only 0,2,5-7         download only these files (indexes as 'info' prints them)
  --download-limit RATE  cap download, bytes/s; K, M, G = KiB, MiB, GiB
${sharedRunHelp}`;

export async function runDownload(argv: string[], ctx: CommandContext): Promise<number> {
  const args = parseArgs(argv, downloadSpec);
  const output = stringFlag(args, 'output');
  if (output === undefined) throw new UsageError('download needs -o DIR (where to put the files)');
  const shared = parseSharedRunFlags(args);
  // A seed goal says how long to seed, so it implies --seed.
  const seed = boolFlag(args, 'seed') || hasSeedGoals(shared.goals);
  const only = stringFlag(args, 'only');
  const downloadLimit = stringFlag(args, 'download-limit');
  // Loaded on demand: `info` and `create` start without the whole engine.
  const { runTorrent } = await import('../torrent-run.js');
  return runTorrent(
    {
      ...shared,
      command: 'download',
      input: args.positionals[0]!,
      destination: resolve(output),
      keepSeeding: seed,
      selectedFiles: only === undefined ? undefined : parseIndexList(only),
      downloadLimit: downloadLimit === undefined ? undefined : parseRate(downloadLimit, '--download-limit'),
    },
    ctx,
  );
}
