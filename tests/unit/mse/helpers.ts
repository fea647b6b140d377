/** Shared test kit for MSE: memory socket pairs, a byte recorder, and a hand-driven peer. */
import { MemoryHub } from '../../../src/platform/memory/memory-hub.js';
import type { TcpSocket } from '../../../src/platform/interfaces/net.js';
import { concat, equalBytes, utf8, writeUint16BE, writeUint32BE } from '../../../src/engine/util/bytes.js';
import { SeededRandom } from '../../../src/engine/util/random.js';
import { systemClock, type Clock } from '../../../src/engine/util/clock.js';
import { createStreamEncryption } from '../../../src/engine/crypto/mse/index.js';
import type { MseLimits } from '../../../src/engine/crypto/mse/limits.js';
import { dhSharedSecret, generateDhKeyPair } from '../../../src/engine/crypto/mse/dh.js';
import { rc4Keys, req1Hash, req2Hash, req3Hash, xor20 } from '../../../src/engine/crypto/mse/derive.js';
import { mseRc4, type Rc4 } from '../../../src/engine/crypto/mse/rc4.js';

export const INFO_HASH = new Uint8Array(20).fill(0xab);
export const OTHER_HASH = new Uint8Array(20).fill(0x11);

export function seededBytes(seed: number): (n: number) => Uint8Array {
  const random = new SeededRandom(seed);
  return (n) => Uint8Array.from({ length: n }, () => random.int(256));
}

export function mse(seed: number, limits?: Partial<MseLimits>, clock: Clock = systemClock) {
  return createStreamEncryption({ randomBytes: seededBytes(seed), clock, limits });
}

export async function socketPair(maxChunk = 0, seed = 1): Promise<[TcpSocket, TcpSocket]> {
  const hub = new MemoryHub({ maxChunk, random: new SeededRandom(seed) });
  let server!: TcpSocket;
  await hub.host('10.0.0.1').listen(6881, '0.0.0.0', (s) => (server = s));
  const client = await hub.host('10.0.0.2').connect({ host: '10.0.0.1', port: 6881 });
  return [client, server];
}

export const tick = (ms = 2): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await tick();
  }
}

export interface Recorder {
  chunks: Uint8Array[];
  closed: boolean;
  closeError: Error | undefined;
  bytes(): Uint8Array;
  /** Resolves with the first n bytes once they arrived. */
  take(n: number): Promise<Uint8Array>;
}

export function record(socket: TcpSocket): Recorder {
  const r: Recorder = {
    chunks: [],
    closed: false,
    closeError: undefined,
    bytes: () => concat(r.chunks),
    take: async (n) => {
      await until(() => r.bytes().length >= n);
      return r.bytes().slice(0, n);
    },
  };
  socket.setHandlers({
    // Copy: chunks are lent for the call only.
    data: (c) => r.chunks.push(c.slice()),
    close: (e) => {
      r.closed = true;
      r.closeError = e;
    },
  });
  return r;
}

export function randomData(n: number, seed = 7): Uint8Array {
  return seededBytes(seed)(n);
}

export function bittorrentHandshake(infoHash = INFO_HASH): Uint8Array {
  const out = new Uint8Array(68);
  out[0] = 19;
  out.set(utf8('BitTorrent protocol'), 1);
  out.set(infoHash, 28);
  out.set(new Uint8Array(20).fill(0x2d), 48);
  return out;
}

/** Knobs of a hand-driven initiator ("A"); defaults are a correct handshake. */
export interface InitiatorScript {
  infoHash?: Uint8Array;
  provide?: number;
  padA?: number;
  /** Declared len(PadC) (the pad itself is that many zeros). */
  padC?: number;
  vc?: Uint8Array;
  ia?: Uint8Array;
  publicKey?: Uint8Array;
  /** Seed of A's key pair (default 99). */
  keySeed?: number;
  /** The mask A puts over HASH('req2', SKEY) (default HASH('req3', S)). */
  req3Mask?: (secret: Uint8Array) => Uint8Array;
}

/**
 * Plays A against our incoming side, step by step, over `socket`. Returns A's keystreams so the
 * test can go on speaking encrypted, and what it recorded.
 */
export async function rawInitiator(socket: TcpSocket, script: InitiatorScript = {}) {
  const rec = record(socket);
  const keys = generateDhKeyPair(seededBytes(script.keySeed ?? 99));
  const infoHash = script.infoHash ?? INFO_HASH;
  socket.write(concat([script.publicKey ?? keys.publicKey, new Uint8Array(script.padA ?? 13).fill(7)]));
  const yb = await rec.take(96);
  const secret = dhSharedSecret(keys.privateKey, yb);
  const { keyA, keyB } = rc4Keys(secret, infoHash);
  const encrypt = mseRc4(keyA);
  const decrypt = mseRc4(keyB);
  const ia = script.ia ?? new Uint8Array(0);
  const padC = script.padC ?? 5;
  const fields = new Uint8Array(8 + 4 + 2 + padC + 2 + ia.length);
  fields.set(script.vc ?? new Uint8Array(8), 0);
  writeUint32BE(fields, 8, script.provide ?? 0x03);
  writeUint16BE(fields, 12, padC);
  writeUint16BE(fields, 14 + padC, ia.length);
  fields.set(ia, 16 + padC);
  encrypt.process(fields);
  socket.write(concat([req1Hash(secret), xor20(req2Hash(infoHash), (script.req3Mask ?? req3Hash)(secret)), fields]));
  return { rec, encrypt, decrypt, secret };
}

/** Knobs of a hand-driven receiver ("B") answering our outgoing side. */
export interface ResponderScript {
  infoHash?: Uint8Array;
  select?: number;
  padB?: number;
  padD?: number;
  vc?: Uint8Array;
  publicKey?: Uint8Array;
  /** Plaintext to send right after step 4 (encrypted with RC4 when select is RC4). */
  payload?: Uint8Array;
}

export async function rawResponder(socket: TcpSocket, script: ResponderScript = {}) {
  const rec = record(socket);
  const keys = generateDhKeyPair(seededBytes(98));
  const ya = await rec.take(96);
  const secret = dhSharedSecret(keys.privateKey, ya);
  const { keyA, keyB } = rc4Keys(secret, script.infoHash ?? INFO_HASH);
  const encrypt: Rc4 = mseRc4(keyB);
  const decrypt: Rc4 = mseRc4(keyA);
  const padD = script.padD ?? 3;
  const select = script.select ?? 0x02;
  const fields = new Uint8Array(8 + 4 + 2 + padD);
  fields.set(script.vc ?? new Uint8Array(8), 0);
  writeUint32BE(fields, 8, select);
  writeUint16BE(fields, 12, padD);
  encrypt.process(fields);
  const payload = (script.payload ?? new Uint8Array(0)).slice();
  if (select === 0x02) encrypt.process(payload);
  socket.write(concat([script.publicKey ?? keys.publicKey, new Uint8Array(script.padB ?? 17).fill(9), fields, payload]));
  return { rec, encrypt, decrypt, secret, ya };
}

export { equalBytes };
