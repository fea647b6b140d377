// Our own CLI (build/src/cli/main.js, built by `npm run build:node`), driven as a user would.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { freePort } from './ports.js';
import { spawnProcess, type Proc } from './processes.js';
import type { Tracker } from './tracker.js';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const CLI = join(REPO_ROOT, 'build', 'src', 'cli', 'main.js');

export function assertCliBuilt(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build:node\` first`);
}

export interface OurPeer {
  proc: Proc;
  port: number;
  address: string;
}

export interface OurDownloadOptions {
  name: string;
  logDir: string;
  /** A magnet URI or a .torrent path. */
  source: string;
  out: string;
  stateDir: string;
  port?: number;
  /** "127.0.0.1:PORT" peers to dial at once (--peer). */
  peers?: readonly string[];
  seed?: boolean;
  extra?: readonly string[];
  /** Leave the DHT on (the harness turns it off unless asked: most tests use trackers or --peer). */
  dht?: boolean;
  wrapper?: readonly string[];
}

export function ourDownloadArgs(options: OurDownloadOptions, port: number): string[] {
  const args = [CLI, 'download', options.source, '-o', options.out, '--port', String(port), '--json', ...(options.dht ? [] : ['--no-dht']), '--state-dir', options.stateDir];
  for (const peer of options.peers ?? []) args.push('--peer', peer);
  if (options.seed) args.push('--seed');
  args.push(...(options.extra ?? []));
  return args;
}

/** Starts `download`; the caller waits for its exit (0 = every piece verified). */
export async function startOurDownload(options: OurDownloadOptions): Promise<OurPeer> {
  assertCliBuilt();
  const port = options.port ?? (await freePort());
  const [command, ...rest] = [...(options.wrapper ?? []), process.execPath, ...ourDownloadArgs(options, port)];
  const proc = spawnProcess(options.name, command!, rest, { logDir: options.logDir });
  return { proc, port, address: `127.0.0.1:${port}` };
}

export interface OurSeedOptions {
  name: string;
  logDir: string;
  torrent: string;
  dir: string;
  stateDir: string;
  port?: number;
  extra?: readonly string[];
  /** Leave the DHT on (the harness turns it off unless asked: most tests use trackers or --peer). */
  dht?: boolean;
  /** When given, wait until this tracker has our `started` announce. */
  tracker?: Tracker;
  infoHash?: string;
}

/** Starts `seed`; resolves once it listens (and, given a tracker, has announced `started`). */
export async function startOurSeeder(options: OurSeedOptions, readyTimeoutMs = 30_000): Promise<OurPeer> {
  assertCliBuilt();
  const port = options.port ?? (await freePort());
  const args = [CLI, 'seed', options.torrent, options.dir, '--port', String(port), '--json', ...(options.dht ? [] : ['--no-dht']), '--state-dir', options.stateDir, ...(options.extra ?? [])];
  const proc = spawnProcess(options.name, process.execPath, args, { logDir: options.logDir });
  await proc.waitForLine(/"type"\s*:\s*"listening"/, readyTimeoutMs, 'stdout');
  if (options.tracker) {
    const infoHash = options.infoHash;
    try {
      await options.tracker.waitForAnnounce(
        (a) => a.event === 'start' && a.port === port && (!infoHash || a.infoHash === infoHash),
        readyTimeoutMs,
      );
    } catch (error) {
      throw new Error(`${String(error)}\n${proc.tail()}`);
    }
  }
  return { proc, port, address: `127.0.0.1:${port}` };
}

/** The `{"type":…}` objects our CLI printed with --json. */
export function events(proc: Proc, type?: string): Array<Record<string, unknown>> {
  return proc.jsonLines().filter((e) => type === undefined || e.type === type);
}
