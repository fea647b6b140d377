/**
 * Our DHT against real libtorrent DHT nodes in a private DHT on 127.0.0.1 (lt_dht.py: several
 * libtorrent sessions in one python process, one of them seeding a torrent with no tracker).
 * Our node runs over node:dgram through the Node platform, as the client will run it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDht, type Dht } from '../../../src/engine/dht/index.js';
import { fromHex, toHex } from '../../../src/engine/util/bytes.js';
import { systemClock } from '../../../src/engine/util/clock.js';
import { mathRandom } from '../../../src/engine/util/random.js';
import type { Endpoint, UdpSocket } from '../../../src/platform/interfaces/index.js';
import { createNodePlatform } from '../../../src/platform/node/index.js';
import { freePorts } from '../../interop/harness/ports.js';

const here = dirname(fileURLToPath(import.meta.url));
const NODES = 5;

interface Ready {
  ports: number[];
  seed_port: number;
  info_hash: string;
}

let python: ChildProcess;
let ready: Ready;
let stateDir: string;
let socket: UdpSocket;
let dht: Dht;
const lines: Array<Record<string, unknown>> = [];
const stderr: string[] = [];
const listeners = new Set<(message: Record<string, unknown>) => void>();

function waitFor<T>(what: string, timeoutMs: number, check: (message: Record<string, unknown>) => T | undefined): Promise<T> {
  return new Promise((resolve, reject) => {
    for (const m of lines) {
      const found = check(m);
      if (found !== undefined) return resolve(found);
    }
    const listener = (m: Record<string, unknown>): void => {
      const found = check(m);
      if (found === undefined) return;
      clearTimeout(timer);
      listeners.delete(listener);
      resolve(found);
    };
    const timer = setTimeout(() => {
      listeners.delete(listener);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${stderr.slice(-20).join('\n')}`));
    }, timeoutMs);
    listeners.add(listener);
  });
}

beforeAll(async () => {
  const ports = await freePorts(NODES);
  python = spawn('/usr/bin/python3', [join(here, 'lt_dht.py'), '--ports', ports.join(','), '--timeout', '240'], {
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  createInterface({ input: python.stdout! }).on('line', (line) => {
    try {
      const m = JSON.parse(line) as Record<string, unknown>;
      lines.push(m);
      for (const l of [...listeners]) l(m);
    } catch {
      stderr.push(line);
    }
  });
  createInterface({ input: python.stderr! }).on('line', (line) => stderr.push(line));
  ready = await waitFor('the libtorrent DHT to find its seeder', 90_000, (m) => (m['type'] === 'ready' ? (m as unknown as Ready) : undefined));

  stateDir = await mkdtemp(join(tmpdir(), 'te-dht-'));
  socket = await createNodePlatform({ stateDir }).network.bindUdp(0, '127.0.0.1');
  dht = createDht({
    send: (data, to) => socket.send(data, to),
    clock: systemClock,
    random: mathRandom,
    randomBytes: (n) => new Uint8Array(randomBytes(n)),
    bootstrap: [{ host: '127.0.0.1', port: ready.ports[0]! }],
  });
  // The client's UDP mux: datagrams starting with 'd' go to the DHT.
  socket.setHandler((data, from) => {
    if (data[0] === 0x64) dht.handlePacket(data, from);
  });
  dht.start();
}, 120_000);

afterAll(async () => {
  dht?.stop();
  socket?.close();
  if (python && python.exitCode === null) {
    python.stdin?.end();
    const exited = new Promise((r) => python.once('exit', r));
    const kill = setTimeout(() => {
      try {
        process.kill(-python.pid!, 'SIGKILL');
      } catch {
        // gone
      }
    }, 5_000);
    await exited;
    clearTimeout(kill);
  }
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
});

describe('DHT against libtorrent on 127.0.0.1', () => {
  it('finds_the_libtorrent_seeder_for_a_trackerless_torrent', async () => {
    const started = Date.now();
    const found: Endpoint[] = [];
    let resolveFound: () => void = () => undefined;
    const seen = new Promise<void>((r) => (resolveFound = r));
    const cancel = dht.lookup(fromHex(ready.info_hash), {
      onPeers: (peers) => {
        found.push(...peers);
        if (peers.some((p) => p.port === ready.seed_port)) resolveFound();
      },
    });
    const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 30_000));
    const result = await Promise.race([seen, timeout]);
    cancel();
    console.log(`[dht] found seeder in ${Date.now() - started} ms; stats ${JSON.stringify(dht.stats())}`);
    expect(result).not.toBe('timeout');
    expect(found).toContainEqual({ host: '127.0.0.1', port: ready.seed_port });
  }, 40_000);

  // libtorrent's own small DHT is sparse (each node knows two or three others at first), so the
  // last nodes are met on the bootstrap retry (`bootstrapRetryMs`) that a thin table triggers.
  it('routing_table_holds_the_libtorrent_nodes_sharing_127_0_0_1', async () => {
    const end = Date.now() + 35_000;
    while (dht.stats().nodes < NODES && Date.now() < end) await new Promise((r) => setTimeout(r, 200));
    // All five libtorrent nodes are 127.0.0.1, told apart by port: none may be merged away.
    expect(dht.stats().nodes).toBe(NODES);
    expect(dht.stats().goodNodes).toBe(NODES);
  }, 45_000);

  it('announces_a_port_that_libtorrent_get_peers_finds', async () => {
    const started = Date.now();
    const hash = new Uint8Array(randomBytes(20));
    const hex = toHex(hash);
    const ourPort = 45_000 + Math.floor(Math.random() * 10_000);
    const cancel = dht.lookup(hash, { announcePort: ourPort, onPeers: () => undefined });
    let asking = true;
    const ask = async (): Promise<void> => {
      // Each libtorrent node in turn; get_peers is retried until the announce has landed.
      for (let i = 0; asking; i++) {
        python.stdin!.write(JSON.stringify({ cmd: 'get_peers', hash: hex, node: i % NODES }) + '\n');
        await new Promise((r) => setTimeout(r, 1_500));
      }
    };
    void ask();
    try {
      const peers = await waitFor('libtorrent to find our announced port', 30_000, (m) =>
        m['type'] === 'peers' && m['hash'] === hex && (m['peers'] as Array<[string, number]>).some(([, p]) => p === ourPort) ? m['peers'] : undefined,
      );
      console.log(`[dht] libtorrent found our announce in ${Date.now() - started} ms`);
      expect(peers).toContainEqual(['127.0.0.1', ourPort]);
    } finally {
      asking = false;
      cancel();
    }
  }, 40_000);
});
