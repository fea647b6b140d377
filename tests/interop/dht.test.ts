// DHT (BEP 5) end to end with the CLI: a private DHT of libtorrent nodes on 127.0.0.1 (see
// tests/integration/dht/lt_dht.py); no tracker anywhere. Our download finds a magnet's peers
// through the DHT alone; a libtorrent node finds our seeder through the DHT alone.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareTrees } from './harness/data.js';
import { freePorts } from './harness/ports.js';
import { REPO_ROOT, startOurDownload, startOurSeeder } from './harness/torrentedge.js';
import { makeSingleFile } from './harness/data.js';
import { makeTorrent } from './harness/make-torrent.js';
import { createWorkspace, type Workspace } from './harness/workspace.js';

interface Ready {
  ports: number[];
  seed_port: number;
  info_hash: string;
  save_path: string;
}

let ws: Workspace;
let dht: ChildProcess;
let ready: Ready;
const lines: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  ws = await createWorkspace('dht');
  const ports = await freePorts(5);
  dht = spawn('/usr/bin/python3', [join(REPO_ROOT, 'tests/integration/dht/lt_dht.py'), '--ports', ports.join(','), '--timeout', '240'], {
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  const reader = createInterface({ input: dht.stdout! });
  ready = await new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the libtorrent DHT did not come up within 60 s')), 60_000);
    reader.on('line', (line) => {
      try {
        const event = JSON.parse(line) as Record<string, unknown>;
        lines.push(event);
        if (event.type === 'ready') {
          clearTimeout(timer);
          resolve(event as unknown as Ready);
        }
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

describe('DHT with libtorrent nodes on loopback', () => {
  it('downloads a magnet with no tracker: peers and metadata found through the DHT', async () => {
    const out = await ws.dir('out');
    const ours = await startOurDownload({
      name: 'ours-dht-magnet', logDir: ws.logDir, source: `magnet:?xt=urn:btih:${ready.info_hash}`, out,
      stateDir: await ws.dir('state'), peers: [], dht: true,
      extra: ['--dht-bootstrap', `127.0.0.1:${ready.ports[0]}`],
    });
    const exit = await ours.proc.waitForExit(90_000);
    expect(exit, ours.proc.tail()).toEqual({ code: 0, signal: null });
    expect(await compareTrees(join(ready.save_path, 'dht-payload.bin'), join(out, 'dht-payload.bin'))).toEqual([]);
  }, 120_000);

  it('a libtorrent node finds our seeder through the DHT', async () => {
    const src = await ws.dir('seed-src');
    const file = await makeSingleFile(src, 'ours-in-dht.bin', 300_000);
    const torrent = await makeTorrent({ target: file, output: join(ws.root, 'ours.torrent'), trackers: [], pieceSizeLog2: 16 });
    const ours = await startOurSeeder({
      name: 'ours-dht-seed', logDir: ws.logDir, torrent: torrent.path, dir: src, stateDir: await ws.dir('seed-state'),
      dht: true, extra: ['--dht-bootstrap', `127.0.0.1:${ready.ports[0]}`],
    });
    const port = Number(ours.address.split(':').pop());
    const deadline = Date.now() + 60_000;
    let found = false;
    while (!found && Date.now() < deadline) {
      dht.stdin!.write(JSON.stringify({ cmd: 'get_peers', hash: torrent.infoHash, node: 1 }) + '\n');
      await new Promise((r) => setTimeout(r, 2_000));
      found = lines.some(
        (e) => e.type === 'peers' && e.hash === torrent.infoHash && (e.peers as [string, number][]).some(([, p]) => p === port),
      );
    }
    expect(found, `our seeder on port ${port} was not in any get_peers answer`).toBe(true);
    await ours.proc.stop();
  }, 90_000);
});
