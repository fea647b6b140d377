/**
 * Streaming a file end to end in memory: our client downloads from a scripted raw seeder that
 * records every REQUEST. A read in the middle of the file is what gets requested first, it
 * returns the right bytes as soon as its pieces verify, and a closed stream or an aborted read
 * ends its waiting read with an error instead of hanging.
 */
import { describe, expect, it } from 'vitest';
import { createMemoryPlatform, MemoryHub } from '../../../src/platform/memory/index.js';
import { Client } from '../../../src/engine/session/client.js';
import { createTorrent } from '../../../src/engine/metainfo/index.js';
import { WebCryptoHasher } from '../../../src/platform/webcrypto-hasher.js';
import { SeededRandom } from '../../../src/engine/util/random.js';
import { encodeHandshake } from '../../../src/engine/wire/handshake.js';
import { encodeHaveAll, encodePiece, encodeUnchoke } from '../../../src/engine/wire/message-encoder.js';
import type { WireMessage } from '../../../src/engine/wire/messages.js';
import { WireParser } from '../../../src/engine/wire/message-parser.js';
import type { TcpSocket } from '../../../src/platform/interfaces/index.js';

const PIECE = 32 * 1024;
const PIECES = 40;
const DATA = (() => {
  const random = new SeededRandom(11);
  const out = new Uint8Array(PIECE * PIECES - 777);
  for (let i = 0; i < out.length; i++) out[i] = random.int(256);
  return out;
})();

function makeTorrent(): Promise<Uint8Array> {
  return createTorrent({
    name: 'movie.bin',
    files: [{ path: ['movie.bin'], length: DATA.length }],
    singleFile: true,
    read: async (_i, offset, length) => DATA.subarray(offset, offset + length),
    hasher: new WebCryptoHasher(),
    pieceLength: PIECE,
  });
}

/** A seed that unchokes on INTERESTED and answers requests only while `serving` is on. */
class ScriptedSeed {
  readonly requests: { index: number; begin: number; length: number }[] = [];
  readonly cancels: { index: number; begin: number; length: number }[] = [];
  serving = true;
  private held: { index: number; begin: number; length: number }[] = [];
  private socket: TcpSocket | undefined;

  async listen(hub: MemoryHub, host: string, port: number): Promise<void> {
    await hub.host(host).listen(port, '0.0.0.0', (socket) => {
      this.socket = socket;
      const parser = new WireParser((m: WireMessage) => this.onMessage(socket, m), {
        expectHandshake: true,
        onHandshake: (h) => {
          socket.write(encodeHandshake({ infoHash: h.infoHash, peerId: new Uint8Array(20).fill(9), fast: true }));
          socket.write(encodeHaveAll());
        },
      });
      socket.setHandlers({
        data: (chunk) => {
          try {
            parser.push(chunk);
          } catch {
            socket.destroy();
          }
        },
        close: () => undefined,
      });
    });
  }

  release(): void {
    this.serving = true;
    for (const r of this.held.splice(0)) this.answer(this.socket!, r);
  }

  private onMessage(socket: TcpSocket, m: WireMessage): void {
    if (m.type === 'interested') socket.write(encodeUnchoke());
    if (m.type === 'cancel') {
      this.cancels.push({ index: m.index, begin: m.begin, length: m.length });
      this.held = this.held.filter((r) => r.index !== m.index || r.begin !== m.begin);
    }
    if (m.type !== 'request') return;
    const r = { index: m.index, begin: m.begin, length: m.length };
    this.requests.push(r);
    if (this.serving) this.answer(socket, r);
    else this.held.push(r);
  }

  private answer(socket: TcpSocket, r: { index: number; begin: number; length: number }): void {
    const at = r.index * PIECE + r.begin;
    socket.write(encodePiece(r.index, r.begin, DATA.subarray(at, at + r.length)));
  }
}

async function setup(serving: boolean) {
  const hub = new MemoryHub({ maxChunk: 4000 });
  const seed = new ScriptedSeed();
  seed.serving = serving;
  await seed.listen(hub, '10.0.0.9', 7000);
  const client = await Client.create({ platform: createMemoryPlatform(hub, '10.0.1.1'), port: 7001, dht: false, lsd: false });
  const torrent = await client.add({ kind: 'torrent', bytes: await makeTorrent() }, { destination: 'down', peers: [{ host: '10.0.0.9', port: 7000 }] });
  return { seed, client, torrent };
}

describe('file streams (Torrent.openStream)', () => {
  it('a read in the middle is requested first and returns the right bytes once its pieces verify', async () => {
    const { seed, client, torrent } = await setup(true);
    const stream = torrent.openStream(0);
    expect(stream.length).toBe(DATA.length);
    const offset = 25 * PIECE + 100;
    const bytes = await stream.read(offset, 40_000);
    expect(bytes).toEqual(DATA.subarray(offset, offset + 40_000));
    // The first requests are the pieces under the read (25, 26), then the file in order.
    expect(seed.requests.slice(0, 4).map((r) => r.index)).toEqual([25, 25, 26, 26]);
    const firstPieces = [...new Set(seed.requests.map((r) => r.index))].slice(0, 15);
    expect(firstPieces).toEqual(Array.from({ length: 15 }, (_, k) => 25 + k));
    // The last piece is short: a read across the end is cut there.
    const tail = await stream.read(DATA.length - 10, 100);
    expect(tail).toEqual(DATA.subarray(DATA.length - 10));
    expect(await stream.read(DATA.length, 10)).toEqual(new Uint8Array(0));
    stream.close();
    await client.close();
  });

  it('a seek (a second read elsewhere) moves the front of the queue there, cancelling requests outside the new window', async () => {
    const { seed, client, torrent } = await setup(false);
    const stream = torrent.openStream(0);
    const first = stream.read(0, 1000);
    await waitUntil(() => seed.requests.length > 0, 'the first requests');
    expect(seed.requests[0]!.index).toBe(0);
    const before = seed.requests.length;
    const seekTo = 30 * PIECE;
    const second = stream.read(seekTo, 1000);
    // Requests the seek made obsolete were cancelled; the first read's piece and the new window were not.
    await waitUntil(() => seed.cancels.length > 0, 'CANCEL after the seek');
    const cancelled = new Set(seed.cancels.map((c) => c.index));
    expect(cancelled.has(0)).toBe(false);
    expect([...cancelled].some((i) => i >= 30)).toBe(false);
    for (const c of seed.cancels) expect(c.length).toBe(c.index === PIECES - 1 && c.begin > 0 ? PIECE - 777 - c.begin : 16384);
    seed.release();
    expect(await first).toEqual(DATA.subarray(0, 1000));
    expect(await second).toEqual(DATA.subarray(seekTo, seekTo + 1000));
    // After the seek, the first piece asked that had not been asked before is 30.
    const asked = new Set(seed.requests.slice(0, before).map((r) => r.index));
    const next = seed.requests.slice(before).find((r) => !asked.has(r.index));
    expect(next?.index).toBe(30);
    stream.close();
    await client.close();
  });

  it('closing the stream, or aborting a read, ends the waiting read with an error', async () => {
    const { client, torrent } = await setup(false);
    const stream = torrent.openStream(0);
    const pending = stream.read(10 * PIECE, 100);
    stream.close('player gone');
    await expect(pending).rejects.toThrow('player gone');
    await expect(stream.read(0, 1)).rejects.toThrow(/closed/);

    const other = torrent.openStream(0);
    const controller = new AbortController();
    const aborted = other.read(12 * PIECE, 100, controller.signal);
    controller.abort();
    await expect(aborted).rejects.toThrow(/cancelled/);
    other.close();
    await client.close();
  });

  it('pausing fails the waiting read and refuses reads of missing pieces at once; verified bytes still read; resuming serves again', async () => {
    const { seed, client, torrent } = await setup(true);
    const stream = torrent.openStream(0);
    expect(await stream.read(0, 1000)).toEqual(DATA.subarray(0, 1000));
    seed.serving = false;
    const pending = stream.read(20 * PIECE, 100);
    await waitUntil(() => seed.requests.some((r) => r.index === 20), 'the request for piece 20');
    torrent.pause();
    await expect(pending).rejects.toThrow('the torrent is paused: resume it to play the rest of this file');
    await expect(stream.read(30 * PIECE, 100)).rejects.toThrow(/paused/);
    expect(await stream.read(0, 1000)).toEqual(DATA.subarray(0, 1000));
    seed.serving = true;
    torrent.resume();
    expect(await stream.read(30 * PIECE, 100)).toEqual(DATA.subarray(30 * PIECE, 30 * PIECE + 100));
    stream.close();
    await client.close();
  });

  it('bad reads and bad files are refused with a clear error', async () => {
    const { client, torrent } = await setup(false);
    expect(() => torrent.openStream(3)).toThrow(/no file 3/);
    const stream = torrent.openStream(0);
    await expect(stream.read(-1, 10)).rejects.toThrow(/bad read/);
    await expect(stream.read(DATA.length + 1, 10)).rejects.toThrow(/past the end/);
    await expect(stream.read(0, 64 * 1024 * 1024)).rejects.toThrow(/at most/);
    stream.close();
    await client.close();
  });
});

async function waitUntil(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
