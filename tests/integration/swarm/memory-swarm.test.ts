import { describe, expect, it } from 'vitest';
import { createMemoryPlatform, MemoryHub, type MemoryPlatform } from '../../../src/platform/memory/index.js';
import { Client } from '../../../src/engine/session/client.js';
import { createTorrent, parseTorrent, toMagnet } from '../../../src/engine/metainfo/index.js';
import { WebCryptoHasher } from '../../../src/platform/webcrypto-hasher.js';
import { SeededRandom } from '../../../src/engine/util/random.js';
import { encodeHandshake, parseHandshake } from '../../../src/engine/wire/handshake.js';
import { encodeHaveAll, encodeUnchoke, encodePiece, encodeBitfield } from '../../../src/engine/wire/message-encoder.js';
import { WireParser } from '../../../src/engine/wire/message-parser.js';
import type { Torrent } from '../../../src/engine/session/torrent.js';
import type { TcpSocket } from '../../../src/platform/interfaces/index.js';

const SEEDER = { host: '10.0.0.1', port: 6881 };

function content(length: number, seed: number): Uint8Array {
  const random = new SeededRandom(seed);
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = random.int(256);
  return out;
}

const FILES = [
  { path: ['a.bin'], data: content(100_003, 1) },
  { path: ['empty.txt'], data: new Uint8Array(0) },
  { path: ['nested', 'deeper', 'b.bin'], data: content(333_333, 2) },
  { path: ['nested', 'c.bin'], data: content(70_000, 3) },
];

async function makeTorrent(): Promise<Uint8Array> {
  return createTorrent({
    name: 'sample',
    files: FILES.map((f) => ({ path: f.path, length: f.data.length })),
    singleFile: false,
    read: async (i, offset, length) => FILES[i]!.data.subarray(offset, offset + length),
    hasher: new WebCryptoHasher(),
    pieceLength: 32 * 1024,
  });
}

async function seedPlatform(hub: MemoryHub): Promise<MemoryPlatform> {
  const platform = createMemoryPlatform(hub, SEEDER.host);
  const storage = await platform.openStorage('seed');
  for (const f of FILES) {
    if (f.data.length === 0) await storage.truncate(['sample', ...f.path].join('/'), 0);
    else await storage.write(['sample', ...f.path].join('/'), 0, f.data);
  }
  return platform;
}

function whenDone(torrent: Torrent, ms = 15_000): Promise<void> {
  if (torrent.isDone()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out in state ${torrent.state}: ${JSON.stringify(torrent.stats().error ?? '')}`)), ms);
    torrent.on('done', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

async function expectSameFiles(platform: MemoryPlatform, root: string): Promise<void> {
  const storage = await platform.openStorage(root);
  for (const f of FILES) {
    const path = ['sample', ...f.path].join('/');
    expect(await storage.size(path)).toBe(f.data.length);
    // Compared as bytes: toEqual walks a 500 KB array element by element (seconds on a busy box).
    if (f.data.length > 0) expect(Buffer.from(await storage.read(path, 0, f.data.length)).equals(Buffer.from(f.data)), path).toBe(true);
  }
}

describe('a swarm in memory', () => {
  it('one seeder and three leechers (one by magnet) all finish byte-identical', async () => {
    const hub = new MemoryHub({ maxChunk: 7000 });
    const bytes = await makeTorrent();
    const seeder = await Client.create({ platform: await seedPlatform(hub), port: SEEDER.port });
    const seeding = await seeder.add({ kind: 'torrent', bytes }, { destination: 'seed' });
    await whenDone(seeding);
    expect(seeding.state).toBe('seeding');

    const leechers: { platform: MemoryPlatform; client: Client; torrent: Torrent }[] = [];
    for (let i = 0; i < 3; i++) {
      const platform = createMemoryPlatform(hub, `10.0.1.${i + 1}`);
      const client = await Client.create({ platform, port: 7000 + i });
      const source = i === 2 ? { kind: 'magnet' as const, uri: toMagnet(parseTorrent(bytes)) } : { kind: 'torrent' as const, bytes };
      const peers = [SEEDER, ...leechers.map((_, j) => ({ host: `10.0.1.${j + 1}`, port: 7000 + j }))];
      const torrent = await client.add(source, { destination: 'down', peers });
      leechers.push({ platform, client, torrent });
    }
    await Promise.all(leechers.map((l) => whenDone(l.torrent)));
    for (const l of leechers) {
      await expectSameFiles(l.platform, 'down');
      expect(l.torrent.stats().progress).toBe(1);
    }
    await Promise.all([seeder.close(), ...leechers.map((l) => l.client.close())]);
  });

  it('bans a peer that sends corrupt blocks and still finishes correctly', async () => {
    const hub = new MemoryHub();
    const bytes = await makeTorrent();
    const meta = parseTorrent(bytes);
    // A hostile peer: claims every piece, unchokes at once, answers every request with garbage.
    const liar = hub.host('10.0.0.66');
    await liar.listen(6666, '0.0.0.0', (socket: TcpSocket) => {
      const parser = new WireParser(
        (m) => {
          if (m.type === 'request') socket.write(encodePiece(m.index, m.begin, new Uint8Array(m.length).fill(0x5a)));
        },
        {
          expectHandshake: true,
          onHandshake: (h) => {
            socket.write(encodeHandshake({ infoHash: h.infoHash, peerId: new Uint8Array(20).fill(7), fast: true }));
            socket.write(encodeHaveAll());
            socket.write(encodeUnchoke());
          },
        },
      );
      // Like a plaintext-only client, it hangs up on anything that is not a BitTorrent handshake
      // (our first attempt is an MSE offer).
      const onData = (chunk: Uint8Array): void => {
        try {
          parser.push(chunk);
        } catch {
          socket.destroy();
        }
      };
      socket.setHandlers({ data: onData, close: () => undefined });
    });
    void parseHandshake;
    void encodeBitfield;

    const seeder = await Client.create({ platform: await seedPlatform(hub), port: SEEDER.port });
    await whenDone(await seeder.add({ kind: 'torrent', bytes }, { destination: 'seed' }));
    const platform = createMemoryPlatform(hub, '10.0.2.1');
    const client = await Client.create({ platform, port: 7100 });
    const torrent = await client.add({ kind: 'torrent', bytes }, { destination: 'down', peers: [{ host: '10.0.0.66', port: 6666 }, SEEDER] });
    await whenDone(torrent);
    await expectSameFiles(platform, 'down');
    expect(torrent.peerStats().map((p) => p.address)).not.toContain('10.0.0.66:6666');
    expect(meta.pieceCount).toBeGreaterThan(10);
    await Promise.all([seeder.close(), client.close()]);
  });
});
