/** `torrentedge stats`: all-time totals of the runs that used this state directory. */
import { boolFlag, parseArgs, stringFlag, type CommandSpec } from '../args.js';
import type { CommandContext } from './context.js';
import { resolveStateDir } from '../state-dir.js';
import { formatBytes, formatDuration, formatRatio } from '../units.js';

export const statsSpec: CommandSpec = {
  flags: { 'state-dir': { type: 'string' }, json: { type: 'boolean' } },
  positionals: [],
};

export const statsHelp = `usage: torrentedge stats [--state-dir DIR] [--json]

All-time totals of every 'download' and 'seed' run that used this state
directory: payload downloaded and uploaded, their ratio, time running, runs.

  --state-dir DIR        as for download and seed
  --json                 one JSON object`;

export async function runStats(argv: string[], ctx: CommandContext): Promise<number> {
  const args = parseArgs(argv, statsSpec);
  const stateDir = resolveStateDir(stringFlag(args, 'state-dir'));
  const [{ createNodePlatform }, { SessionTotals }, { systemClock }] = await Promise.all([
    import('../../platform/node/index.js'),
    import('../../engine/session/session-totals.js'),
    import('../../engine/util/clock.js'),
  ]);
  const totals = new SessionTotals(systemClock, createNodePlatform({ stateDir }).kv);
  await totals.load();
  const t = totals.saved();
  if (boolFlag(args, 'json')) {
    ctx.out(`${JSON.stringify({ type: 'stats', downloaded: t.downloaded, uploaded: t.uploaded, ratio: t.ratio, activeMs: t.activeMs, runs: t.sessions })}\n`);
    return 0;
  }
  ctx.out(
    [
      `downloaded  ${formatBytes(t.downloaded)}`,
      `uploaded    ${formatBytes(t.uploaded)}`,
      `ratio       ${formatRatio(t.ratio)}`,
      `running     ${formatDuration(t.activeMs)}`,
      `runs        ${t.sessions}`,
    ].join('\n') + '\n',
  );
  return 0;
}
