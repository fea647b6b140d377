/** Flags `download` and `seed` share, parsed the same way for both (DESIGN: same meaning). */
import { boolFlag, listFlag, stringFlag, UsageError, type FlagSpec, type ParsedArgs } from '../args.js';
import type { SeedGoals } from '../seed-goals.js';
import { isIP } from 'node:net';
import { resolveStateDir } from '../state-dir.js';
import { parseDuration, parseHostPort, parseHostPortList, parsePort, parseRate, parseRatio, type HostPort } from '../units.js';

export const sharedRunFlags: Record<string, FlagSpec> = {
  port: { type: 'string' },
  bind: { type: 'string' },
  json: { type: 'boolean' },
  'upload-limit': { type: 'string' },
  'seed-ratio': { type: 'string' },
  'seed-time': { type: 'string' },
  'no-dht': { type: 'boolean' },
  'dht-bootstrap': { type: 'string' },
  lsd: { type: 'boolean' },
  'lsd-interface': { type: 'string' },
  'no-utp': { type: 'boolean' },
  'no-pex': { type: 'boolean' },
  encryption: { type: 'string' },
  peer: { type: 'string', repeatable: true },
  'state-dir': { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
};

export const sharedRunHelp = `  --port N               TCP port for incoming peers (0: any free port)
  --bind ADDR            address to listen on, TCP and UDP (default 0.0.0.0; :: for IPv6 too)
  --json                 one JSON object per line: listening, progress (every second), done
  --upload-limit RATE    cap upload, bytes/s; K, M, G = KiB, MiB, GiB (e.g. 4M)
  --seed-ratio R         stop seeding once uploaded/downloaded reaches R
  --seed-time DURATION   stop seeding after this long (90, 30s, 10m, 2h)
  --no-dht               do not use the DHT
  --dht-bootstrap H:P,…  DHT bootstrap nodes instead of the defaults
  --lsd                  local service discovery (sends multicast on the LAN)
  --lsd-interface ADDR   local address LSD uses (127.0.0.1: this machine only; implies --lsd)
  --no-utp               never use uTP (TCP only)
  --no-pex               no peer exchange
  --encryption POLICY    preferred (default), required, allowed or disabled
  --peer HOST:PORT       also dial this peer (repeatable)
  --state-dir DIR        resume data (default $XDG_STATE_HOME/torrentedge or ~/.local/state/torrentedge)
  -q, --quiet            no progress output`;

export interface SharedRunOptions {
  port?: number;
  bind?: string;
  json: boolean;
  quiet: boolean;
  uploadLimit?: number;
  goals: SeedGoals;
  dht: boolean;
  dhtBootstrap?: HostPort[];
  lsd: boolean;
  lsdInterface?: string;
  utp: boolean;
  pex: boolean;
  encryption: 'disabled' | 'allowed' | 'preferred' | 'required';
  peers: HostPort[];
  stateDir: string;
}

export function parseSharedRunFlags(args: ParsedArgs): SharedRunOptions {
  const port = stringFlag(args, 'port');
  const uploadLimit = stringFlag(args, 'upload-limit');
  const ratio = stringFlag(args, 'seed-ratio');
  const time = stringFlag(args, 'seed-time');
  const bootstrap = stringFlag(args, 'dht-bootstrap');
  const lsdInterface = stringFlag(args, 'lsd-interface');
  const bind = stringFlag(args, 'bind');
  if (bind !== undefined && !isIP(bind)) throw new UsageError(`--bind needs an IP address, not ${JSON.stringify(bind)}`);
  if (lsdInterface !== undefined && !isIP(lsdInterface)) throw new UsageError(`--lsd-interface needs an IP address, not ${JSON.stringify(lsdInterface)}`);
  const goals: SeedGoals = {};
  if (ratio !== undefined) goals.ratio = parseRatio(ratio);
  if (time !== undefined) goals.timeMs = parseDuration(time, '--seed-time');
  return {
    port: port === undefined ? undefined : parsePort(port),
    bind,
    json: boolFlag(args, 'json'),
    quiet: boolFlag(args, 'quiet'),
    uploadLimit: uploadLimit === undefined ? undefined : parseRate(uploadLimit, '--upload-limit'),
    goals,
    dht: !boolFlag(args, 'no-dht'),
    dhtBootstrap: bootstrap === undefined ? undefined : parseHostPortList(bootstrap, '--dht-bootstrap'),
    lsd: boolFlag(args, 'lsd') || lsdInterface !== undefined,
    lsdInterface,
    utp: !boolFlag(args, 'no-utp'),
    pex: !boolFlag(args, 'no-pex'),
    encryption: parseEncryption(stringFlag(args, 'encryption')),
    peers: listFlag(args, 'peer').map((p) => parseHostPort(p, '--peer')),
    stateDir: resolveStateDir(stringFlag(args, 'state-dir')),
  };
}

const POLICIES = ['disabled', 'allowed', 'preferred', 'required'] as const;

function parseEncryption(value: string | undefined): SharedRunOptions['encryption'] {
  if (value === undefined) return 'preferred';
  const policy = POLICIES.find((p) => p === value);
  if (!policy) throw new UsageError(`--encryption must be one of ${POLICIES.join(', ')}, not ${JSON.stringify(value)}`);
  return policy;
}
