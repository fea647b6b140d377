/**
 * Hostile peers that abuse the wire format: blocks we never asked for, a length prefix far past
 * the limit, a message that never completes, and a handshake sent one byte per second. Each time
 * an honest seeder is in the same swarm and the download must still finish byte-identical.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { encodeHaveAll, encodePiece, encodeUnchoke } from '../../../src/engine/wire/message-encoder.js';
import { encodeHandshake } from '../../../src/engine/wire/handshake.js';
import { DEFAULT_WIRE_LIMITS } from '../../../src/engine/wire/limits.js';
import { parseTorrent } from '../../../src/engine/metainfo/index.js';
import type { TcpSocket } from '../../../src/platform/interfaces/index.js';
import {
  expectDownloaded,
  hostilePeer,
  isBanned,
  PIECE_LENGTH,
  sampleCounters,
  SEEDER,
  sessionCounters,
  startSwarm,
  until,
  whenDone,
  type Swarm,
} from './helpers.js';

let swarm: Swarm | null = null;
afterEach(async () => {
  await swarm?.close();
  swarm = null;
});

const HOSTILE = { host: '10.0.0.66', port: 6666 };
const HOSTILE_KEY = `${HOSTILE.host}:${HOSTILE.port}`;

describe('hostile peers: wire abuse', { timeout: 60_000 }, () => {
  it('drops blocks it never requested: none reaches a piece buffer, the download finishes', async () => {
    swarm = await startSwarm();
    const meta = parseTorrent(swarm.bytes);
    let unsolicited = 0;
    // Claims everything but never unchokes us (so we never ask it for anything), and pushes
    // garbage blocks for every piece all the same.
    await hostilePeer(swarm.hub, HOSTILE.host, HOSTILE.port, {
      onConnect(conn) {
        conn.send(encodeHaveAll());
        const flood = (): void => {
          if (conn.closed) return;
          for (let index = 0; index < meta.pieceCount; index++) {
            for (let begin = 0; begin < PIECE_LENGTH; begin += 16384) conn.send(encodePiece(index, begin, new Uint8Array(16384).fill(0x5a)));
            unsolicited++;
          }
          setTimeout(flood, 5);
        };
        flood();
      },
    });
    const torrent = await swarm.leecher.add({ kind: 'torrent', bytes: swarm.bytes }, { destination: 'down', peers: [HOSTILE, SEEDER] });
    await until(() => sessionCounters(torrent).some((c) => c.address === HOSTILE_KEY), 'the hostile peer to connect');
    const sampler = sampleCounters(torrent, HOSTILE_KEY);
    await whenDone(torrent);
    const max = sampler.stop();
    await expectDownloaded(swarm.leecherPlatform);
    expect(unsolicited).toBeGreaterThan(meta.pieceCount);
    // Garbage never entered a piece: no hash failure, nothing counted as downloaded from it.
    expect(torrent.stats().hashFailures).toBe(0);
    const liar = torrent.peerStats().find((p) => p.address === HOSTILE_KEY);
    expect(liar?.downloaded ?? 0).toBe(0);
    expect(max.outstanding).toBe(0);
    expect(max.parserBuffered).toBeLessThanOrEqual(16384 + 13);
    expect(max.samples).toBeGreaterThan(0);
  });

  it('closes at once on a length prefix past the limit, before buffering its payload', async () => {
    swarm = await startSwarm();
    const huge = new Uint8Array([0xff, 0xff, 0xff, 0xf0, 7]);
    const peer = await hostilePeer(swarm.hub, HOSTILE.host, HOSTILE.port, {
      onConnect(conn) {
        conn.send(encodeHaveAll());
        conn.send(huge);
        conn.send(new Uint8Array(64 * 1024).fill(1)); // the start of the "payload"
      },
    });
    const torrent = await swarm.leecher.add({ kind: 'torrent', bytes: swarm.bytes }, { destination: 'down', peers: [HOSTILE, SEEDER] });
    await whenDone(torrent);
    await expectDownloaded(swarm.leecherPlatform);
    await until(() => peer.connections.length > 0 && peer.connections.every((c) => c.closed), 'the hostile connection to close');
    // Closed as soon as the header arrived: well within one engine tick (the hostile peer is
    // never given a session that lingers).
    for (const c of peer.connections) expect(c.closedAt - c.openedAt).toBeLessThan(1000);
    expect(sessionCounters(torrent).map((c) => c.address)).not.toContain(HOSTILE_KEY);
  });

  it('a message that never completes is bounded by its declared length, then timed out as silence', async () => {
    swarm = await startSwarm();
    // A PIECE header for the largest block the limits allow, then half of it, then nothing.
    const declared = DEFAULT_WIRE_LIMITS.maxBlockLength + 9;
    const header = new Uint8Array([declared >>> 24, (declared >>> 16) & 0xff, (declared >>> 8) & 0xff, declared & 0xff, 7, 0, 0, 0, 0, 0, 0, 0, 0]);
    const peer = await hostilePeer(swarm.hub, HOSTILE.host, HOSTILE.port, {
      // No bitfield: it looks like a fresh leecher, so finishing our download is no reason to
      // drop it; only its silence is.
      onConnect(conn) {
        conn.send(header);
        conn.send(new Uint8Array(declared / 2).fill(3));
      },
    });
    const torrent = await swarm.leecher.add({ kind: 'torrent', bytes: swarm.bytes }, { destination: 'down', peers: [HOSTILE, SEEDER] });
    await until(() => sessionCounters(torrent).some((c) => c.address === HOSTILE_KEY && c.parserBuffered > 0), 'the partial message to arrive');
    const sampler = sampleCounters(torrent, HOSTILE_KEY);
    await whenDone(torrent);
    await expectDownloaded(swarm.leecherPlatform);
    // 180 s of engine time without a byte: the idle timeout closes the connection.
    await until(() => peer.connections.length > 0 && peer.connections.every((c) => c.closed), 'the silent peer to be timed out', 15_000);
    const max = sampler.stop();
    expect(max.parserBuffered).toBeGreaterThan(0);
    expect(max.parserBuffered).toBeLessThanOrEqual(declared);
  });

  it('a slowloris answering requests one byte per second is snubbed; its requests go to the seeder', async () => {
    swarm = await startSwarm();
    let dripped = 0;
    let requestedAt = 0;
    // Unchokes, claims everything, and answers the first request one byte per engine second.
    await hostilePeer(swarm.hub, HOSTILE.host, HOSTILE.port, {
      fast: false,
      onConnect(conn) {
        conn.send(encodeHaveAll());
        conn.send(encodeUnchoke());
      },
      onMessage(conn, m) {
        if (m.type !== 'request' || dripped > 0) return;
        requestedAt = swarm!.clock.now();
        const answer = encodePiece(m.index, m.begin, new Uint8Array(m.length));
        const drip = setInterval(() => {
          if (conn.closed || dripped >= answer.length) return clearInterval(drip);
          conn.send(answer.subarray(dripped, dripped + 1));
          dripped++;
        }, 20); // 20 ms real = 1 s of engine time
      },
    });
    const torrent = await swarm.leecher.add({ kind: 'torrent', bytes: swarm.bytes }, { destination: 'down', peers: [HOSTILE] });
    await until(() => dripped > 0, 'the first dripped byte');
    const sampler = sampleCounters(torrent, HOSTILE_KEY);
    await until(() => (torrent.peerStats().find((p) => p.address === HOSTILE_KEY)?.flags ?? '').includes('S'), 'the slowloris to be snubbed');
    // Snubbed 30 s after the connection without a whole block (we asked a moment after it opened).
    expect(swarm.clock.now() - requestedAt).toBeGreaterThanOrEqual(25_000);
    expect(sessionCounters(torrent).find((c) => c.address === HOSTILE_KEY)?.outstanding).toBe(0);
    torrent.addPeers([SEEDER]);
    await whenDone(torrent);
    const max = sampler.stop();
    await expectDownloaded(swarm.leecherPlatform);
    // It kept the connection alive byte by byte, but never held more than one message's bytes.
    expect(dripped).toBeGreaterThan(30);
    expect(max.parserBuffered).toBeGreaterThan(0);
    expect(max.parserBuffered).toBeLessThanOrEqual(16384 + 13);
  });

  it('a handshake sent one byte per second is cut off by the handshake timeout', async () => {
    swarm = await startSwarm();
    const torrent = await swarm.leecher.add({ kind: 'torrent', bytes: swarm.bytes }, { destination: 'down', peers: [SEEDER] });
    await whenDone(torrent);
    // The slowloris dials our listening port and sends its handshake at one byte per engine second.
    const handshake = encodeHandshake({ infoHash: parseTorrent(swarm.bytes).infoHash, peerId: new Uint8Array(20).fill(9) });
    const socket: TcpSocket = await swarm.hub.host('10.0.0.77').connect({ host: '10.0.2.1', port: 7100 });
    let closedAtEngine = 0;
    socket.setHandlers({ data: () => undefined, close: () => (closedAtEngine = swarm!.clock.now()) });
    const startedAt = swarm.clock.now();
    let sent = 0;
    const drip = setInterval(() => {
      if (closedAtEngine || sent >= handshake.length) return;
      socket.write(handshake.subarray(sent, sent + 1));
      sent++;
    }, 20); // 20 ms real = 1 s of engine time
    await until(() => closedAtEngine > 0, 'the slow handshake to be cut off', 15_000);
    clearInterval(drip);
    expect(sent).toBeLessThan(handshake.length);
    // The deadline is 15 s, checked every 5 s.
    expect(closedAtEngine - startedAt).toBeLessThanOrEqual(25_000);
    expect(isBanned(torrent, '10.0.0.77:0')).toBe(false);
  });
});
