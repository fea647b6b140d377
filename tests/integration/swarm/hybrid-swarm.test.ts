// A hybrid torrent (BEP 52 + v1) made through WebCrypto (the browser's hasher) and shared over v1
// in a swarm in memory: padding files (BEP 47) are never stored, the seeder serves their zeros
// inside pieces, and a leecher by magnet (btih + btmh) gets the hybrid info dict over ut_metadata.
import { describe, expect, it } from 'vitest';
import { Client } from '../../../src/engine/session/client.js';
import type { Torrent } from '../../../src/engine/session/torrent.js';
import { createTorrent, parseTorrent, toMagnet } from '../../../src/engine/metainfo/index.js';
import { SeededRandom } from '../../../src/engine/util/random.js';
import { createMemoryPlatform, MemoryHub, type MemoryPlatform } from '../../../src/platform/memory/index.js';
import type { MemoryFileStorage } from '../../../src/platform/memory/memory-storage.js';
import { WebCryptoHasher } from '../../../src/platform/webcrypto-hasher.js';
import { encodeHandshake } from '../../../src/engine/wire/handshake.js';
import { encodeInterested, encodeRequest } from '../../../src/engine/wire/message-encoder.js';
import { WireParser } from '../../../src/engine/wire/message-parser.js';
import { PadBlocks } from '../../../src/engine/swarm/pad-blocks.js';
import { PieceGeometry } from '../../../src/engine/swarm/piece-geometry.js';

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
  { path: ['nested', 'b.bin'], data: content(333_333, 2) },
  { path: ['small.txt'], data: content(999, 3) },
];
const CONTENT = FILES.reduce((sum, f) => sum + f.data.length, 0);
const STORED = FILES.map((f) => ['sample', ...f.path].join('/')).sort();

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

/** FILES as a hybrid (v1 + v2) torrent, 32 KiB pieces: BEP 47 padding between the files. */
function makeHybrid(): Promise<Uint8Array> {
  return createTorrent({
    name: 'sample',
    version: 'hybrid',
    files: FILES.map((f) => ({ path: f.path, length: f.data.length })),
    singleFile: false,
    read: async (i, offset, length) => FILES[i]!.data.subarray(offset, offset + length),
    hasher: new WebCryptoHasher(),
    pieceLength: 32 * 1024,
  });
}

async function storedFiles(platform: MemoryPlatform, root: string): Promise<MemoryFileStorage> {
  return (await platform.openStorage(root)) as MemoryFileStorage;
}

describe('a hybrid torrent in a swarm in memory', () => {
  it('a seeder and two leechers (one by a btih+btmh magnet) finish byte-identical with no padding stored', async () => {
    const bytes = await makeHybrid();
    const meta = parseTorrent(bytes);
    expect(meta.infoHashV2Hex).toMatch(/^[0-9a-f]{64}$/);
    expect(meta.files.filter((f) => f.padding).length).toBe(3);
    // Bytes of every block not wholly padding: content plus the padded part of partly padded blocks.
    const BLOCK = 16384;
    let requestable = 0;
    for (let i = 0; i < meta.pieceCount; i++) {
      const size = i === meta.pieceCount - 1 ? meta.lastPieceLength : meta.pieceLength;
      for (let begin = 0; begin < size; begin += BLOCK) {
        const from = i * meta.pieceLength + begin;
        const to = from + Math.min(BLOCK, size - begin);
        const allPad = meta.files.filter((f) => f.length > 0 && f.offset < to && f.offset + f.length > from).every((f) => f.padding);
        if (!allPad) requestable += to - from;
      }
    }
    expect(requestable).toBeLessThan(meta.totalLength);

    const hub = new MemoryHub({ maxChunk: 7000 });
    const seedPlatform = createMemoryPlatform(hub, SEEDER.host);
    const seedStorage = await seedPlatform.openStorage('seed');
    for (const f of FILES) {
      if (f.data.length === 0) await seedStorage.truncate(['sample', ...f.path].join('/'), 0);
      else await seedStorage.write(['sample', ...f.path].join('/'), 0, f.data);
    }
    const seeder = await Client.create({ platform: seedPlatform, port: SEEDER.port });
    const seeding = await seeder.add({ kind: 'torrent', bytes }, { destination: 'seed' });
    await whenDone(seeding);
    expect(seeding.state).toBe('seeding');

    const magnet = toMagnet(meta);
    expect(magnet).toContain(`xt=urn:btmh:1220${meta.infoHashV2Hex}`);
    const leechers: { platform: MemoryPlatform; client: Client; torrent: Torrent }[] = [];
    for (const [i, source] of [{ kind: 'torrent' as const, bytes }, { kind: 'magnet' as const, uri: magnet }].entries()) {
      const platform = createMemoryPlatform(hub, `10.0.1.${i + 1}`);
      const client = await Client.create({ platform, port: 7000 + i });
      leechers.push({ platform, client, torrent: await client.add(source, { destination: 'down', peers: [SEEDER] }) });
    }
    await Promise.all(leechers.map((l) => whenDone(l.torrent)));
    for (const l of leechers) {
      const storage = await storedFiles(l.platform, 'down');
      expect(storage.list()).toEqual(STORED);
      for (const f of FILES) {
        const stored = storage.peek(['sample', ...f.path].join('/'))!;
        expect(Buffer.from(stored).equals(Buffer.from(f.data)), f.path.join('/')).toBe(true);
      }
      const stats = l.torrent.stats();
      expect(stats.progress).toBe(1);
      // BEP 47: blocks wholly in padding are never requested. What comes over the wire is the
      // content plus the padded tails of the blocks where a file ends (at most a block per file).
      expect(stats.totalLength).toBe(CONTENT);
      expect(stats.verifiedLength).toBe(CONTENT);
      expect(stats.downloaded).toBeGreaterThanOrEqual(CONTENT);
      expect(stats.downloaded).toBeLessThanOrEqual(requestable);
      expect(stats.downloaded).toBeLessThan(meta.totalLength);
      expect(l.torrent.meta?.infoHashV2Hex).toBe(meta.infoHashV2Hex);
    }
    expect((await storedFiles(seedPlatform, 'seed')).list()).toEqual(STORED);
    await Promise.all([seeder.close(), ...leechers.map((l) => l.client.close())]);
  });

  it('a seeder serves blocks that lie in padding to a peer that asks for them: zeros (BEP 47)', async () => {
    const bytes = await makeHybrid();
    const meta = parseTorrent(bytes);
    // The torrent's whole byte stream, padding as zeros, to compare what is served against.
    const stream = new Uint8Array(meta.totalLength);
    for (const f of FILES) stream.set(f.data, meta.files.find((m) => m.path === ['sample', ...f.path].join('/'))!.offset);
    const pads = new PadBlocks(new PieceGeometry(meta.pieceCount, meta.pieceLength, meta.lastPieceLength, 16384), meta.files);
    // One block wholly in padding, and the partly padded block just before it.
    const index = [...Array(meta.pieceCount).keys()].find((i) => pads.runs(i).length > 0)!;
    const padBlock = pads.runs(index)[0]!.first;
    expect(padBlock).toBeGreaterThan(0);
    const asks = [padBlock, padBlock - 1].map((b) => ({ begin: b * 16384, length: Math.min(16384, (index === meta.pieceCount - 1 ? meta.lastPieceLength : meta.pieceLength) - b * 16384) }));
    const expected = asks.map((a) => stream.subarray(index * meta.pieceLength + a.begin, index * meta.pieceLength + a.begin + a.length));
    expect(expected[0]!.every((b) => b === 0)).toBe(true);
    expect(expected[1]!.some((b) => b !== 0)).toBe(true);

    const hub = new MemoryHub();
    const seedPlatform = createMemoryPlatform(hub, SEEDER.host);
    const seedStorage = await seedPlatform.openStorage('seed');
    for (const f of FILES) {
      if (f.data.length === 0) await seedStorage.truncate(['sample', ...f.path].join('/'), 0);
      else await seedStorage.write(['sample', ...f.path].join('/'), 0, f.data);
    }
    const seeder = await Client.create({ platform: seedPlatform, port: SEEDER.port, dht: false, utp: false, pex: false, lsd: false });
    await whenDone(await seeder.add({ kind: 'torrent', bytes }, { destination: 'seed' }));

    const got = new Map<number, Uint8Array>();
    let unchoked = false;
    const socket = await hub.host('10.0.0.77').connect({ host: SEEDER.host, port: SEEDER.port });
    const parser = new WireParser(
      (m) => {
        if (m.type === 'unchoke' && !unchoked) {
          unchoked = true;
          for (const a of asks) socket.write(encodeRequest(index, a.begin, a.length));
        } else if (m.type === 'piece' && m.index === index) got.set(m.begin, m.block.slice());
      },
      { expectHandshake: true, pieceCount: meta.pieceCount },
    );
    socket.setHandlers({ data: (chunk) => parser.push(chunk), close: () => undefined });
    socket.write(encodeHandshake({ infoHash: meta.infoHash, peerId: new Uint8Array(20).fill(0x77), fast: true }));
    socket.write(encodeInterested());
    const end = Date.now() + 10_000;
    while (got.size < asks.length && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 10));
    expect([...got.keys()].sort((a, b) => a - b)).toEqual(asks.map((a) => a.begin).sort((a, b) => a - b));
    asks.forEach((a, k) => expect(Buffer.from(got.get(a.begin)!).equals(Buffer.from(expected[k]!)), `block at ${a.begin}`).toBe(true));
    socket.destroy();
    await seeder.close();
  });
});
