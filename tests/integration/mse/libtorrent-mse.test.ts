/**
 * MSE against a real libtorrent 2.0 on 127.0.0.1 that forces RC4 (out/in_enc_policy = forced,
 * allowed_enc_level = rc4): our outgoing side dials its listener, and its outgoing side dials
 * ours; either way a BEP 3 handshake and the seeder's bitfield must come through decrypted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { NodeNetwork } from '../../../src/platform/node/node-network.js';
import type { TcpListener, TcpSocket } from '../../../src/platform/interfaces/net.js';
import { createStreamEncryption, cryptoRandomBytes } from '../../../src/engine/crypto/mse/index.js';
import { HandshakeRedial, type EncryptionPolicy } from '../../../src/engine/peer/transport.js';
import { Connector } from '../../../src/engine/peer/connector.js';
import { encodeHandshake, parseHandshake, HANDSHAKE_LENGTH } from '../../../src/engine/wire/handshake.js';
import { concat, fromHex, readUint32BE, toHex, writeUint32BE } from '../../../src/engine/util/bytes.js';
import { systemClock } from '../../../src/engine/util/clock.js';
import { createWorkspace, type Workspace } from '../../interop/harness/workspace.js';
import { spawnProcess, type Proc } from '../../interop/harness/processes.js';
import { freePort } from '../../interop/harness/ports.js';

const PYTHON = '/usr/bin/python3'; // the one with the libtorrent module (INTEROP.md)
const SCRIPT = fileURLToPath(new URL('./lt_mse_peer.py', import.meta.url));
const PEER_ID = new Uint8Array(20).fill(0x41);

interface Seeder {
  proc: Proc;
  port: number;
  infoHash: Uint8Array;
  pieces: number;
}

let ws: Workspace;
const network = new NodeNetwork();
const mse = createStreamEncryption({ randomBytes: cryptoRandomBytes, clock: systemClock });

async function startSeeder(name: string, peer?: string, encLevel: 'rc4' | 'both' = 'rc4'): Promise<Seeder> {
  const port = await freePort();
  const args = [SCRIPT, '--dir', await ws.dir(name), '--port', String(port), '--timeout', '60', '--enc-level', encLevel];
  if (peer) args.push('--peer', peer);
  const proc = spawnProcess(name, PYTHON, args, { logDir: ws.logDir });
  const line = await proc.waitForLine(/"type": "ready"/, 30_000, 'stdout');
  const ready = JSON.parse(line) as { infohash: string; pieces: number };
  return { proc, port, infoHash: fromHex(ready.infohash), pieces: ready.pieces };
}

/** Reads a BitTorrent stream: the 68-byte handshake, then length-prefixed messages. */
function reader(socket: TcpSocket) {
  let buf: Uint8Array = new Uint8Array(0);
  let closed = false;
  socket.setHandlers({
    data: (chunk) => {
      buf = concat([buf, chunk]); // a copy: the chunk is lent
    },
    close: () => {
      closed = true;
    },
  });
  async function take(n: number): Promise<Uint8Array> {
    const end = Date.now() + 10_000;
    while (buf.length < n) {
      if (closed) throw new Error(`connection closed with ${buf.length}/${n} bytes`);
      if (Date.now() > end) throw new Error(`timed out waiting for ${n} bytes`);
      await new Promise((r) => setTimeout(r, 5));
    }
    const out = buf.slice(0, n);
    buf = buf.slice(n);
    return out;
  }
  return {
    handshake: async () => parseHandshake(await take(HANDSHAKE_LENGTH)),
    /** The next message that is not a keep-alive: [id, payload]. */
    message: async (): Promise<[number, Uint8Array]> => {
      for (;;) {
        const length = readUint32BE(await take(4), 0);
        if (length === 0) continue;
        const body = await take(length);
        return [body[0]!, body.subarray(1)];
      }
    },
  };
}

/** libtorrent's announcement of a complete torrent: bitfield (id 5) with every piece set. */
function expectAllPieces(id: number, payload: Uint8Array, pieces: number): void {
  expect(id).toBe(5);
  const expected = new Uint8Array(Math.ceil(pieces / 8));
  for (let i = 0; i < pieces; i++) expected[i >> 3]! |= 0x80 >> (i & 7);
  expect(toHex(payload)).toBe(toHex(expected));
}

/** interested, wait for unchoke, request the first 16 KiB block: it must be the seeder's data. */
async function expectBlock(socket: TcpSocket, stream: ReturnType<typeof reader>): Promise<void> {
  socket.write(new Uint8Array([0, 0, 0, 1, 2]));
  for (;;) {
    const [id] = await stream.message();
    if (id === 1) break;
  }
  const request = new Uint8Array(17);
  request.set([0, 0, 0, 13, 6]);
  writeUint32BE(request, 13, 16384);
  socket.write(request);
  for (;;) {
    const [id, payload] = await stream.message();
    if (id !== 7) continue;
    expect(readUint32BE(payload, 0)).toBe(0);
    const block = payload.subarray(8);
    expect(block.length).toBe(16384);
    // lt_mse_peer.py writes byte i as (i * 7 + 3) % 251.
    const expected = Uint8Array.from({ length: 16384 }, (_, i) => (i * 7 + 3) % 251);
    expect(toHex(block)).toBe(toHex(expected));
    return;
  }
}

/**
 * Our outgoing MSE handshake on a new connection, started over when our key is one libtorrent
 * would mishash (HandshakeRedial, 1 in 256), as the Connector does.
 */
async function outgoingTo(seeder: Seeder, policy: EncryptionPolicy): Promise<{ socket: TcpSocket; encrypted: boolean }> {
  for (;;) {
    const socket = await network.connect({ host: '127.0.0.1', port: seeder.port }, { timeoutMs: 5000 });
    try {
      return await mse.outgoing(socket, seeder.infoHash, policy);
    } catch (error) {
      if (!(error instanceof HandshakeRedial)) throw error;
    }
  }
}

beforeAll(async () => {
  ws = await createWorkspace('mse');
});

afterAll(async () => {
  await ws?.cleanup();
});

describe('MSE outgoing to libtorrent with RC4 forced', () => {
  let seeder: Seeder;
  beforeAll(async () => {
    seeder = await startSeeder('lt-seeder');
  });

  for (const policy of ['required', 'preferred', 'allowed'] as EncryptionPolicy[]) {
    it(`'${policy}': RC4 negotiated, handshake and bitfield decrypted`, async () => {
      const started = performance.now();
      const result = await outgoingTo(seeder, policy);
      console.log(`MSE outgoing (${policy}) to libtorrent: ${(performance.now() - started).toFixed(1)} ms`);
      expect(result.encrypted).toBe(true);
      const stream = reader(result.socket);
      result.socket.write(encodeHandshake({ infoHash: seeder.infoHash, peerId: PEER_ID }));
      const hs = await stream.handshake();
      expect(toHex(hs.infoHash)).toBe(toHex(seeder.infoHash));
      const [id, payload] = await stream.message();
      expectAllPieces(id, payload, seeder.pieces);
      await expectBlock(result.socket, stream);
      result.socket.destroy();
    });
  }

  it("a plaintext connection is refused (so 'disabled' cannot reach it)", async () => {
    const socket = await network.connect({ host: '127.0.0.1', port: seeder.port }, { timeoutMs: 5000 });
    const result = await mse.outgoing(socket, seeder.infoHash, 'disabled');
    expect(result.encrypted).toBe(false);
    const stream = reader(result.socket);
    result.socket.write(encodeHandshake({ infoHash: seeder.infoHash, peerId: PEER_ID }));
    await expect(stream.handshake()).rejects.toThrow(/connection closed/);
  });
});

describe('MSE outgoing to libtorrent with encryption forced but plaintext allowed inside MSE', () => {
  // What tests/interop/peers/lt_peer.py --encryption forced sets up (allowed_enc_level = both).
  let seeder: Seeder;
  beforeAll(async () => {
    seeder = await startSeeder('lt-seeder-both', undefined, 'both');
  });

  for (const [policy, encrypted] of [
    ['required', true],
    ['preferred', false],
  ] as const) {
    it(`'${policy}': libtorrent selects ${encrypted ? 'RC4' : 'plaintext'}, and the stream works`, async () => {
      const result = await outgoingTo(seeder, policy);
      expect(result.encrypted).toBe(encrypted);
      const stream = reader(result.socket);
      result.socket.write(encodeHandshake({ infoHash: seeder.infoHash, peerId: PEER_ID }));
      expect(toHex((await stream.handshake()).infoHash)).toBe(toHex(seeder.infoHash));
      const [id, payload] = await stream.message();
      expectAllPieces(id, payload, seeder.pieces);
      await expectBlock(result.socket, stream);
      result.socket.destroy();
    });
  }
});

describe('many MSE handshakes with libtorrent', () => {
  // libtorrent mishashes a shared secret that starts with a zero byte (1 exchange in 256) and hangs
  // up; before the Connector redialled, 3,000 handshakes here met 15 refusals, every one with
  // S[0] = 0 (tests/unit/mse/libtorrent-secret-quirk.test.ts). 500 dials: 86 % odds of meeting it.
  it('500 dials through the Connector with encryption required: every one encrypted', async () => {
    const seeder = await startSeeder('lt-many', undefined, 'both');
    const connector = new Connector({ network, encryption: mse, policy: 'required', connectTimeoutMs: 5000 });
    const failures: string[] = [];
    for (let i = 0; i < 500; i++) {
      try {
        const stream = await connector.dial({ host: '127.0.0.1', port: seeder.port }, seeder.infoHash);
        expect(stream.encrypted).toBe(true);
        stream.socket.destroy();
      } catch (error) {
        failures.push(`dial ${i}: ${(error as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);
});

describe('MSE incoming from libtorrent with RC4 forced', () => {
  let listener: TcpListener | undefined;
  afterAll(async () => {
    await listener?.close();
  });

  it('answers its MSE handshake, then its BitTorrent handshake, and reads its bitfield', async () => {
    let accept!: (socket: TcpSocket) => void;
    const accepted = new Promise<TcpSocket>((resolve) => (accept = resolve));
    listener = await network.listen(0, '127.0.0.1', (socket) => accept(socket));
    const seeder = await startSeeder('lt-dialer', `127.0.0.1:${listener.port}`);
    const socket = await accepted;
    const result = await mse.incoming(socket, () => [new Uint8Array(20).fill(1), seeder.infoHash], 'required');
    expect(result.encrypted).toBe(true);
    const stream = reader(result.socket);
    const hs = await stream.handshake();
    expect(toHex(hs.infoHash)).toBe(toHex(seeder.infoHash));
    result.socket.write(encodeHandshake({ infoHash: seeder.infoHash, peerId: PEER_ID }));
    const [id, payload] = await stream.message();
    expectAllPieces(id, payload, seeder.pieces);
    result.socket.destroy();
  });
});
