// transmission-daemon with its own config dir, RPC on 127.0.0.1. Transmission 3.00 never
// dials 127.x peers it learns from a tracker (INTEROP.md), so tests make the other side
// connect to it (`--peer 127.0.0.1:<peerPort>`).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from './ports.js';
import { spawnProcess, type Proc } from './processes.js';

export interface TransmissionTorrent {
  id: number;
  status: number; // 0 stopped, 1 check-wait, 2 checking, 3 download-wait, 4 downloading, 5 seed-wait, 6 seeding
  percentDone: number;
  error: number;
  errorString: string;
  haveValid: number;
  leftUntilDone: number;
  uploadedEver: number;
}

export interface Transmission {
  proc: Proc;
  peerPort: number;
  rpcPort: number;
  rpc(method: string, args?: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** Adds a .torrent (data in `downloadDir`) and returns its id. */
  add(torrentPath: string, downloadDir: string): Promise<number>;
  get(id: number): Promise<TransmissionTorrent>;
  /** Adds, verifies and waits until Transmission seeds every piece. */
  seed(torrentPath: string, downloadDir: string, timeoutMs?: number): Promise<number>;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startTransmission(options: { workDir: string; logDir: string; name?: string }): Promise<Transmission> {
  const [rpcPort, peerPort] = [await freePort(), await freePort()];
  const configDir = join(options.workDir, 'transmission-config');
  const downloadDir = join(options.workDir, 'transmission-downloads');
  await mkdir(configDir, { recursive: true });
  await mkdir(downloadDir, { recursive: true });
  const settings = {
    'bind-address-ipv4': '127.0.0.1',
    'bind-address-ipv6': '::1',
    'blocklist-enabled': false,
    'dht-enabled': false,
    'lpd-enabled': false,
    'pex-enabled': false,
    'utp-enabled': false,
    'port-forwarding-enabled': false,
    'peer-port': peerPort,
    'peer-port-random-on-start': false,
    'rpc-enabled': true,
    'rpc-bind-address': '127.0.0.1',
    'rpc-port': rpcPort,
    'rpc-authentication-required': false,
    'rpc-whitelist-enabled': true,
    'rpc-whitelist': '127.0.0.1',
    'rpc-host-whitelist-enabled': false,
    'download-dir': downloadDir,
    'incomplete-dir-enabled': false,
    'rename-partial-files': false,
    'start-added-torrents': true,
    'ratio-limit-enabled': false,
    'idle-seeding-limit-enabled': false,
    'speed-limit-up-enabled': false,
    'speed-limit-down-enabled': false,
    'alt-speed-enabled': false,
    'watch-dir-enabled': false,
    'message-level': 2,
  };
  await writeFile(join(configDir, 'settings.json'), JSON.stringify(settings, null, 2));
  const proc = spawnProcess(options.name ?? 'transmission', 'transmission-daemon', [
    '-f', '-g', configDir, '-T', '-O', '-Y', '-M', '--no-utp',
    '-r', '127.0.0.1', '-p', String(rpcPort), '-P', String(peerPort), '-i', '127.0.0.1',
    '--log-info',
  ], { logDir: options.logDir });

  let sessionId = '';
  const rpc = async (method: string, args: Record<string, unknown> = {}): Promise<Record<string, unknown>> => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const response = await fetch(`http://127.0.0.1:${rpcPort}/transmission/rpc`, {
        method: 'POST',
        headers: { 'X-Transmission-Session-Id': sessionId, 'content-type': 'application/json' },
        body: JSON.stringify({ method, arguments: args }),
        signal: AbortSignal.timeout(10_000),
      });
      if (response.status === 409) {
        sessionId = response.headers.get('X-Transmission-Session-Id') ?? '';
        continue;
      }
      const body = (await response.json()) as { result: string; arguments: Record<string, unknown> };
      if (body.result !== 'success') throw new Error(`transmission ${method}: ${body.result}`);
      return body.arguments;
    }
    throw new Error(`transmission ${method}: no session id`);
  };

  // Wait for the RPC server to answer.
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      await rpc('session-get');
      break;
    } catch (error) {
      if (proc.exitInfo || Date.now() > deadline) throw new Error(`transmission-daemon did not start: ${String(error)}\n${proc.tail()}`);
      await sleep(200);
    }
  }

  const fields = ['id', 'status', 'percentDone', 'error', 'errorString', 'haveValid', 'leftUntilDone', 'uploadedEver'];
  const get = async (id: number): Promise<TransmissionTorrent> => {
    const result = await rpc('torrent-get', { ids: [id], fields });
    const torrents = result.torrents as TransmissionTorrent[];
    if (!torrents?.[0]) throw new Error(`transmission: no torrent ${id}`);
    return torrents[0];
  };
  const add = async (torrentPath: string, dir: string): Promise<number> => {
    const result = await rpc('torrent-add', { filename: torrentPath, 'download-dir': dir, paused: false });
    const added = (result['torrent-added'] ?? result['torrent-duplicate']) as { id: number } | undefined;
    if (!added) throw new Error(`transmission: torrent-add gave ${JSON.stringify(result)}`);
    return added.id;
  };
  return {
    proc,
    peerPort,
    rpcPort,
    rpc,
    add,
    get,
    async seed(torrentPath, dir, timeoutMs = 60_000) {
      const id = await add(torrentPath, dir);
      await rpc('torrent-verify', { ids: [id] });
      const until = Date.now() + timeoutMs;
      for (;;) {
        const t = await get(id);
        if (t.error) throw new Error(`transmission: ${t.errorString}\n${proc.tail()}`);
        if (t.status === 6 && t.percentDone === 1) return id;
        if (Date.now() > until) throw new Error(`transmission: not seeding after ${timeoutMs} ms: ${JSON.stringify(t)}\n${proc.tail()}`);
        await sleep(250);
      }
    },
    async stop() {
      await proc.stop();
    },
  };
}
