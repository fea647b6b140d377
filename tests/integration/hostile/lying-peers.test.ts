/**
 * Peers that lie: a block slipped into other peers' pieces, a bitfield claiming pieces it then
 * refuses (REJECT, or silence), metadata that does not hash to the infohash, and a wrong
 * metadata size. An honest seeder is in the same swarm; the download must finish byte-identical
 * and the liar be banned, snubbed or ignored while the honest peer is kept.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { encodeExtended, encodeHaveAll, encodePiece, encodeReject, encodeUnchoke } from '../../../src/engine/wire/message-encoder.js';
import { encodeExtendedHandshake } from '../../../src/engine/wire/extension-handshake.js';
import { encodeMetadataData, parseMetadataMessage } from '../../../src/engine/wire/ut-metadata.js';
import { METADATA_PIECE_LENGTH } from '../../../src/engine/wire/limits.js';
import { decode, encode, type BDict } from '../../../src/engine/bencode/index.js';
import { parseTorrent, toMagnet } from '../../../src/engine/metainfo/index.js';
import {
  DATA,
  expectDownloaded,
  hostilePeer,
  isBanned,
  sampleCounters,
  SEEDER,
  sessionCounters,
  startSwarm,
  until,
  whenDone,
  type HostileConnection,
  type Swarm,
} from './helpers.js';

let swarm: Swarm | null = null;
afterEach(async () => {
  await swarm?.close();
  swarm = null;
});

const HOSTILE = { host: '10.0.0.66', port: 6666 };
const HOSTILE_KEY = `${HOSTILE.host}:${HOSTILE.port}`;
const SEEDER_KEY = `${SEEDER.host}:${SEEDER.port}`;
/** Our ut_metadata id (what peers must use when sending to us). */
const OUR_UT_METADATA = 1;

describe('hostile peers: lies', { timeout: 60_000 }, () => {
  it('a peer that slips one bad block into each piece is found by the smart ban; the seeder is kept', async () => {
    swarm = await startSwarm();
    let garbageSent = 0;
    // Answers requests for the first block of a piece with garbage and rejects the rest, so it
    // is never a piece's only contributor.
    await hostilePeer(swarm.hub, HOSTILE.host, HOSTILE.port, {
      onConnect(conn) {
        conn.send(encodeHaveAll());
        conn.send(encodeUnchoke());
      },
      onMessage(conn, m) {
        if (m.type !== 'request') return;
        if (m.begin === 0) {
          conn.send(encodePiece(m.index, m.begin, new Uint8Array(m.length).fill(0x5a)));
          garbageSent++;
        } else conn.send(encodeReject(m.index, m.begin, m.length));
      },
    });
    const torrent = await swarm.leecher.add({ kind: 'torrent', bytes: swarm.bytes }, { destination: 'down', peers: [HOSTILE, SEEDER] });
    await whenDone(torrent);
    await expectDownloaded(swarm.leecherPlatform);
    expect(garbageSent).toBeGreaterThan(0);
    expect(torrent.stats().hashFailures).toBeGreaterThan(0);
    expect(isBanned(torrent, HOSTILE_KEY)).toBe(true);
    expect(isBanned(torrent, SEEDER_KEY)).toBe(false);
  });

  it('a bitfield claiming pieces it then REJECTs: requests go elsewhere and are not re-sent in a loop', async () => {
    swarm = await startSwarm();
    let requests = 0;
    let firstRequestAt = 0;
    const peer = await hostilePeer(swarm.hub, HOSTILE.host, HOSTILE.port, {
      onConnect(conn) {
        conn.send(encodeHaveAll());
        conn.send(encodeUnchoke());
      },
      onMessage(conn, m) {
        if (m.type !== 'request') return;
        if (requests++ === 0) firstRequestAt = swarm!.clock.now();
        conn.send(encodeReject(m.index, m.begin, m.length));
      },
    });
    const torrent = await swarm.leecher.add({ kind: 'torrent', bytes: swarm.bytes }, { destination: 'down', peers: [HOSTILE, SEEDER] });
    await until(() => requests > 0, 'a request to the refusing peer');
    const doneAt = await whenDoneAt(swarm, torrent);
    await expectDownloaded(swarm.leecherPlatform);
    const blocks = Math.ceil(DATA.length / 16384);
    const seconds = Math.max(1, (doneAt - firstRequestAt) / 1000);
    // Each rejected block may be asked again later, but not in a tight loop: at most a few
    // requests per block per second of engine time.
    expect(requests).toBeLessThan(blocks * 4 * seconds + 1000);
    expect(peer.connections.length).toBeGreaterThan(0);
    expect(isBanned(torrent, SEEDER_KEY)).toBe(false);
  });

  it('a bitfield claiming pieces it then never sends: the peer is snubbed and its requests released', async () => {
    swarm = await startSwarm();
    let requests = 0;
    let firstRequestAt = 0;
    // No fast extension: it cannot REJECT, it just stays silent after unchoking.
    await hostilePeer(swarm.hub, HOSTILE.host, HOSTILE.port, {
      fast: false,
      onConnect(conn: HostileConnection) {
        conn.send(encodeHaveAll());
        conn.send(encodeUnchoke());
      },
      onMessage(_conn, m) {
        if (m.type !== 'request') return;
        if (requests++ === 0) firstRequestAt = swarm!.clock.now();
      },
    });
    const torrent = await swarm.leecher.add({ kind: 'torrent', bytes: swarm.bytes }, { destination: 'down', peers: [HOSTILE] });
    let inFlight = 0;
    await until(() => (inFlight = sessionCounters(torrent).find((c) => c.address === HOSTILE_KEY)?.outstanding ?? 0) > 0, 'requests to the silent peer');
    // Our pipeline to it is bounded (16..500 requests, capped by its reqq).
    expect(inFlight).toBeLessThanOrEqual(500);
    const sampler = sampleCounters(torrent, HOSTILE_KEY);
    // 30 s of engine time without a block (counted from the connection, a moment before our
    // first request): snubbed, and every request to it released.
    await until(() => (torrent.peerStats().find((p) => p.address === HOSTILE_KEY)?.flags ?? '').includes('S'), 'the silent peer to be snubbed');
    expect(swarm.clock.now() - firstRequestAt).toBeGreaterThanOrEqual(25_000);
    expect(sessionCounters(torrent).find((c) => c.address === HOSTILE_KEY)?.outstanding).toBe(0);
    // Only now does the honest seeder join: the download finishes from it.
    torrent.addPeers([SEEDER]);
    await whenDone(torrent);
    const max = sampler.stop();
    await expectDownloaded(swarm.leecherPlatform);
    expect(requests).toBeGreaterThan(0);
    expect(max.outstanding).toBeLessThanOrEqual(500);
  });
});

describe('hostile peers: lying metadata (magnet links)', { timeout: 60_000 }, () => {
  /** A torrent whose info dict spans four ut_metadata pieces (an extra key pads it). */
  function bigInfoTorrent(bytes: Uint8Array): Uint8Array {
    const top = decode(bytes) as BDict;
    const info = top.get('info') as BDict;
    info.set('x-padding', new Uint8Array(3 * METADATA_PIECE_LENGTH + 500).fill(0x2e));
    return encode(top);
  }

  async function metadataLiar(swarm: Swarm, claimedSize: number): Promise<{ served: () => number }> {
    let served = 0;
    await hostilePeer(swarm.hub, HOSTILE.host, HOSTILE.port, {
      extended: true,
      onConnect(conn) {
        conn.send(encodeExtended(0, encodeExtendedHandshake({ m: { ut_metadata: 3 }, metadataSize: claimedSize })));
        conn.send(encodeHaveAll());
      },
      onMessage(conn, m) {
        if (m.type !== 'extended' || m.id !== 3) return;
        const request = parseMetadataMessage(m.payload);
        if (request.type !== 'request') return;
        const length = Math.min(METADATA_PIECE_LENGTH, claimedSize - request.piece * METADATA_PIECE_LENGTH);
        if (length <= 0) return;
        conn.send(encodeExtended(OUR_UT_METADATA, encodeMetadataData(request.piece, claimedSize, new Uint8Array(length).fill(0x5a))));
        served++;
      },
    });
    return { served: () => served };
  }

  async function magnetSwarm(torrentBytes: Uint8Array): Promise<Swarm> {
    const s = await startSwarm();
    // Re-seed the padded torrent (same data, different infohash).
    await whenDone(await s.seeder.add({ kind: 'torrent', bytes: torrentBytes }, { destination: 'seed' }));
    return s;
  }

  it('metadata pieces that do not hash to the infohash: the seeder is not blamed, the magnet resolves', async () => {
    swarm = await startSwarm();
    const torrentBytes = bigInfoTorrent(swarm.bytes);
    await swarm.close();
    swarm = await magnetSwarm(torrentBytes);
    const meta = parseTorrent(torrentBytes);
    expect(meta.infoBytes.length).toBeGreaterThan(3 * METADATA_PIECE_LENGTH);
    const liar = await metadataLiar(swarm, meta.infoBytes.length);
    const torrent = await swarm.leecher.add({ kind: 'magnet', uri: toMagnet(meta) }, { destination: 'down', peers: [HOSTILE, SEEDER] });
    await whenDone(torrent);
    await expectDownloaded(swarm.leecherPlatform);
    expect(liar.served()).toBeGreaterThan(0);
    expect(isBanned(torrent, SEEDER_KEY)).toBe(false);
  });

  it('a wrong metadata size offered first does not keep the true size from being fetched', async () => {
    swarm = await startSwarm();
    const meta = parseTorrent(swarm.bytes);
    const liar = await metadataLiar(swarm, meta.infoBytes.length + 5000);
    // The liar is dialed first and answers at once; the seeder's offer comes second.
    const torrent = await swarm.leecher.add({ kind: 'magnet', uri: toMagnet(meta) }, { destination: 'down', peers: [HOSTILE, SEEDER] });
    await whenDone(torrent);
    await expectDownloaded(swarm.leecherPlatform);
    expect(liar.served()).toBeGreaterThan(0);
    expect(isBanned(torrent, SEEDER_KEY)).toBe(false);
  });
});

async function whenDoneAt(swarm: Swarm, torrent: Parameters<typeof whenDone>[0]): Promise<number> {
  await whenDone(torrent);
  return swarm.clock.now();
}
