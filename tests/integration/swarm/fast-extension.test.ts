/**
 * The BEP 6 fast extension end to end in memory: our client against a scripted raw peer that
 * speaks the wire protocol byte by byte, so every ALLOWED_FAST, SUGGEST, REQUEST and REJECT is
 * seen exactly as sent.
 */
import { describe, expect, it } from 'vitest';
import { createMemoryPlatform, MemoryHub, type MemoryPlatform } from '../../../src/platform/memory/index.js';
import { Client } from '../../../src/engine/session/client.js';
import { createTorrent, parseTorrent } from '../../../src/engine/metainfo/index.js';
import type { Torrent } from '../../../src/engine/session/torrent.js';
import { WebCryptoHasher } from '../../../src/platform/webcrypto-hasher.js';
import { SeededRandom } from '../../../src/engine/util/random.js';
import { encodeHandshake } from '../../../src/engine/wire/handshake.js';
import {
  encodeAllowedFast,
  encodeCancel,
  encodeHaveAll,
  encodeHaveNone,
  encodePiece,
  encodeReject,
  encodeRequest,
  encodeSuggest,
  encodeUnchoke,
} from '../../../src/engine/wire/message-encoder.js';
import type { WireMessage } from '../../../src/engine/wire/messages.js';
import { WireParser } from '../../../src/engine/wire/message-parser.js';
import { allowedFastSet } from '../../../src/engine/wire/allowed-fast.js';
import type { TcpSocket } from '../../../src/platform/interfaces/index.js';

const PIECE = 32 * 1024;
const PIECES = 20;
const DATA = (() => {
  const random = new SeededRandom(9);
  const out = new Uint8Array(PIECE * PIECES - 1000);
  for (let i = 0; i < out.length; i++) out[i] = random.int(256);
  return out;
})();

async function makeTorrent(): Promise<Uint8Array> {
  return createTorrent({
    name: 'fast.bin',
    files: [{ path: ['fast.bin'], length: DATA.length }],
    singleFile: true,
    read: async (_i, offset, length) => DATA.subarray(offset, offset + length),
    hasher: new WebCryptoHasher(),
    pieceLength: PIECE,
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

/** A raw peer on one socket: records every message, lets the test answer. */
class RawPeer {
  readonly messages: WireMessage[] = [];
  private waiters: Array<() => void> = [];
  private readonly parser: WireParser;

  constructor(
    readonly socket: TcpSocket,
    options: { expectHandshake: boolean; onHandshake?: (infoHash: Uint8Array) => void; onMessage?: (m: WireMessage) => void },
  ) {
    this.parser = new WireParser(
      (m) => {
        const copy = m.type === 'piece' ? { ...m, block: m.block.slice() } : m.type === 'bitfield' ? { ...m, bits: m.bits.slice() } : m;
        this.messages.push(copy);
        options.onMessage?.(copy);
        for (const w of this.waiters.splice(0)) w();
      },
      { expectHandshake: true, onHandshake: (h) => options.onHandshake?.(h.infoHash) },
    );
    // Like a plaintext-only client, hang up on anything that is not a BitTorrent handshake
    // (our client's first attempt when dialing is an MSE offer).
    socket.setHandlers({
      data: (chunk) => {
        try {
          this.parser.push(chunk);
        } catch {
          socket.destroy();
        }
      },
      close: () => undefined,
    });
  }

  of<T extends WireMessage['type']>(type: T): Extract<WireMessage, { type: T }>[] {
    return this.messages.filter((m): m is Extract<WireMessage, { type: T }> => m.type === type);
  }

  async waitFor(check: () => boolean, what: string, ms = 5_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got ${this.messages.map((m) => m.type).join(',')}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }
}

async function seeder(hub: MemoryHub, bytes: Uint8Array): Promise<{ client: Client; platform: MemoryPlatform }> {
  const platform = createMemoryPlatform(hub, '10.0.0.1');
  const storage = await platform.openStorage('seed');
  await storage.write('fast.bin', 0, DATA);
  const client = await Client.create({ platform, port: 6881, dht: false, lsd: false });
  await whenDone(await client.add({ kind: 'torrent', bytes }, { destination: 'seed' }));
  return { client, platform };
}

describe('fast extension (BEP 6) against a raw peer', () => {
  it('a seeder sends the canonical allowed-fast set and serves it to a choked peer, rejecting the rest', async () => {
    const hub = new MemoryHub({ maxChunk: 3000 });
    const bytes = await makeTorrent();
    const meta = parseTorrent(bytes);
    const { client } = await seeder(hub, bytes);

    // Never INTERESTED, so the seeder never unchokes it.
    const socket = await hub.host('10.0.3.7').connect({ host: '10.0.0.1', port: 6881 });
    const peer = new RawPeer(socket, { expectHandshake: true });
    socket.write(encodeHandshake({ infoHash: meta.infoHash, peerId: new Uint8Array(20).fill(3), fast: true }));
    socket.write(encodeHaveNone());

    const expected = allowedFastSet('10.0.3.7', meta.infoHash, meta.pieceCount, 10);
    await peer.waitFor(() => peer.of('allowed-fast').length >= 10, 'ten ALLOWED_FAST');
    expect(peer.of('have-all')).toHaveLength(1);
    expect(peer.of('allowed-fast').map((m) => m.index)).toEqual(expected);
    expect(peer.of('unchoke')).toHaveLength(0);

    const allowed = expected[0]!;
    const refused = [...Array(meta.pieceCount).keys()].find((i) => !expected.includes(i))!;
    socket.write(encodeRequest(allowed, 16384, 16384));
    socket.write(encodeRequest(refused, 0, 16384));
    await peer.waitFor(() => peer.of('piece').length === 1 && peer.of('reject').length === 1, 'one PIECE and one REJECT');
    const piece = peer.of('piece')[0]!;
    expect([piece.index, piece.begin]).toEqual([allowed, 16384]);
    expect(piece.block).toEqual(DATA.subarray(allowed * PIECE + 16384, allowed * PIECE + 32768));
    expect(peer.of('reject')[0]).toMatchObject({ index: refused, begin: 0, length: 16384 });
    expect(peer.of('unchoke')).toHaveLength(0);
    socket.destroy();
    await client.close();
  });

  it('a cancelled request still gets its one answer (REJECT or PIECE)', async () => {
    const hub = new MemoryHub();
    const bytes = await makeTorrent();
    const meta = parseTorrent(bytes);
    const { client } = await seeder(hub, bytes);
    const socket = await hub.host('10.0.3.8').connect({ host: '10.0.0.1', port: 6881 });
    const peer = new RawPeer(socket, { expectHandshake: true });
    socket.write(encodeHandshake({ infoHash: meta.infoHash, peerId: new Uint8Array(20).fill(4), fast: true }));
    socket.write(encodeHaveNone());
    await peer.waitFor(() => peer.of('allowed-fast').length >= 10, 'ALLOWED_FAST');
    const index = peer.of('allowed-fast')[1]!.index;
    const requests = 40; // more than the reads in flight, so some are still queued at the cancel
    for (let i = 0; i < requests; i++) socket.write(encodeRequest(index, 0, 16384));
    socket.write(encodeCancel(index, 0, 16384));
    await peer.waitFor(() => peer.of('piece').length + peer.of('reject').length === requests, `${requests} answers`);
    expect(peer.of('reject').length).toBeGreaterThanOrEqual(1);
    socket.destroy();
    await client.close();
  });

  it('a choked leecher downloads exactly the pieces a seeder allows fast, and follows SUGGEST once unchoked', async () => {
    const hub = new MemoryHub({ maxChunk: 5000 });
    const bytes = await makeTorrent();
    const meta = parseTorrent(bytes);
    const ALLOWED = [3, 11, 17];
    const SUGGESTED = 8;
    let peer: RawPeer | undefined;
    let unchoked = false;
    await hub.host('10.0.0.77').listen(7777, '0.0.0.0', (socket) => {
      peer = new RawPeer(socket, {
        expectHandshake: true,
        onHandshake: (infoHash) => {
          socket.write(encodeHandshake({ infoHash, peerId: new Uint8Array(20).fill(7), fast: true }));
          socket.write(encodeHaveAll());
          for (const i of ALLOWED) socket.write(encodeAllowedFast(i));
          socket.write(encodeSuggest(SUGGESTED));
        },
        onMessage: (m) => {
          if (m.type !== 'request') return;
          if (!unchoked && !ALLOWED.includes(m.index)) socket.write(encodeReject(m.index, m.begin, m.length));
          else socket.write(encodePiece(m.index, m.begin, DATA.subarray(m.index * PIECE + m.begin, m.index * PIECE + m.begin + m.length)));
        },
      });
    });
    const platform = createMemoryPlatform(hub, '10.0.2.1');
    const client = await Client.create({ platform, port: 7100, dht: false, lsd: false });
    const torrent = await client.add({ kind: 'torrent', bytes }, { destination: 'down', peers: [{ host: '10.0.0.77', port: 7777 }] });
    const verified: number[] = [];
    torrent.on('piece', (i) => verified.push(i));

    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${verified.join(',')} verified`)), 10_000);
      torrent.on('piece', () => {
        if (verified.length < ALLOWED.length) return;
        clearTimeout(timer);
        resolve();
      });
    });
    await new Promise((r) => setTimeout(r, 300)); // any request beyond the allowed set would show now
    expect(verified.sort((a, b) => a - b)).toEqual(ALLOWED);
    const whileChoked = peer!.of('request').map((m) => m.index);
    expect(new Set(whileChoked)).toEqual(new Set(ALLOWED));
    expect(peer!.of('interested')).toHaveLength(1);

    unchoked = true;
    const before = peer!.of('request').length;
    peer!.socket.write(encodeUnchoke());
    await peer!.waitFor(() => peer!.of('request').length > before, 'a request after the unchoke');
    expect(peer!.of('request')[before]!.index).toBe(SUGGESTED);
    await whenDone(torrent);
    expect(meta.pieceCount).toBe(PIECES);
    await client.close();
  });
});
