// aria2c as a seeder or leecher on loopback. aria2 speaks no UDP tracker without DHT
// (INTEROP.md): give it HTTP tracker URLs.
import { freePort } from './ports.js';
import { spawnProcess, type Proc } from './processes.js';

export interface Aria2Options {
  name: string;
  logDir: string;
  /** Folder that holds (or will hold) `<name>`. */
  dir: string;
  torrent: string;
  port?: number;
  /** Extra HTTP trackers (the .torrent's own announce is used too). */
  trackers?: readonly string[];
  wrapper?: readonly string[];
}

export interface Aria2Peer {
  proc: Proc;
  port: number;
  address: string;
}

function commonArgs(options: Aria2Options, port: number): string[] {
  const args = [
    '-d', options.dir,
    '--interface=127.0.0.1',
    '--disable-ipv6=true',
    '--enable-dht=false',
    '--enable-dht6=false',
    '--bt-enable-lpd=false',
    '--enable-peer-exchange=false',
    `--listen-port=${port}`,
    '--file-allocation=falloc',
    '--summary-interval=1',
    '--console-log-level=notice',
    '--show-console-readout=false',
    '--auto-save-interval=0',
    '--stop-with-process=' + process.pid, // never outlive the test runner
  ];
  if (options.trackers?.length) args.push(`--bt-tracker=${options.trackers.join(',')}`);
  return args;
}

/** Seeds until killed: checks the data first (-V), then serves regardless of ratio. */
export async function startAria2Seeder(options: Aria2Options, readyTimeoutMs = 60_000): Promise<Aria2Peer> {
  const port = options.port ?? (await freePort());
  const args = [...commonArgs(options, port), '-V', '--seed-ratio=0.0', options.torrent];
  const [command, ...rest] = [...(options.wrapper ?? []), 'aria2c', ...args];
  const proc = spawnProcess(options.name, command!, rest, { logDir: options.logDir });
  // aria2 prints "SEED(" in its summary once the check is done and every piece is there.
  await proc.waitForLine(/SEED\(/, readyTimeoutMs);
  return { proc, port, address: `127.0.0.1:${port}` };
}

/** Downloads and exits 0 once every piece is verified (--seed-time=0). */
export async function startAria2Leecher(options: Aria2Options): Promise<Aria2Peer> {
  const port = options.port ?? (await freePort());
  const args = [...commonArgs(options, port), '--seed-time=0', '--bt-stop-timeout=0', options.torrent];
  const [command, ...rest] = [...(options.wrapper ?? []), 'aria2c', ...args];
  const proc = spawnProcess(options.name, command!, rest, { logDir: options.logDir });
  return { proc, port, address: `127.0.0.1:${port}` };
}
