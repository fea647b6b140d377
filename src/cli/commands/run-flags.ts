/** Flags `download` and `seed` share, parsed the same way for both (DESIGN: same meaning). */
import { boolFlag, listFlag, stringFlag, UsageError, type FlagSpec, type ParsedArgs } from '../args.js';
import { parseAltSchedule } from '../../engine/policy/alt-speed.js';
import { errorMessage } from '../../engine/util/errors.js';
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
  blocklist: { type: 'string' },
  'max-connections': { type: 'string' },
  'max-peers': { type: 'string' },
  'alt-download-limit': { type: 'string' },
  'alt-upload-limit': { type: 'string' },
  'alt-schedule': { type: 'string' },
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
  --blocklist FILE       never connect to nor accept these addresses: one CIDR block,
                         address or P2P range (name:1.2.3.4-1.2.3.255) a line
  --max-peers N          connected peers per torrent at most (default 50)
  --max-connections N    peer connections in all at most (default 200)
  --alt-download-limit RATE, --alt-upload-limit RATE
                         limits that replace the normal ones during --alt-schedule
  --alt-schedule 'DAYS HH:MM-HH:MM'
                         when the alternative limits apply, e.g. 'mon-fri 09:00-17:30',
                         'weekend 00:00-23:59', '22:00-06:00' (every day, past midnight)
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
  blocklist?: string;
  maxConnections?: number;
  maxPeers?: number;
  altSpeed?: { download: number; upload: number; days: number; beginMinute: number; endMinute: number };
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
    blocklist: stringFlag(args, 'blocklist'),
    maxConnections: countFlag(args, 'max-connections'),
    maxPeers: countFlag(args, 'max-peers'),
    altSpeed: parseAltSpeed(args),
  };
}

function countFlag(args: ParsedArgs, name: string): number | undefined {
  const text = stringFlag(args, name);
  if (text === undefined) return undefined;
  if (!/^\d{1,6}$/.test(text) || Number(text) < 1) throw new UsageError(`--${name} must be a whole number from 1 to 999999 (got '${text}')`);
  return Number(text);
}

function parseAltSpeed(args: ParsedArgs): SharedRunOptions['altSpeed'] {
  const download = stringFlag(args, 'alt-download-limit');
  const upload = stringFlag(args, 'alt-upload-limit');
  const schedule = stringFlag(args, 'alt-schedule');
  if (schedule === undefined) {
    if (download !== undefined || upload !== undefined) throw new UsageError('--alt-download-limit and --alt-upload-limit need --alt-schedule (when they apply)');
    return undefined;
  }
  if (download === undefined && upload === undefined) throw new UsageError('--alt-schedule needs --alt-download-limit or --alt-upload-limit');
  let when;
  try {
    when = parseAltSchedule(schedule);
  } catch (error) {
    throw new UsageError(`--alt-schedule: ${errorMessage(error)}`);
  }
  return {
    download: download === undefined ? 0 : parseRate(download, '--alt-download-limit'),
    upload: upload === undefined ? 0 : parseRate(upload, '--alt-upload-limit'),
    ...when,
  };
}

const POLICIES = ['disabled', 'allowed', 'preferred', 'required'] as const;

function parseEncryption(value: string | undefined): SharedRunOptions['encryption'] {
  if (value === undefined) return 'preferred';
  const policy = POLICIES.find((p) => p === value);
  if (!policy) throw new UsageError(`--encryption must be one of ${POLICIES.join(', ')}, not ${JSON.stringify(value)}`);
  return policy;
}
