// A private DHT of libtorrent nodes on 127.0.0.1 (tests/integration/dht/lt_dht.py, as the Node
// DHT test uses it), and a libtorrent seeder known only through it (lt_dht_seed.py here).
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, freePorts } from '../../../interop/harness/ports.js';
import { PYTHON } from '../../../interop/harness/libtorrent.js';
import { spawnProcess, type Proc } from '../../../interop/harness/processes.js';
import { ROOT } from './build.js';

const DHT_SCRIPT = join(ROOT, 'tests/integration/dht/lt_dht.py');
const SEED_SCRIPT = fileURLToPath(new URL('./lt_dht_seed.py', import.meta.url));

export interface PrivateDht {
  /** Node ports; node 0 is the one to bootstrap from. */
  ports: number[];
  /** Asks node 1 for the peers of `infoHash` until one with `port` is answered. */
  waitForPeer(infoHash: string, port: number, timeoutMs: number): Promise<void>;
  close(): void;
}

export async function startPrivateDht(nodes = 5): Promise<PrivateDht> {
  const ports = await freePorts(nodes);
  const child: ChildProcess = spawn(PYTHON, [DHT_SCRIPT, '--ports', ports.join(','), '--timeout', '600'], { stdio: ['pipe', 'pipe', 'ignore'] });
  const events: Array<Record<string, unknown>> = [];
  const reader = createInterface({ input: child.stdout! });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the libtorrent DHT did not come up within 60 s')), 60_000);
    reader.on('line', (line) => {
      let event: Record<string, unknown>;
      try {
        event = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      events.push(event);
      if (event.type === 'ready') {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return {
    ports,
    async waitForPeer(infoHash, port, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      const found = (): boolean =>
        events.some((e) => e.type === 'peers' && e.hash === infoHash && (e.peers as [string, number][]).some(([, p]) => p === port));
      while (!found()) {
        if (Date.now() > deadline) throw new Error(`the private DHT never answered get_peers(${infoHash}) with port ${port}`);
        child.stdin!.write(JSON.stringify({ cmd: 'get_peers', hash: infoHash, node: 1 }) + '\n');
        await new Promise((r) => setTimeout(r, 1_000));
      }
    },
    close() {
      child.stdin?.end();
      child.kill('SIGTERM');
    },
  };
}

export interface DhtSeeder {
  proc: Proc;
  port: number;
}

/** Seeds `torrent` from `save` and announces it to the private DHT only. */
export async function startDhtSeeder(options: { name: string; logDir: string; torrent: string; save: string; bootstrap: number; uploadLimit?: number }): Promise<DhtSeeder> {
  const port = await freePort();
  const args = [SEED_SCRIPT, '--torrent', options.torrent, '--save', options.save, '--port', String(port), '--bootstrap', `127.0.0.1:${options.bootstrap}`];
  if (options.uploadLimit) args.push('--upload-limit', String(options.uploadLimit));
  const proc = spawnProcess(options.name, PYTHON, args, { logDir: options.logDir });
  await proc.waitForLine('"seeding"', 30_000, 'stdout');
  return { proc, port };
}
