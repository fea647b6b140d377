/**
 * A leecher that floods our seeder with REQUESTs (thousands at once, again and again): the
 * upload queue stays capped at the `reqq` we advertise, the excess is REJECTed (BEP 6), and an
 * honest leecher in the same swarm still downloads everything byte-identical.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { encodeInterested, encodeRequest } from '../../../src/engine/wire/message-encoder.js';
import { encodeHandshake } from '../../../src/engine/wire/handshake.js';
import { WireParser } from '../../../src/engine/wire/message-parser.js';
import { parseTorrent } from '../../../src/engine/metainfo/index.js';
import { MAX_UPLOAD_QUEUE } from '../../../src/engine/swarm/peer-uploader.js';
import type { TcpSocket } from '../../../src/platform/interfaces/index.js';
import { expectDownloaded, sampleCounters, SEEDER, startSwarm, until, whenDone, type Swarm } from './helpers.js';

let swarm: Swarm | null = null;
afterEach(async () => {
  await swarm?.close();
  swarm = null;
});

const FLOODER = '10.0.0.99';
const FLOOD = 5000;

describe('hostile peers: request flood', { timeout: 60_000 }, () => {
  it(`${FLOOD} REQUESTs at a time: the queue stays capped, the rest are rejected, an honest leecher still finishes`, async () => {
    swarm = await startSwarm();
    const meta = parseTorrent(swarm.bytes);
    const socket: TcpSocket = await swarm.hub.host(FLOODER).connect({ host: SEEDER.host, port: SEEDER.port });
    const counts = { pieces: 0, rejects: 0, requests: 0, unchoked: false, closed: false };
    const parser = new WireParser(
      (m) => {
        if (m.type === 'piece') counts.pieces++;
        else if (m.type === 'reject') counts.rejects++;
        else if (m.type === 'unchoke') counts.unchoked = true;
        else if (m.type === 'choke') counts.unchoked = false;
      },
      { expectHandshake: true, pieceCount: meta.pieceCount },
    );
    socket.setHandlers({ data: (chunk) => parser.push(chunk), close: () => (counts.closed = true) });
    socket.write(encodeHandshake({ infoHash: meta.infoHash, peerId: new Uint8Array(20).fill(0x99), fast: true }));
    socket.write(encodeInterested());
    // Every block of the torrent, over and over: FLOOD requests in one write.
    const blocks: Uint8Array[] = [];
    for (let i = 0; blocks.length < FLOOD; i++) {
      const index = i % meta.pieceCount;
      const pieceLength = index === meta.pieceCount - 1 ? meta.lastPieceLength : meta.pieceLength;
      const begin = (Math.floor(i / meta.pieceCount) * 16384) % pieceLength;
      blocks.push(encodeRequest(index, begin, Math.min(16384, pieceLength - begin)));
    }
    const burst = Buffer.concat(blocks);
    const flood = (): void => {
      if (counts.closed) return;
      socket.write(burst);
      counts.requests += FLOOD;
      if (counts.requests < 10 * FLOOD) setTimeout(flood, 10);
    };
    await until(() => swarm!.seeding.peerStats().some((p) => p.address.startsWith(FLOODER)), 'the flooder to be accepted');
    const flooderKey = swarm.seeding.peerStats().find((p) => p.address.startsWith(FLOODER))!.address;
    const sampler = sampleCounters(swarm.seeding, flooderKey);
    flood();

    const torrent = await swarm.leecher.add({ kind: 'torrent', bytes: swarm.bytes }, { destination: 'down', peers: [SEEDER] });
    await whenDone(torrent);
    await expectDownloaded(swarm.leecherPlatform);
    await until(() => counts.requests >= 10 * FLOOD, 'the flood to be sent');
    // Every request is answered: with a block, or with a REJECT (choked, or the queue is full).
    await until(() => counts.pieces + counts.rejects >= counts.requests, 'every request to be answered', 15_000);
    const max = sampler.stop();
    expect(max.samples).toBeGreaterThan(0);
    // Unchoked, it was served and its queue filled up, but never past the cap.
    expect(counts.pieces).toBeGreaterThan(0);
    expect(max.uploadQueue).toBeGreaterThan(0);
    expect(max.uploadQueue).toBeLessThanOrEqual(MAX_UPLOAD_QUEUE);
    expect(counts.rejects).toBeGreaterThan(0);
    expect(counts.pieces + counts.rejects).toBe(counts.requests);
    expect(counts.closed).toBe(false);
  });
});
