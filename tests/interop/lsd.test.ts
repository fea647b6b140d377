// Local service discovery (BEP 14) over real multicast, kept on this machine: every member joins
// 239.192.152.143:6771 on the loopback interface (127.0.0.1) and sends from it, so no datagram
// leaves lo (its MULTICAST flag is off, yet Linux delivers group traffic on it when the
// interface is named). libtorrent does the same when it listens on 127.0.0.1 only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { compareTrees, makeSingleFile } from './harness/data.js';
import { makeTorrent, type MadeTorrent } from './harness/make-torrent.js';
import { startLibtorrentLeecher, startLibtorrentSeeder } from './harness/libtorrent.js';
import { startOurDownload, startOurSeeder } from './harness/torrentedge.js';
import { createWorkspace, type Workspace } from './harness/workspace.js';
import { LocalDiscovery, LSD_IPV4_GROUP } from '../../src/engine/lsd/index.js';
import { bindNodeMulticast } from '../../src/platform/node/node-network.js';
import { systemClock } from '../../src/engine/util/clock.js';
import { mathRandom } from '../../src/engine/util/random.js';
import type { Endpoint } from '../../src/platform/interfaces/index.js';

const LOOPBACK_LSD = ['--lsd-interface', '127.0.0.1'];
let ws: Workspace;

beforeAll(async () => {
  ws = await createWorkspace('lsd');
});

afterAll(async () => {
  await ws?.cleanup();
});

async function makeData(label: string, size: number): Promise<{ src: string; file: string; torrent: MadeTorrent }> {
  const src = await ws.dir(`${label}-src`);
  const file = await makeSingleFile(src, `${label}.bin`, size);
  // mktorrent insists on a tracker; nothing listens on port 1, so LSD is the only peer source.
  const torrent = await makeTorrent({ target: file, output: join(ws.root, `${label}.torrent`), trackers: ['http://127.0.0.1:1/announce'], pieceSizeLog2: 16 });
  return { src, file, torrent };
}

async function loopbackDiscovery(port: number, onPeer: (hash: string, peer: Endpoint) => void): Promise<LocalDiscovery> {
  const socket = await bindNodeMulticast({ group: LSD_IPV4_GROUP.host, port: LSD_IPV4_GROUP.port, interfaceAddress: '127.0.0.1', ttl: 1, loopback: true });
  return new LocalDiscovery({ socket, group: LSD_IPV4_GROUP, clock: systemClock, random: mathRandom, listenPort: () => port, onPeer });
}

describe('LSD over multicast on loopback', () => {
  it('ours to ours: a `download --lsd-interface 127.0.0.1` told of no peer finds our seeder and finishes', async () => {
    const { src, file, torrent } = await makeData('ours', 2 * 1024 * 1024 + 77);
    await startOurSeeder({ name: 'our-lsd-seed', logDir: ws.logDir, torrent: torrent.path, dir: src, stateDir: await ws.dir('seed-state'), extra: LOOPBACK_LSD });
    const out = await ws.dir('ours-out');
    const leech = await startOurDownload({ name: 'our-lsd-leech', logDir: ws.logDir, source: torrent.path, out, stateDir: await ws.dir('leech-state'), extra: LOOPBACK_LSD });
    expect(await leech.proc.waitForExit(60_000), leech.proc.tail()).toEqual({ code: 0, signal: null });
    expect(await compareTrees(file, join(out, 'ours.bin'))).toEqual([]);
  }, 90_000);

  it("we parse libtorrent's announce: its infohash at 127.0.0.1 and its listening port", async () => {
    const { src, torrent } = await makeData('lt-announce', 200_000);
    const heard: Array<[string, Endpoint]> = [];
    const lsd = await loopbackDiscovery(1, (hash, peer) => heard.push([hash, peer]));
    try {
      const seeder = await startLibtorrentSeeder({ name: 'lt-lsd-announcer', logDir: ws.logDir, save: src, torrent: torrent.path, lsd: true });
      const deadline = Date.now() + 20_000;
      while (!heard.some(([hash]) => hash === torrent.infoHash) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(heard, seeder.proc.tail()).toContainEqual([torrent.infoHash, { host: '127.0.0.1', port: seeder.port }]);
      expect(lsd.counters.malformed).toBe(0);
    } finally {
      lsd.stop();
    }
  }, 60_000);

  it('libtorrent parses ours: a libtorrent leecher with no peers dials the port we announce', async () => {
    const { torrent } = await makeData('lt-hears', 200_000);
    const dialed: string[] = [];
    const server: Server = createServer((socket) => {
      dialed.push(`${socket.remoteAddress}`);
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const heard: string[] = [];
    const lsd = await loopbackDiscovery(port, (hash) => heard.push(hash));
    try {
      const save = await ws.dir('lt-hears-out');
      const leecher = await startLibtorrentLeecher({ name: 'lt-lsd-listener', logDir: ws.logDir, save, torrent: torrent.path, lsd: true, timeoutSeconds: 40 });
      // An announce sent before libtorrent's LSD socket exists is lost (UDP): wait until it
      // announces itself, which shows it is listening on the group, then send our one announce.
      const ready = Date.now() + 20_000;
      while (!heard.includes(torrent.infoHash) && Date.now() < ready) await new Promise((r) => setTimeout(r, 50));
      expect(heard, leecher.proc.tail()).toContain(torrent.infoHash);
      lsd.add(torrent.infoHash);
      const deadline = Date.now() + 30_000;
      while (dialed.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(dialed, leecher.proc.tail()).toContain('127.0.0.1');
      expect(lsd.counters.sent).toBe(1);
    } finally {
      lsd.stop();
      server.close();
    }
  }, 60_000);

  it('libtorrent seeder to our `download --lsd-interface 127.0.0.1`, byte-identical', async () => {
    const { src, file, torrent } = await makeData('lt-seed', 3 * 1024 * 1024 + 5);
    await startLibtorrentSeeder({ name: 'lt-lsd-seed', logDir: ws.logDir, save: src, torrent: torrent.path, lsd: true });
    const out = await ws.dir('lt-seed-out');
    const leech = await startOurDownload({ name: 'our-lsd-from-lt', logDir: ws.logDir, source: torrent.path, out, stateDir: await ws.dir('lt-seed-state'), extra: LOOPBACK_LSD });
    expect(await leech.proc.waitForExit(60_000), leech.proc.tail()).toEqual({ code: 0, signal: null });
    expect(await compareTrees(file, join(out, 'lt-seed.bin'))).toEqual([]);
  }, 90_000);
});
