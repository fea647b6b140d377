/**
 * The loop behind `download` and `seed`: start a Client, add one torrent, report progress,
 * and end on exactly one outcome — done, a seed goal, an error, or a signal — always closing
 * the client first (announce `stopped`, flush resume data) within a bounded time.
 */
import { Client } from '../engine/session/client.js';
import type { Torrent } from '../engine/session/torrent.js';
import type { ClientOptions, TorrentStats } from '../engine/session/types.js';
import { errorMessage } from '../engine/util/errors.js';
import { createNodePlatform } from '../platform/node/index.js';
import { IpBlocklist } from '../engine/policy/ip-blocklist.js';
import { AltSpeedSchedule, type AltSpeedSettings } from '../engine/policy/alt-speed.js';
import { readFile } from 'node:fs/promises';
import { UsageError } from './args.js';
import { InterruptedError } from './interrupted.js';
import type { CommandContext } from './commands/context.js';
import { ProgressOutput, type OutputMode } from './progress-output.js';
import { reachedSeedGoal, type SeedGoals } from './seed-goals.js';
import { loadSource } from './source.js';
import { ensureStateDir } from './state-dir.js';
import { formatPercent, type HostPort } from './units.js';
import { cliVersion } from './version.js';

export interface RunConfig {
  command: 'download' | 'seed';
  input: string;
  destination: string;
  stateDir: string;
  port?: number;
  bind?: string;
  json: boolean;
  quiet: boolean;
  downloadLimit?: number;
  uploadLimit?: number;
  /** Keep seeding once done (always for `seed`). */
  keepSeeding: boolean;
  goals: SeedGoals;
  selectedFiles?: number[];
  peers: HostPort[];
  dht: boolean;
  dhtBootstrap?: HostPort[];
  lsd: boolean;
  lsdInterface?: string;
  utp: boolean;
  pex: boolean;
  encryption: 'disabled' | 'allowed' | 'preferred' | 'required';
  /** A blocklist file (see engine/policy/ip-blocklist.ts for the formats). */
  blocklist?: string;
  maxConnections?: number;
  maxPeers?: number;
  altSpeed?: AltSpeedSettings;
  superSeed?: boolean;
}

export const TICK_MS = 1000;
/** Upper bound on shutdown even if a tracker hangs: client.close() should be well within it. */
export const CLOSE_TIMEOUT_MS = 15_000;
const SIGNAL_EXIT: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 130, SIGTERM: 143 };

type Outcome =
  | { kind: 'done' }
  | { kind: 'goal'; message: string; goal: string }
  | { kind: 'error'; message: string }
  | { kind: 'signal'; signal: 'SIGINT' | 'SIGTERM' };

export async function runTorrent(config: RunConfig, ctx: CommandContext): Promise<number> {
  const signals = new SignalWatch();
  try {
    const platform = createNodePlatform({ stateDir: await ensureStateDir(config.stateDir) });
    const loaded = await loadSource(config.input, platform.http);
    if (config.command === 'seed' && loaded.kind === 'magnet') {
      throw new UsageError('seed needs a .torrent file: a magnet link has no metadata to check the data against');
    }
    if (loaded.kind === 'torrent') checkSelection(config.selectedFiles, loaded.meta.files.length);
    const blocklist = config.blocklist === undefined ? undefined : await loadBlocklist(config.blocklist);
    signals.throwIfCaught();

    const options: ClientOptions = {
      platform,
      port: config.port,
      listenHost: config.bind,
      downloadLimit: config.downloadLimit,
      uploadLimit: config.uploadLimit,
      userAgent: `TorrentEdge ${cliVersion()}`,
      dht: config.dht,
      dhtBootstrap: config.dhtBootstrap,
      lsd: config.lsd,
      lsdInterface: config.lsdInterface,
      utp: config.utp,
      pex: config.pex,
      encryption: config.encryption,
      ...(blocklist ? { blocklist } : {}),
      ...(config.maxConnections !== undefined ? { maxConnections: config.maxConnections } : {}),
      ...(config.maxPeers !== undefined ? { maxPeersPerTorrent: config.maxPeers } : {}),
      ...(config.altSpeed ? { altSpeed: new AltSpeedSchedule(config.altSpeed) } : {}),
      // One torrent per process: the queue must never hold it back.
      queue: { maxActiveDownloads: Infinity, maxActiveSeeds: Infinity },
    };
    const client = await Client.create(options);
    try {
      const torrent = await client.add(loaded.source, {
        destination: config.destination,
        selectedFiles: config.selectedFiles,
        peers: config.peers,
        ...(config.superSeed ? { superSeed: true } : {}),
      });
      const output = new ProgressOutput({
        mode: outputMode(config, ctx),
        write: (text) => ctx.out(text),
        now: () => Date.now(),
        columns: () => ctx.columns(),
      });
      output.listening(client.port);
      const outcome = await watch(torrent, config, output, signals, ctx);
      output.endLine();
      return await finish(outcome, torrent, client, output, ctx);
    } finally {
      await closeBounded(client);
    }
  } finally {
    signals.dispose();
  }
}

async function loadBlocklist(path: string): Promise<IpBlocklist> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new UsageError(`--blocklist: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}`);
  }
  try {
    return IpBlocklist.parse(bytes);
  } catch (error) {
    throw new UsageError(`--blocklist ${path}: ${errorMessage(error)}`);
  }
}

function outputMode(config: RunConfig, ctx: CommandContext): OutputMode {
  if (config.json) return 'json';
  if (config.quiet) return 'quiet';
  return ctx.stdoutIsTTY ? 'tty' : 'plain';
}

export function checkSelection(selected: number[] | undefined, fileCount: number): void {
  const bad = selected?.find((i) => i >= fileCount);
  if (bad !== undefined) throw new UsageError(`--only: there is no file ${bad} (the torrent has ${fileCount}, numbered from 0)`);
}

/** Resolves with the first outcome; everything else the torrent does meanwhile is reporting. */
function watch(torrent: Torrent, config: RunConfig, output: ProgressOutput, signals: SignalWatch, ctx: CommandContext): Promise<Outcome> {
  return new Promise<Outcome>((resolve) => {
    let settled = false;
    let doneAt: number | undefined;
    let hadDataAtStart = false;
    let warnedIncomplete = false;
    const cleanups: (() => void)[] = [];

    const settle = (outcome: Outcome): void => {
      if (settled) return;
      settled = true;
      for (const cleanup of cleanups) cleanup();
      resolve(outcome);
    };

    const tick = (): void => {
      if (settled) return;
      const stats = torrent.stats();
      if (stats.state === 'error') return settle({ kind: 'error', message: stats.error ?? 'the torrent failed' });
      if (torrent.meta && config.selectedFiles) {
        try {
          checkSelection(config.selectedFiles, torrent.meta.files.length);
        } catch (error) {
          return settle({ kind: 'error', message: errorMessage(error) });
        }
      }
      if (config.command === 'seed' && !warnedIncomplete && doneAt === undefined && stats.state === 'downloading') {
        warnedIncomplete = true;
        output.endLine();
        ctx.warn(`warning: the data in ${config.destination} is incomplete (${formatPercent(stats.progress)} verified); seeding what is there and fetching the rest`);
      }
      if (doneAt === undefined && torrent.isDone()) {
        doneAt = Date.now();
        // Done before anything was fetched: the ratio is then counted against the torrent's size.
        hadDataAtStart = config.command === 'seed' ? !warnedIncomplete : stats.downloaded === 0;
        if (config.command === 'download') output.done(stats);
        if (!config.keepSeeding) return settle({ kind: 'done' });
      }
      output.update(stats);
      if (doneAt !== undefined) {
        const goal = reachedSeedGoal(config.goals, snapshot(stats, doneAt, hadDataAtStart));
        if (goal) settle({ kind: 'goal', goal: goal.goal, message: goal.message });
      }
    };

    cleanups.push(torrent.on('done', tick));
    cleanups.push(torrent.on('state', tick));
    cleanups.push(torrent.on('error', (error) => settle({ kind: 'error', message: errorMessage(error) })));
    cleanups.push(signals.onSignal((signal) => settle({ kind: 'signal', signal })));
    const timer = setInterval(tick, TICK_MS);
    cleanups.push(() => clearInterval(timer));
    tick();
  });
}

function snapshot(stats: TorrentStats, seedingSince: number, hadDataAtStart: boolean) {
  return {
    uploaded: stats.uploaded,
    downloaded: stats.downloaded,
    totalLength: stats.totalLength,
    hadDataAtStart,
    seedingSince,
    now: Date.now(),
  };
}

async function finish(outcome: Outcome, torrent: Torrent, client: Client, output: ProgressOutput, ctx: CommandContext): Promise<number> {
  // Sample completeness before close: close may release the storage the check relies on.
  const done = torrent.isDone();
  const progress = torrent.stats().progress;
  await closeBounded(client);
  switch (outcome.kind) {
    case 'done':
      if (!done) throw new Error('the download stopped before every piece was verified');
      return 0;
    case 'goal':
      output.event('seed-goal', outcome.message, { goal: outcome.goal });
      return 0;
    case 'error':
      throw new Error(outcome.message);
    case 'signal':
      if (done) return 0;
      ctx.warn(`interrupted: ${formatPercent(progress)} verified; run the same command again to resume`);
      return SIGNAL_EXIT[outcome.signal];
  }
}

const closing = new WeakMap<Client, Promise<void>>();

/** Close once, however many paths ask, and never wait longer than CLOSE_TIMEOUT_MS. */
function closeBounded(client: Client): Promise<void> {
  let promise = closing.get(client);
  if (!promise) {
    const closed = client.close().catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, CLOSE_TIMEOUT_MS);
      timer.unref();
    });
    promise = Promise.race([closed, timeout]).finally(() => clearTimeout(timer));
    closing.set(client, promise);
  }
  return promise;
}

/**
 * SIGINT/SIGTERM: the first one asks for a clean shutdown; a second one exits at once (the user
 * insisted), with the same code.
 */
class SignalWatch {
  private caught: 'SIGINT' | 'SIGTERM' | undefined;
  private readonly listeners = new Set<(signal: 'SIGINT' | 'SIGTERM') => void>();
  private readonly handlers = (['SIGINT', 'SIGTERM'] as const).map((signal) => {
    const handler = (): void => {
      if (this.caught) process.exit(SIGNAL_EXIT[signal]);
      this.caught = signal;
      for (const listener of this.listeners) listener(signal);
    };
    process.on(signal, handler);
    return () => process.off(signal, handler);
  });

  onSignal(listener: (signal: 'SIGINT' | 'SIGTERM') => void): () => void {
    if (this.caught) listener(this.caught);
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A signal before the client existed: nothing to close, stop now. */
  throwIfCaught(): void {
    if (this.caught) throw new InterruptedError(SIGNAL_EXIT[this.caught]);
  }

  dispose(): void {
    for (const off of this.handlers) off();
  }
}
