#!/usr/bin/env node
/**
 * torrentedge: dispatch to a command, and the one error boundary. Every failure ends as one
 * line on stderr prefixed `torrentedge: ` (no stack trace) and an exit code: 1 failure,
 * 2 usage error, 130/143 interrupted.
 */
import { UsageError } from './args.js';
import type { CommandContext } from './commands/context.js';
import { createHelp, runCreate } from './commands/create.js';
import { downloadHelp, runDownload } from './commands/download.js';
import { infoHelp, runInfo } from './commands/info.js';
import { runSeed, seedHelp } from './commands/seed.js';
import { runStats, statsHelp } from './commands/stats.js';
import { errorLine, exitCodeFor } from './error-line.js';
import { cliVersion } from './version.js';

interface Command {
  run(argv: string[], ctx: CommandContext): Promise<number>;
  help: string;
  summary: string;
}

const COMMANDS: Record<string, Command> = {
  download: { run: runDownload, help: downloadHelp, summary: 'download a magnet, .torrent file or URL' },
  seed: { run: runSeed, help: seedHelp, summary: 'seed downloaded data' },
  create: { run: runCreate, help: createHelp, summary: 'make a .torrent from a file or folder' },
  info: { run: runInfo, help: infoHelp, summary: 'show what a .torrent or magnet contains' },
  stats: { run: runStats, help: statsHelp, summary: 'all-time totals: downloaded, uploaded, ratio' },
};

function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const commands = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    'usage: torrentedge <command> [options]',
    '',
    'commands:',
    ...commands,
    '',
    "Run 'torrentedge <command> --help' for a command's options.",
    '  --help       this help',
    '  --version    print the version',
  ].join('\n');
}

async function main(argv: string[], ctx: CommandContext): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    throw new UsageError(`missing command: ${Object.keys(COMMANDS).join(', ')} (see 'torrentedge --help')`);
  }
  if (first === '--help' || first === '-h') {
    ctx.out(`${mainHelp()}\n`);
    return 0;
  }
  if (first === '--version' || first === '-V') {
    ctx.out(`torrentedge ${cliVersion()}\n`);
    return 0;
  }
  if (first === 'help') {
    const topic = rest[0] === undefined ? undefined : lookup(rest[0]);
    ctx.out(`${topic?.help ?? mainHelp()}\n`);
    return topic || rest[0] === undefined ? 0 : 2;
  }
  const command = lookup(first);
  if (!command) {
    const what = first.startsWith('-') ? `unknown option ${first}` : `unknown command '${first}'`;
    throw new UsageError(`${what} (see 'torrentedge --help')`);
  }
  // --help anywhere before `--` wins over everything else on the line.
  const beforeDashDash = rest.indexOf('--') < 0 ? rest : rest.slice(0, rest.indexOf('--'));
  if (beforeDashDash.includes('--help') || beforeDashDash.includes('-h')) {
    ctx.out(`${command.help}\n`);
    return 0;
  }
  try {
    return await command.run(rest, ctx);
  } catch (error) {
    if (error instanceof UsageError) throw new UsageError(`${error.message} (see 'torrentedge ${first} --help')`);
    throw error;
  }
}

function lookup(name: string): Command | undefined {
  return Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
}

function fail(error: unknown): never {
  process.stderr.write(`${errorLine(error)}\n`);
  process.exit(exitCodeFor(error));
}

let stdoutClosed = false;

function processContext(): CommandContext {
  return {
    out: (text) => {
      if (!stdoutClosed) process.stdout.write(text);
    },
    warn: (line) => {
      process.stderr.write(`torrentedge: ${line}\n`);
    },
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    columns: () => process.stdout.columns ?? 0,
  };
}

function start(): void {
  // A reader that goes away (`| head`) is not an error worth a stack trace.
  // The work goes on (a download still has to finish and exit 0 only when verified); output stops.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') fail(error);
    stdoutClosed = true;
  });
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);
  main(process.argv.slice(2), processContext()).then(
    // Exit explicitly: the engine may leave timers or sockets behind after close().
    (code) => process.exit(code),
    fail,
  );
}

start();
