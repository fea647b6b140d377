/**
 * Hostile peers on the memory platform: a scripted peer that speaks just enough of the wire
 * protocol to misbehave, an honest seeder to finish the download from, a fast engine clock (a
 * ManualClock advanced by a real timer, so 30 s snub and 180 s idle timeouts pass in well under
 * a second of test time), and a probe that reads the engine's own counters (parser buffers,
 * requests in flight, upload queues, piece buffers) to show that memory stays bounded.
 */
import { expect } from 'vitest';
import { createMemoryPlatform, MemoryHub, type MemoryPlatform } from '../../../src/platform/memory/index.js';
import { Client } from '../../../src/engine/session/client.js';
import type { Torrent } from '../../../src/engine/session/torrent.js';
import { createTorrent } from '../../../src/engine/metainfo/index.js';
import { WebCryptoHasher } from '../../../src/platform/webcrypto-hasher.js';
import { SeededRandom } from '../../../src/engine/util/random.js';
import { ManualClock } from '../../../src/engine/util/clock.js';
import { encodeHandshake, type Handshake } from '../../../src/engine/wire/handshake.js';
import { WireParser } from '../../../src/engine/wire/message-parser.js';
import type { WireMessage } from '../../../src/engine/wire/messages.js';
import type { TcpSocket } from '../../../src/platform/interfaces/index.js';

export const SEEDER = { host: '10.0.0.1', port: 6881 };
export const PIECE_LENGTH = 32 * 1024;
export const NAME = 'hostile.bin';
export const DATA = content(20 * PIECE_LENGTH + 1234, 7);

function content(length: number, seed: number): Uint8Array {
  const random = new SeededRandom(seed);
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = random.int(256);
  return out;
}

export function makeTorrent(): Promise<Uint8Array> {
  return createTorrent({
    name: NAME,
    files: [{ path: [NAME], length: DATA.length }],
    singleFile: true,
    read: async (_i, offset, length) => DATA.subarray(offset, offset + length),
    hasher: new WebCryptoHasher(),
    pieceLength: PIECE_LENGTH,
  });
}

/**
 * Engine time runs `speed` times faster than real time while the test runs. It follows real
 * elapsed time (a busy machine delays the interval, not the engine's clock), in steps of at
 * most 2 s of engine time.
 */
export class FastClock extends ManualClock {
  private readonly timer: ReturnType<typeof setInterval>;
  constructor(speed = 50, everyMs = 5) {
    super(1_000_000);
    let last = performance.now();
    this.timer = setInterval(() => {
      const now = performance.now();
      this.advance(Math.min(2_000, (now - last) * speed));
      last = now;
    }, everyMs);
  }
  stop(): void {
    clearInterval(this.timer);
  }
}

const CLIENT_DEFAULTS = { dht: false, utp: false, pex: false, lsd: false } as const;

export interface Swarm {
  hub: MemoryHub;
  clock: FastClock;
  bytes: Uint8Array;
  seeder: Client;
  /** The seeder's torrent (already seeding). */
  seeding: Torrent;
  leecher: Client;
  leecherPlatform: MemoryPlatform;
  close(): Promise<void>;
}

/** A hub, a fast clock, an honest seeder that has finished checking, and an empty leecher client. */
export async function startSwarm(): Promise<Swarm> {
  const hub = new MemoryHub();
  const clock = new FastClock();
  const bytes = await makeTorrent();
  const seedPlatform = createMemoryPlatform(hub, SEEDER.host);
  await (await seedPlatform.openStorage('seed')).write(NAME, 0, DATA);
  const seeder = await Client.create({ platform: seedPlatform, port: SEEDER.port, clock, ...CLIENT_DEFAULTS });
  const seeding = await seeder.add({ kind: 'torrent', bytes }, { destination: 'seed' });
  await whenDone(seeding);
  const leecherPlatform = createMemoryPlatform(hub, '10.0.2.1');
  const leecher = await Client.create({ platform: leecherPlatform, port: 7100, clock, ...CLIENT_DEFAULTS });
  return {
    hub,
    clock,
    bytes,
    seeder,
    seeding,
    leecher,
    leecherPlatform,
    close: async () => {
      await Promise.all([seeder.close(), leecher.close()]);
      clock.stop();
    },
  };
}

export function whenDone(torrent: Torrent, ms = 20_000): Promise<void> {
  if (torrent.isDone()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out in state ${torrent.state}: ${JSON.stringify(torrent.stats().error ?? '')}`)), ms);
    torrent.on('done', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export async function expectDownloaded(platform: MemoryPlatform, root = 'down'): Promise<void> {
  const storage = await platform.openStorage(root);
  expect(await storage.size(NAME)).toBe(DATA.length);
  expect(Buffer.from(await storage.read(NAME, 0, DATA.length)).equals(Buffer.from(DATA))).toBe(true);
}

/** Resolves when `condition` holds, polling in real time. */
export async function until(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

// --- the hostile peer ----------------------------------------------------------------------

export interface HostileConnection {
  socket: TcpSocket;
  handshake: Handshake;
  /** Messages received from our client after the handshake (copies). */
  received: WireMessage[];
  closed: boolean;
  openedAt: number;
  closedAt: number;
  send(bytes: Uint8Array): void;
}

export interface HostileBehaviour {
  /** After both handshakes. Default: nothing. */
  onConnect?(conn: HostileConnection): void;
  onMessage?(conn: HostileConnection, message: WireMessage): void;
  /** Extension bits of our handshake. */
  fast?: boolean;
  extended?: boolean;
}

export interface HostilePeer {
  address: { host: string; port: number };
  connections: HostileConnection[];
}

/**
 * Listens at `host:port` and answers connections as `behaviour` says. Like a plaintext-only
 * client, it hangs up on anything that is not a BitTorrent handshake (our client's first try is
 * an MSE offer, then it retries in plaintext).
 */
export async function hostilePeer(hub: MemoryHub, host: string, port: number, behaviour: HostileBehaviour): Promise<HostilePeer> {
  const peer: HostilePeer = { address: { host, port }, connections: [] };
  await hub.host(host).listen(port, '0.0.0.0', (socket: TcpSocket) => {
    let conn: HostileConnection | null = null;
    const parser = new WireParser(
      (m) => {
        if (!conn) return;
        const copy = { ...m } as Record<string, unknown>;
        for (const key of ['bits', 'block', 'payload']) if (copy[key] instanceof Uint8Array) copy[key] = (copy[key] as Uint8Array).slice();
        conn.received.push(copy as unknown as WireMessage);
        behaviour.onMessage?.(conn, m);
      },
      {
        expectHandshake: true,
        onHandshake: (handshake) => {
          socket.write(encodeHandshake({ infoHash: handshake.infoHash, peerId: new Uint8Array(20).fill(0x66), fast: behaviour.fast ?? true, extended: behaviour.extended ?? false }));
          conn = {
            socket,
            handshake,
            received: [],
            closed: false,
            openedAt: Date.now(),
            closedAt: 0,
            send: (bytes) => {
              if (!conn!.closed) socket.write(bytes);
            },
          };
          peer.connections.push(conn);
          behaviour.onConnect?.(conn);
        },
      },
    );
    socket.setHandlers({
      data: (chunk) => {
        try {
          parser.push(chunk);
        } catch {
          socket.destroy();
        }
      },
      close: () => {
        if (conn && !conn.closed) {
          conn.closed = true;
          conn.closedAt = Date.now();
        }
      },
    });
  });
  return peer;
}

// --- reading the engine's counters -----------------------------------------------------------

/**
 * The engine's own bookkeeping, read from private fields (TypeScript `private` is compile-time
 * only). If a refactor renames them, this throws rather than passing vacuously.
 */
interface SessionInternals {
  id: string;
  outstandingCount: number;
  uploader: { queue: unknown[] };
  conn: { closed: boolean; parser: { bufferedBytes: number }; bufferedAmount: number };
}
interface TorrentInternals {
  swarm: { sessions: Map<string, SessionInternals>; isBanned(address: string): boolean };
  pieces?: { buffers: { heldBytes: number } };
}

export interface SessionCounters {
  address: string;
  /** Our REQUESTs in flight to that peer. */
  outstanding: number;
  /** Its REQUESTs queued with us. */
  uploadQueue: number;
  /** Bytes the wire parser holds for it (a partial message). */
  parserBuffered: number;
}

export function sessionCounters(torrent: Torrent): SessionCounters[] {
  const internals = torrent as unknown as TorrentInternals;
  if (!(internals.swarm?.sessions instanceof Map)) throw new Error('torrent internals changed: no swarm.sessions');
  return [...internals.swarm.sessions.values()].map((s) => {
    const counters = {
      address: s.id,
      outstanding: s.outstandingCount,
      uploadQueue: s.uploader?.queue?.length,
      parserBuffered: s.conn?.parser?.bufferedBytes,
    };
    for (const [key, value] of Object.entries(counters)) if (value === undefined) throw new Error(`session internals changed: no ${key}`);
    return counters;
  });
}

export function isBanned(torrent: Torrent, address: string): boolean {
  return (torrent as unknown as TorrentInternals).swarm.isBanned(address);
}

/** Bytes held in piece buffers (unverified pieces in memory). */
export function heldPieceBytes(torrent: Torrent): number {
  const pieces = (torrent as unknown as TorrentInternals).pieces;
  if (pieces && typeof pieces.buffers?.heldBytes !== 'number') throw new Error('torrent internals changed: no pieces.buffers.heldBytes');
  return pieces?.buffers.heldBytes ?? 0;
}

/** Samples the counters every few ms until stopped; returns the maxima seen per field. */
export function sampleCounters(torrent: Torrent, address: string): { stop(): { outstanding: number; uploadQueue: number; parserBuffered: number; held: number; samples: number } } {
  const max = { outstanding: 0, uploadQueue: 0, parserBuffered: 0, held: 0, samples: 0 };
  const timer = setInterval(() => {
    max.samples++;
    max.held = Math.max(max.held, heldPieceBytes(torrent));
    for (const c of sessionCounters(torrent)) {
      if (c.address !== address) continue;
      max.outstanding = Math.max(max.outstanding, c.outstanding);
      max.uploadQueue = Math.max(max.uploadQueue, c.uploadQueue);
      max.parserBuffered = Math.max(max.parserBuffered, c.parserBuffered);
    }
  }, 2);
  return {
    stop: () => {
      clearInterval(timer);
      return max;
    },
  };
}
