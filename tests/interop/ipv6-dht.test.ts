// The DHT over IPv6 (BEP 32) with the CLI: a private DHT of libtorrent nodes all on [::1] (see
// tests/integration/dht/lt_dht.py --host ::1), no tracker. Our download, listening on :: and
// bootstrapped from [::1], finds the magnet's peers and metadata through IPv6 nodes alone.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareTrees } from './harness/data.js';
import { freePorts } from './harness/ports.js';
import { REPO_ROOT, startOurDownload } from './harness/torrentedge.js';
import { createWorkspace, type Workspace } from './harness/workspace.js';

const HAS_IPV6_LOOPBACK = Object.values(networkInterfaces()).some((list) => list?.some((a) => a.address === '::1'));

interface Ready {
  ports: number[];
  info_hash: string;
  save_path: string;
}

let ws: Workspace;
let dht: ChildProcess | undefined;
let ready: Ready;

beforeAll(async () => {
  ws = await createWorkspace('dht6');
  if (!HAS_IPV6_LOOPBACK) return;
  const ports = await freePorts(4);
  dht = spawn('/usr/bin/python3', [join(REPO_ROOT, 'tests/integration/dht/lt_dht.py'), '--ports', ports.join(','), '--host', '::1', '--timeout', '200'], {
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  const reader = createInterface({ input: dht.stdout! });
  ready = await new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the libtorrent DHT on ::1 did not come up within 60 s')), 60_000);
    reader.on('line', (line) => {
      try {
        const event = JSON.parse(line) as Record<string, unknown>;
        if (event.type !== 'ready') return;
        clearTimeout(timer);
        resolve(event as unknown as Ready);
      } catch {
        // diagnostics only
      }
    });
  });
}, 90_000);

afterAll(async () => {
  dht?.stdin?.end();
  dht?.kill('SIGTERM');
  await ws?.cleanup();
});

describe.skipIf(!HAS_IPV6_LOOPBACK)('DHT over IPv6 (BEP 32) with libtorrent nodes on ::1', () => {
  it('downloads a magnet with no tracker: nodes6, IPv6 peers and metadata all from [::1]', async () => {
    const out = await ws.dir('out');
    const ours = await startOurDownload({
      name: 'ours-dht6-magnet', logDir: ws.logDir, source: `magnet:?xt=urn:btih:${ready.info_hash}`, out,
      stateDir: await ws.dir('state'), peers: [], dht: true,
      extra: ['--bind', '::', '--dht-bootstrap', `[::1]:${ready.ports[0]}`],
    });
    const exit = await ours.proc.waitForExit(90_000);
    expect(exit, ours.proc.tail()).toEqual({ code: 0, signal: null });
    expect(await compareTrees(join(ready.save_path, 'dht-payload.bin'), join(out, 'dht-payload.bin'))).toEqual([]);
  }, 120_000);
});
