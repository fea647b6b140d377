/**
 * A torrent whose only source is a web seed (BEP 19): the whole Client over the Node platform,
 * a real HTTP server on 127.0.0.1 with Range support, no peers, no trackers.
 */
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../../src/engine/session/client.js';
import { createTorrent } from '../../../src/engine/metainfo/index.js';
import { createNodePlatform } from '../../../src/platform/node/index.js';
import { NodeHasher } from '../../../src/platform/node/node-hasher.js';
import type { Torrent } from '../../../src/engine/session/torrent.js';

const files = new Map<string, Uint8Array>();
let server: Server;
let base: string;
let work: string;

function content(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'te-webseed-'));
  server = createServer((req, res) => {
    const body = files.get(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    if (!body) return void res.writeHead(404).end();
    const match = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
    if (!match) return void res.writeHead(200, { 'content-length': body.length }).end(body);
    const start = Number(match[1]);
    const end = Math.min(Number(match[2]), body.length - 1);
    res.writeHead(206, { 'content-range': `bytes ${start}-${end}/${body.length}`, 'content-length': end - start + 1 });
    res.end(body.subarray(start, end + 1));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(work, { recursive: true, force: true });
});

function whenDone(torrent: Torrent): Promise<void> {
  return new Promise((resolve, reject) => {
    if (torrent.isDone()) return resolve();
    const timer = setTimeout(() => reject(new Error(`not done: ${torrent.state} ${torrent.stats().progress}`)), 20_000);
    torrent.on('done', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

async function download(torrentBytes: Uint8Array, out: string): Promise<void> {
  const platform = createNodePlatform({ stateDir: join(out, '.state') });
  const client = await Client.create({ platform, port: 0, listenHost: '127.0.0.1', dht: false, utp: false });
  try {
    const torrent = await client.add({ kind: 'torrent', bytes: torrentBytes }, { destination: out });
    await whenDone(torrent);
  } finally {
    await client.close();
  }
}

describe('a web seed as the only source', () => {
  it('single-file torrent: the url-list entry is the file itself', async () => {
    const data = content(3 * 1024 * 1024 + 12345, 1);
    files.set('/files/movie.bin', data);
    const bytes = await createTorrent({
      name: 'movie.bin', files: [{ path: ['movie.bin'], length: data.length }], singleFile: true,
      read: async (_i, o, l) => data.subarray(o, o + l), hasher: new NodeHasher(), pieceLength: 256 * 1024,
      urlList: [`${base}/files/movie.bin`],
    });
    const out = join(work, 'single');
    await download(bytes, out);
    expect(Buffer.from(await readFile(join(out, 'movie.bin'))).equals(Buffer.from(data))).toBe(true);
  });

  it('multi-file torrent: <url>/<name>/<path>, pieces spanning files, an odd name', async () => {
    const parts = [
      { path: ['a.bin'], data: content(700_001, 2) },
      { path: ['sub dir', 'b #1.bin'], data: content(123_457, 3) },
      { path: ['c.bin'], data: content(1_000_000, 4) },
    ];
    for (const p of parts) files.set(`/seed/album/${p.path.join('/')}`, p.data);
    const bytes = await createTorrent({
      name: 'album', files: parts.map((p) => ({ path: p.path, length: p.data.length })), singleFile: false,
      read: async (i, o, l) => parts[i]!.data.subarray(o, o + l), hasher: new NodeHasher(), pieceLength: 64 * 1024,
      urlList: [`${base}/seed/`],
    });
    const out = join(work, 'multi');
    await download(bytes, out);
    for (const p of parts) {
      const got = await readFile(join(out, 'album', ...p.path));
      expect(Buffer.from(got).equals(Buffer.from(p.data))).toBe(true);
    }
  });
});
