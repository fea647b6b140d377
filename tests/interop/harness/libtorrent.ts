// libtorrent (python3-libtorrent 2.0) as a seeder or leecher, through peers/lt_peer.py.
import { fileURLToPath } from 'node:url';
import { freePort } from './ports.js';
import { spawnProcess, type Proc } from './processes.js';

export const PYTHON = '/usr/bin/python3'; // other Pythons lack the libtorrent module (INTEROP.md)
export const LT_PEER_SCRIPT = fileURLToPath(new URL('../peers/lt_peer.py', import.meta.url));

export interface LibtorrentOptions {
  name: string;
  logDir: string;
  /** Folder that holds (or will hold) `<name>`. */
  save: string;
  torrent?: string;
  magnet?: string;
  port?: number;
  trackers?: readonly string[];
  /** "127.0.0.1:PORT" peers to dial. */
  peers?: readonly string[];
  uploadLimit?: number;
  downloadLimit?: number;
  timeoutSeconds?: number;
  keepSeeding?: boolean;
  seedMode?: boolean;
  encryption?: 'enabled' | 'forced' | 'disabled';
  /** 'utp-only': no TCP at all (listens and dials over uTP only). Default: TCP only. */
  transport?: 'tcp' | 'tcp+utp' | 'utp-only';
  /** Listen address: '127.0.0.1' (default) or '::1'. */
  listen?: '127.0.0.1' | '::1';
  /** unchoke_slots_limit with the fixed-slots choker; 0 = never unchoke anyone. */
  unchokeSlots?: number;
  /** allowed_fast_set_size (BEP 6). */
  allowedFast?: number;
  /** max_allowed_in_request_queue: libtorrent rejects (BEP 6 REJECT_REQUEST) requests beyond it. */
  maxRequestQueue?: number;
  /** Local service discovery (BEP 14) on the listen address. */
  lsd?: boolean;
  /** Log every peer message on stderr (libtorrent's peer_log alerts), e.g. "==> ALLOWED_FAST [ 5 ]". */
  peerLog?: boolean;
  /** false: as a seed, never dial peers (libtorrent's seeding_outgoing_connections); only accept them. */
  seedOutgoing?: boolean;
  /** Wrap the python process, e.g. ['/usr/bin/time', '-v'] for the benchmark. */
  wrapper?: readonly string[];
}

export interface LibtorrentPeer {
  proc: Proc;
  port: number;
  address: string; // 127.0.0.1:port
}

export function libtorrentArgs(mode: 'seed' | 'leech', options: LibtorrentOptions, port: number): string[] {
  const args = [LT_PEER_SCRIPT, '--mode', mode, '--save', options.save, '--port', String(port)];
  if (options.torrent) args.push('--torrent', options.torrent);
  else if (options.magnet) args.push('--magnet', options.magnet);
  else throw new Error('libtorrent peer needs a torrent or a magnet');
  for (const url of options.trackers ?? []) args.push('--tracker', url);
  for (const peer of options.peers ?? []) args.push('--peer', peer);
  if (options.uploadLimit) args.push('--upload-limit', String(options.uploadLimit));
  if (options.downloadLimit) args.push('--download-limit', String(options.downloadLimit));
  if (options.timeoutSeconds) args.push('--timeout', String(options.timeoutSeconds));
  if (options.keepSeeding) args.push('--keep-seeding');
  if (options.seedMode) args.push('--seed-mode');
  if (options.encryption) args.push('--encryption', options.encryption);
  if (options.listen) args.push('--listen', options.listen);
  if (options.unchokeSlots !== undefined) args.push('--unchoke-slots', String(options.unchokeSlots));
  if (options.allowedFast !== undefined) args.push('--allowed-fast', String(options.allowedFast));
  if (options.maxRequestQueue !== undefined) args.push('--max-request-queue', String(options.maxRequestQueue));
  if (options.lsd) args.push('--lsd');
  if (options.peerLog) args.push('--peer-log');
  if (options.seedOutgoing === false) args.push('--no-seed-outgoing');
  if (options.transport === 'tcp+utp') args.push('--utp');
  if (options.transport === 'utp-only') args.push('--no-tcp');
  return args;
}

function spawnLt(mode: 'seed' | 'leech', options: LibtorrentOptions, port: number): Proc {
  const args = libtorrentArgs(mode, options, port);
  const [command, ...rest] = [...(options.wrapper ?? []), PYTHON, ...args];
  return spawnProcess(options.name, command!, rest, { logDir: options.logDir });
}

/** Starts a seeder and resolves once libtorrent has checked the data and seeds it. */
export async function startLibtorrentSeeder(options: LibtorrentOptions, readyTimeoutMs = 60_000): Promise<LibtorrentPeer> {
  const port = options.port ?? (await freePort());
  const proc = await spawnSeeder(options, port, readyTimeoutMs);
  return { proc, port, address: endpointText(options.listen, port) };
}

async function spawnSeeder(options: LibtorrentOptions, port: number, readyTimeoutMs: number): Promise<Proc> {
  const proc = spawnLt('seed', options, port);
  const ready = await proc.waitForLine(/"type": "(seeding|error)"/, readyTimeoutMs, 'stdout');
  if (ready.includes('"error"')) throw new Error(`libtorrent seeder: ${ready}\n${proc.tail()}`);
  return proc;
}

/** A seeder that libtorrent itself may crash: every incarnation's peer-log lines, and how many crashes. */
export interface RestartingSeeder extends LibtorrentPeer {
  readonly crashes: string[];
  /** stderr of every incarnation, in order. */
  stderrLines(): string[];
}

const CRASH_SIGNALS = new Set(['SIGSEGV', 'SIGABRT', 'SIGBUS', 'SIGILL', 'SIGFPE']);

/**
 * A seeder started again on the same port when libtorrent crashes (at most `maxRestarts` times).
 * python3-libtorrent 2.0.8 has been seen to die of SIGSEGV a few ms into a peer's first burst of
 * REQUESTs when its incoming request queue is tiny (tests/browser/extension/relay-swarm-e2e): the
 * behaviour under test is ours (reconnecting, asking again), not libtorrent's.
 */
export async function startRestartingSeeder(options: LibtorrentOptions, maxRestarts = 2): Promise<RestartingSeeder> {
  const first = await startLibtorrentSeeder(options);
  const incarnations: Proc[] = [first.proc];
  const crashes: string[] = [];
  const seeder: RestartingSeeder = {
    ...first,
    crashes,
    stderrLines: () => incarnations.flatMap((p) => p.stderrLines),
  };
  const watch = (proc: Proc): void => {
    void proc.exited.then(async (info) => {
      if (!info.signal || !CRASH_SIGNALS.has(info.signal) || crashes.length >= maxRestarts) return;
      crashes.push(`${options.name} died of ${info.signal}`);
      console.warn(`libtorrent seeder ${options.name} died of ${info.signal} (a libtorrent crash); starting it again on port ${first.port}`);
      const again = await spawnSeeder({ ...options, name: `${options.name}-restart${crashes.length}` }, first.port, 60_000);
      incarnations.push(again);
      seeder.proc = again;
      watch(again);
    });
  };
  watch(first.proc);
  return seeder;
}

function endpointText(listen: string | undefined, port: number): string {
  return listen === '::1' ? `[::1]:${port}` : `127.0.0.1:${port}`;
}

/** Starts a leecher; wait for `proc.waitForLine('DONE', …)` or its exit (0 = all verified). */
export async function startLibtorrentLeecher(options: LibtorrentOptions): Promise<LibtorrentPeer> {
  const port = options.port ?? (await freePort());
  const proc = spawnLt('leech', options, port);
  return { proc, port, address: endpointText(options.listen, port) };
}
