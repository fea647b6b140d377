/**
 * LSD (BEP 14) through the whole client on the memory platform's multicast: two clients that are
 * told of no peer find each other, and private torrents are never announced.
 */
import { describe, expect, it } from 'vitest';
import { createMemoryPlatform, MemoryHub } from '../../../src/platform/memory/index.js';
import { Client } from '../../../src/engine/session/client.js';
import { createTorrent } from '../../../src/engine/metainfo/index.js';
import type { Torrent } from '../../../src/engine/session/torrent.js';
import { LSD_IPV4_GROUP } from '../../../src/engine/lsd/index.js';
import { WebCryptoHasher } from '../../../src/platform/webcrypto-hasher.js';
import { SeededRandom } from '../../../src/engine/util/random.js';

const DATA = (() => {
  const random = new SeededRandom(4);
  return Uint8Array.from({ length: 300_000 }, () => random.int(256));
})();

async function torrentBytes(isPrivate: boolean): Promise<Uint8Array> {
  return createTorrent({
    name: 'lsd.bin',
    files: [{ path: ['lsd.bin'], length: DATA.length }],
    singleFile: true,
    read: async (_i, offset, length) => DATA.subarray(offset, offset + length),
    hasher: new WebCryptoHasher(),
    pieceLength: 32 * 1024,
    ...(isPrivate ? { private: true } : {}),
  });
}

function whenDone(torrent: Torrent, ms = 15_000): Promise<void> {
  if (torrent.isDone()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out in state ${torrent.state}`)), ms);
    torrent.on('done', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

async function sniff(hub: MemoryHub): Promise<string[]> {
  const packets: string[] = [];
  const socket = await hub.host('10.9.9.9').bindMulticast!({ group: LSD_IPV4_GROUP.host, port: LSD_IPV4_GROUP.port, ttl: 1, loopback: true });
  socket.setHandler((data) => packets.push(String.fromCharCode(...data)));
  return packets;
}

describe('LSD through the client (memory multicast)', () => {
  it('a leecher told of no peer finds the seeder by LSD and finishes; the peer is marked lsd', async () => {
    const hub = new MemoryHub();
    const packets = await sniff(hub);
    const bytes = await torrentBytes(false);
    const seedPlatform = createMemoryPlatform(hub, '10.0.0.1');
    await (await seedPlatform.openStorage('seed')).write('lsd.bin', 0, DATA);
    const seeder = await Client.create({ platform: seedPlatform, port: 6881, dht: false, lsd: true });
    const seeding = await seeder.add({ kind: 'torrent', bytes }, { destination: 'seed' });
    await whenDone(seeding);
    const leecher = await Client.create({ platform: createMemoryPlatform(hub, '10.0.0.2'), port: 7000, dht: false, lsd: true });
    const torrent = await leecher.add({ kind: 'torrent', bytes }, { destination: 'down' });
    await whenDone(torrent);
    const peers = torrent.peerStats();
    // Whoever heard the other first dialed: either the leecher's peer came from LSD, or the seeder's.
    const sources = [...peers.map((p) => p.source), ...seeding.peerStats().map((p) => p.source)];
    expect(sources).toContain('lsd');
    expect(packets.some((p) => p.includes(`Infohash: ${seeding.infoHashHex}`) && p.includes('Port: 6881'))).toBe(true);
    expect(packets.some((p) => p.includes('Port: 7000'))).toBe(true);
    await Promise.all([seeder.close(), leecher.close()]);
  });

  it('never announces a private torrent (BEP 27), and ignores LSD peers for it', async () => {
    const hub = new MemoryHub();
    const packets = await sniff(hub);
    const bytes = await torrentBytes(true);
    const platform = createMemoryPlatform(hub, '10.0.0.1');
    await (await platform.openStorage('seed')).write('lsd.bin', 0, DATA);
    const client = await Client.create({ platform, port: 6881, dht: false, lsd: true });
    const torrent = await client.add({ kind: 'torrent', bytes }, { destination: 'seed' });
    await whenDone(torrent);
    expect(torrent.isPrivate).toBe(true);
    // Someone else announces it: the client must not dial.
    let dialed = 0;
    await hub.host('10.0.0.5').listen(5555, '0.0.0.0', (socket) => {
      dialed++;
      socket.destroy();
    });
    const raw = await hub.host('10.0.0.5').bindUdp(1234, '0.0.0.0');
    raw.send(Uint8Array.from(`BT-SEARCH * HTTP/1.1\r\nHost: 239.192.152.143:6771\r\nPort: 5555\r\nInfohash: ${torrent.infoHashHex}\r\n\r\n\r\n`, (c) => c.charCodeAt(0)), LSD_IPV4_GROUP);
    await new Promise((r) => setTimeout(r, 200));
    expect(packets.filter((p) => p.startsWith('BT-SEARCH') && !p.includes('Port: 5555'))).toEqual([]);
    expect(dialed).toBe(0);
    await client.close();
  });
});
