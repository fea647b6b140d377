/** `torrentedge seed <file.torrent> DIR`: check the data `download -o DIR` left, then seed until killed or a goal. */
import { resolve } from 'node:path';
import { boolFlag, parseArgs, type CommandSpec } from '../args.js';
import type { CommandContext } from './context.js';
import { parseSharedRunFlags, sharedRunFlags, sharedRunHelp } from './run-flags.js';

export const seedSpec: CommandSpec = {
  flags: { ...sharedRunFlags, 'super-seed': { type: 'boolean' } },
  positionals: ['<file.torrent>', '<DIR>'],
};

export const seedHelp = `usage: torrentedge seed <file.torrent> <DIR> [options]

Checks the data in DIR (the same DIR given to 'download -o'), announces at
once and seeds until interrupted or a seed goal is reached. If the data is
incomplete it warns and fetches the rest.

  --super-seed           BEP 16 super-seeding for an initial seeder: each peer is
                         offered one piece at a time, the next once that piece
                         shows up at another peer
${sharedRunHelp}`;

export async function runSeed(argv: string[], ctx: CommandContext): Promise<number> {
  const args = parseArgs(argv, seedSpec);
  // Loaded on demand: `info` and `create` start without the whole engine.
  const { runTorrent } = await import('../torrent-run.js');
  return runTorrent(
    {
      ...parseSharedRunFlags(args),
      command: 'seed',
      input: args.positionals[0]!,
      destination: resolve(args.positionals[1]!),
      keepSeeding: true,
      superSeed: boolFlag(args, 'super-seed'),
    },
    ctx,
  );
}
