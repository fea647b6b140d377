// Our uTP against libtorrent 2.0 (python3-libtorrent) on 127.0.0.1 with TCP switched off on its
// side (lt_peer.py --no-tcp), so every byte goes over uTP: we dial it and read its handshake and
// bitfield; it dials us and we read its handshake; it drops us mid-transfer with data of its
// still missing on our side, and we notice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { makeSingleFile } from '../../interop/harness/data.js';
import { makeTorrent, type MadeTorrent } from '../../interop/harness/make-torrent.js';
import { startLibtorrentLeecher, startLibtorrentSeeder } from '../../interop/harness/libtorrent.js';
import { createWorkspace, type Workspace } from '../../interop/harness/workspace.js';
import { encodeHandshake, HANDSHAKE_LENGTH, parseHandshake } from '../../../src/engine/wire/handshake.js';
import { fromHex, readUint32BE, toHex, writeUint32BE } from '../../../src/engine/util/bytes.js';
import { NetError } from '../../../src/platform/interfaces/index.js';
import { DEFAULT_UTP_LIMITS } from '../../../src/engine/utp/limits.js';
import type { TcpSocket } from '../../../src/platform/interfaces/index.js';
import { bindUtp, reader, type UdpUtp } from './helpers.js';

const SIZE = 1024 * 1024 + 77;
const PIECE_LOG2 = 15; // 32 KiB pieces: 33 pieces, a 5-byte bitfield

let ws: Workspace;
let torrent: MadeTorrent;
let src: string;
const open: UdpUtp[] = [];

beforeAll(async () => {
  ws = await createWorkspace('utp');
  src = await ws.dir('src');
  const file = await makeSingleFile(src, 'utp.bin', SIZE);
  torrent = await makeTorrent({ target: file, output: join(ws.root, 'utp.torrent'), trackers: ['http://127.0.0.1:9/announce'], pieceSizeLog2: PIECE_LOG2 });
});

afterAll(async () => {
  for (const u of open) u.close();
  await ws?.cleanup();
});

const pieces = Math.ceil(SIZE / 2 ** PIECE_LOG2);

describe('uTP interop with libtorrent', () => {
  it('outgoing: we dial a uTP-only libtorrent seeder, handshake, and receive its bitfield', async () => {
    const seeder = await startLibtorrentSeeder({ name: 'lt-seed-utp', logDir: ws.logDir, save: src, torrent: torrent.path, transport: 'utp-only' });
    const ours = await bindUtp(await ws.dir('state-out'));
    open.push(ours);
    const socket = await ours.transport.connect({ host: '127.0.0.1', port: seeder.port }, { timeoutMs: 10_000 });
    const r = reader(socket);
    socket.write(encodeHandshake({ infoHash: fromHex(torrent.infoHash), peerId: randomBytes(20) }));
    const theirs = parseHandshake(await r.take(HANDSHAKE_LENGTH, 10_000));
    expect(toHex(theirs.infoHash)).toBe(torrent.infoHash);
    // Messages until the bitfield (libtorrent may send others first, e.g. unchoke or port).
    let bitfield: Uint8Array | undefined;
    for (let i = 0; i < 10 && !bitfield; i++) {
      const length = readUint32BE(await r.take(4, 10_000), 0);
      if (length === 0) continue;
      const body = await r.take(length, 10_000);
      if (body[0] === 5) bitfield = body.subarray(1);
    }
    expect(bitfield?.length).toBe(Math.ceil(pieces / 8));
    // A seeder has every piece: all bits set but the spare ones at the end.
    expect(bitfield![0]).toBe(0xff);
    expect(bitfield![bitfield!.length - 1]).toBe((0xff << (8 - (pieces % 8 || 8))) & 0xff);
    socket.close();
    await seeder.proc.stop();
  }, 60_000);

  it('incoming: a uTP-only libtorrent dials our uTP listener and we see its handshake', async () => {
    const ours = await bindUtp(await ws.dir('state-in'));
    open.push(ours);
    const incoming = new Promise<TcpSocket>((resolve) => ours.transport.onIncoming(resolve));
    await startLibtorrentLeecher({
      name: 'lt-leech-utp',
      logDir: ws.logDir,
      save: await ws.dir('lt-out'),
      torrent: torrent.path,
      transport: 'utp-only',
      // Plaintext: libtorrent's default would open with an MSE handshake, which is not ours to parse here.
      encryption: 'disabled',
      peers: [`127.0.0.1:${ours.udp.port}`],
      timeoutSeconds: 50,
    });
    const socket = await Promise.race([
      incoming,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('libtorrent never dialled our uTP port')), 30_000)),
    ]);
    expect(socket.remote.host).toBe('127.0.0.1');
    const r = reader(socket);
    const theirs = parseHandshake(await r.take(HANDSHAKE_LENGTH, 10_000));
    expect(toHex(theirs.infoHash)).toBe(torrent.infoHash);
    socket.write(encodeHandshake({ infoHash: theirs.infoHash, peerId: randomBytes(20) }));
    socket.close();
  }, 60_000);

  it('libtorrent drops us with a FIN while its data to us has a hole it will never fill: we close within finWaitMs', async () => {
    const seeder = await startLibtorrentSeeder({ name: 'lt-seed-fin', logDir: ws.logDir, save: src, torrent: torrent.path, transport: 'utp-only', encryption: 'disabled' });
    const ours = await bindUtp(await ws.dir('state-fin'));
    open.push(ours);
    // Lose one of libtorrent's data packets (the 20th), and every retransmission of it.
    let victim = -1;
    let dataSeen = 0;
    ours.udp.setHandler((data, from) => {
      if (data.length >= 20 && data[0]! >> 4 === 0) {
        const seq = (data[16]! << 8) | data[17]!;
        if (victim < 0 && ++dataSeen === 20) victim = seq;
        if (seq === victim) return;
      }
      ours.transport.handlePacket(data, from);
    });
    const socket = await ours.transport.connect({ host: '127.0.0.1', port: seeder.port }, { timeoutMs: 10_000 });
    const r = reader(socket);
    socket.write(encodeHandshake({ infoHash: fromHex(torrent.infoHash), peerId: randomBytes(20) }));
    await r.take(HANDSHAKE_LENGTH, 10_000);
    socket.write(Uint8Array.of(0, 0, 0, 1, 2)); // interested
    const request = (index: number, begin: number, length: number) => {
      const m = new Uint8Array(17);
      writeUint32BE(m, 0, 13);
      m[4] = 6;
      writeUint32BE(m, 5, index);
      writeUint32BE(m, 9, begin);
      writeUint32BE(m, 13, length);
      socket.write(m);
    };
    // libtorrent unchokes an interested peer at once; requests sent before that are dropped,
    // so wait a moment, then ask for every block.
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (let i = 0; i < pieces * 2; i++) request(i >> 1, (i & 1) * 16384, Math.min(16384, SIZE - i * 16384));
    const deadline = Date.now() + 10_000;
    while (victim < 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(victim).toBeGreaterThanOrEqual(0);
    // A message claiming 2 GiB: libtorrent drops us ("packet too large") with a FIN, at once
    // (before its own retransmission timeouts on the lost packet give up on us silently).
    const huge = new Uint8Array(4);
    writeUint32BE(huge, 0, 0x7fffffff);
    socket.write(huge);
    const sentAt = Date.now();
    const error = await Promise.race([r.closed, new Promise<string>((resolve) => setTimeout(() => resolve('still open'), DEFAULT_UTP_LIMITS.finWaitMs + 5000))]);
    expect(error).toBeInstanceOf(NetError);
    expect(String(error)).toMatch(/never resent/);
    expect(Date.now() - sentAt).toBeLessThan(DEFAULT_UTP_LIMITS.finWaitMs + 3000);
    await seeder.proc.stop();
  }, 60_000);
});
