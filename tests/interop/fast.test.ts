// The fast extension (BEP 6) against a real libtorrent 2.0 seeder that never unchokes anyone
// (fixed-slots choker, 0 slots, local peers not exempt): the only pieces we can get are the
// allowed-fast pieces it offers, read from its own peer log ("==> ALLOWED_FAST [ 5 ]").
//
// Seen here: libtorrent 2.0.8 builds the set for 127.0.0.1 from all four address bytes, not
// the /24 that BEP 6 (and its test vectors) use, so its set differs from our canonical one.
// Nothing breaks: a receiver never recomputes the set, it takes the pieces as sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeSingleFile } from './harness/data.js';
import { makeTorrent } from './harness/make-torrent.js';
import { startLibtorrentLeecher, startLibtorrentSeeder } from './harness/libtorrent.js';
import { createWorkspace, type Workspace } from './harness/workspace.js';
import { Client } from '../../src/engine/session/client.js';
import { parseTorrent } from '../../src/engine/metainfo/index.js';
import { allowedFastSet } from '../../src/engine/wire/allowed-fast.js';
import { createNodePlatform } from '../../src/platform/node/index.js';
import { sha1 } from '../../src/engine/util/sha1.js';
import { readUint32BE } from '../../src/engine/util/bytes.js';

let ws: Workspace;

/** BEP 6's loop on 127.0.0.1 itself (what libtorrent 2.0.8 does for loopback), sorted. */
function allowedFastSetUnmasked(infoHash: Uint8Array, pieceCount: number, k: number): number[] {
  let x: Uint8Array = Uint8Array.of(127, 0, 0, 1, ...infoHash);
  const out: number[] = [];
  while (out.length < k) {
    x = sha1(x);
    for (let i = 0; i < 5 && out.length < k; i++) {
      const index = readUint32BE(x, i * 4) % pieceCount;
      if (!out.includes(index)) out.push(index);
    }
  }
  return out.sort((a, b) => a - b);
}

beforeAll(async () => {
  ws = await createWorkspace('fast');
});

afterAll(async () => {
  await ws?.cleanup();
});

describe('fast extension with libtorrent', () => {
  it('while libtorrent chokes us we download exactly its allowed-fast pieces, no others', async () => {
    const src = await ws.dir('src');
    const file = await makeSingleFile(src, 'fast.bin', 40 * 32 * 1024 - 123);
    const made = await makeTorrent({ target: file, output: join(ws.root, 'fast.torrent'), trackers: ['http://127.0.0.1:1/announce'], pieceSizeLog2: 15 });
    const bytes = new Uint8Array(await readFile(made.path));
    const meta = parseTorrent(bytes);
    const K = 6;
    expect(meta.pieceCount).toBe(40);

    const seeder = await startLibtorrentSeeder({ name: 'lt-choking-seed', logDir: ws.logDir, save: src, torrent: made.path, unchokeSlots: 0, allowedFast: K, peerLog: true });
    await new Promise((r) => setTimeout(r, 2_000)); // past libtorrent's first (optimistic) unchoke round
    const out = await ws.dir('out');
    const client = await Client.create({ platform: createNodePlatform({ stateDir: join(out, '.state') }), port: 0, listenHost: '127.0.0.1', dht: false, utp: false });
    try {
      const torrent = await client.add({ kind: 'torrent', bytes }, { destination: out, peers: [{ host: '127.0.0.1', port: seeder.port }] });
      const verified: number[] = [];
      torrent.on('piece', (i) => verified.push(i));
      const deadline = Date.now() + 30_000;
      while (verified.length < K && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 1_500)); // anything beyond the set would arrive now
      const offered = seeder.proc.stderrLines
        .map((line) => /==> ALLOWED_FAST \[ (\d+) \]/.exec(line)?.[1])
        .filter((x): x is string => x !== undefined)
        .map(Number)
        .sort((a, b) => a - b);
      expect(offered, seeder.proc.tail()).toHaveLength(K);
      expect(seeder.proc.stderrLines.some((line) => line.includes('==> UNCHOKE')), 'libtorrent never unchokes us').toBe(false);
      expect(verified.sort((a, b) => a - b), seeder.proc.tail()).toEqual(offered);
      // libtorrent's set for 127.0.0.1 is BEP 6's algorithm on the unmasked address (see above).
      expect(offered).toEqual(allowedFastSetUnmasked(meta.infoHash, meta.pieceCount, K));
      expect(offered).not.toEqual(allowedFastSet('127.0.0.1', meta.infoHash, meta.pieceCount, K).sort((a, b) => a - b));
      const [peer] = torrent.peerStats();
      // Interested but choked all along: lower-case 'd' (never 'D').
      expect(peer?.flags).toContain('d');
      expect(peer?.flags).not.toContain('D');
    } finally {
      await client.close();
    }
  }, 60_000);

  it('a libtorrent leecher we never unchoke fetches exactly our canonical allowed-fast set', async () => {
    const src = await ws.dir('ours-src');
    const file = await makeSingleFile(src, 'ours.bin', 40 * 32 * 1024 - 77);
    const made = await makeTorrent({ target: file, output: join(ws.root, 'ours.torrent'), trackers: ['http://127.0.0.1:1/announce'], pieceSizeLog2: 15 });
    const bytes = new Uint8Array(await readFile(made.path));
    const meta = parseTorrent(bytes);
    // Our default k is 10; libtorrent dials from 127.0.0.1, whose set we compute on 127.0.0.0/24.
    const expected = allowedFastSet('127.0.0.1', meta.infoHash, meta.pieceCount, 10).sort((a, b) => a - b);
    const client = await Client.create({ platform: createNodePlatform({ stateDir: join(src, '.state') }), port: 0, listenHost: '127.0.0.1', dht: false, utp: false, uploadSlots: 0 });
    try {
      const seeding = await client.add({ kind: 'torrent', bytes }, { destination: src });
      while (!seeding.isDone()) await new Promise((r) => setTimeout(r, 50));
      const save = await ws.dir('lt-out');
      const leecher = await startLibtorrentLeecher({ name: 'lt-choked-leech', logDir: ws.logDir, save, torrent: made.path, peers: [`127.0.0.1:${client.port}`], peerLog: true, timeoutSeconds: 60 });
      const pieces = (): number => Math.max(0, ...leecher.proc.jsonLines().filter((e) => e.type === 'progress').map((e) => Number(e.pieces)));
      const deadline = Date.now() + 30_000;
      while (pieces() < expected.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      await new Promise((r) => setTimeout(r, 2_500)); // anything beyond the set would show now
      const told = leecher.proc.stderrLines
        .map((line) => /<== ALLOWED_FAST \[ (\d+) \]/.exec(line)?.[1])
        .filter((x): x is string => x !== undefined)
        .map(Number)
        .sort((a, b) => a - b);
      expect(told, leecher.proc.tail()).toEqual(expected);
      expect(leecher.proc.stderrLines.some((line) => line.includes('<== UNCHOKE')), 'we never unchoke it').toBe(false);
      expect(pieces(), leecher.proc.tail()).toBe(expected.length);
      const [peer] = seeding.peerStats();
      expect(peer?.uploaded).toBeGreaterThanOrEqual((expected.length - 1) * 32 * 1024);
    } finally {
      await client.close();
    }
  }, 90_000);
});
