/**
 * libtorrent 2.0.8 hashes the shared secret S for HASH('req3', S) from its significant bytes
 * only: when S starts with a zero byte (1 key exchange in 256) its mask is SHA-1 of 'req3', S's
 * 95 last bytes and one byte it never set. As receiver it then cannot name the torrent and hangs
 * up; as initiator it sends a mask no correct receiver matches. Our outgoing side redials with a
 * fresh key before naming the torrent; our incoming side also tries the 256 masks it may have used.
 * (tests/integration/mse/libtorrent-mse.test.ts runs this against the real libtorrent.)
 */
import { describe, expect, it } from 'vitest';
import { Connector } from '../../../src/engine/peer/connector.js';
import { HandshakeRedial } from '../../../src/engine/peer/transport.js';
import { dhSharedSecret, generateDhKeyPair } from '../../../src/engine/crypto/mse/dh.js';
import { shiftedReq3Masks } from '../../../src/engine/crypto/mse/derive.js';
import { concat, toHex, utf8 } from '../../../src/engine/util/bytes.js';
import { sha1 } from '../../../src/engine/util/sha1.js';
import { MemoryHub } from '../../../src/platform/memory/memory-hub.js';
import { SeededRandom } from '../../../src/engine/util/random.js';
import type { TcpSocket } from '../../../src/platform/interfaces/net.js';
import { INFO_HASH, mse, OTHER_HASH, rawInitiator, record, seededBytes, socketPair, until } from './helpers.js';

/** The first seed pair whose key exchange gives an S with exactly one leading zero byte. */
function findZeroLeadingPair(first: (seed: number) => number, second: (seed: number) => number): number {
  for (let seed = 1; seed < 5000; seed++) {
    const a = generateDhKeyPair(seededBytes(first(seed)));
    const b = generateDhKeyPair(seededBytes(second(seed)));
    const secret = dhSharedSecret(a.privateKey, b.publicKey);
    if (secret[0] === 0 && secret[1] !== 0) return seed;
  }
  throw new Error('no seed gives a leading zero byte');
}

/** What libtorrent 2.0.8 masks HASH('req2', SKEY) with for such an S (its unset byte: `last`). */
function libtorrentMask(secret: Uint8Array, last: number): Uint8Array {
  return sha1(concat([utf8('req3'), secret.subarray(1), Uint8Array.of(last)]));
}

describe("a shared secret with a leading zero byte (libtorrent's req3 quirk)", () => {
  it('outgoing: refuses to go on with that key (HandshakeRedial) before naming the torrent', async () => {
    // Our outgoing side draws its key first from mse(seed); the hand-driven responder uses seed 98.
    const seed = findZeroLeadingPair((s) => s, () => 98);
    const [client, server] = await socketPair(0, seed);
    const seen = record(server);
    const responderKey = generateDhKeyPair(seededBytes(98));
    const outgoing = mse(seed).outgoing(client, INFO_HASH, 'required');
    await until(() => seen.bytes().length >= 96);
    server.write(responderKey.publicKey);
    await expect(outgoing).rejects.toBeInstanceOf(HandshakeRedial);
    // Ya and PadA only: no HASH('req1', S), nothing derived from the infohash.
    await until(() => seen.closed);
    expect(seen.bytes().length).toBeLessThanOrEqual(96 + 512);
  });

  it('the Connector redials on a fresh connection and the handshake then succeeds', async () => {
    const hub = new MemoryHub({ random: new SeededRandom(3) });
    const accepted: TcpSocket[] = [];
    // The receiver's key is fixed (seed 98 for every connection); the dialer's keys come from a
    // stream whose first key gives S[0] = 0 with it, the next ones whatever they give.
    const seed = findZeroLeadingPair((s) => s, () => 98);
    const results: Promise<unknown>[] = [];
    await hub.host('10.0.0.1').listen(6881, '0.0.0.0', (socket) => {
      accepted.push(socket);
      // A fresh receiver per connection, its key always from seed 98.
      const fresh = mse(98);
      results.push(fresh.incoming(socket, () => [INFO_HASH], 'required').catch((e: Error) => e));
    });
    const connector = new Connector({ network: hub.host('10.0.0.2'), encryption: mse(seed), policy: 'required', connectTimeoutMs: 1000 });
    const stream = await connector.dial({ host: '10.0.0.1', port: 6881 }, INFO_HASH);
    expect(stream.encrypted).toBe(true);
    expect(accepted.length).toBe(2);
    const outcomes = await Promise.all(results);
    expect(outcomes[0]).toBeInstanceOf(Error); // the first connection was dropped by us
    expect(outcomes[1]).not.toBeInstanceOf(Error);
  });

  it('incoming: names the torrent from the mask a libtorrent initiator computes', async () => {
    // Our incoming side's key is the first draw of mse(seed + 1000); the initiator's is keySeed.
    const seed = findZeroLeadingPair((s) => 5000 + s, (s) => s + 1000);
    for (const last of [0x00, 0xc3, 0xff]) {
      const [client, server] = await socketPair(0, seed);
      const incoming = mse(seed + 1000).incoming(server, () => [OTHER_HASH, INFO_HASH], 'required');
      const a = await rawInitiator(client, { keySeed: 5000 + seed, req3Mask: (secret) => libtorrentMask(secret, last) });
      expect(a.secret[0]).toBe(0);
      // Without the candidate masks this rejects: "no info hash matches".
      const result = await incoming;
      expect(result.encrypted).toBe(true);
    }
  });

  it('the 256 candidate masks exist only for exactly one leading zero byte', () => {
    const secret = new Uint8Array(96).fill(5);
    expect(shiftedReq3Masks(secret)).toHaveLength(0);
    secret[0] = 0;
    expect(shiftedReq3Masks(secret)).toHaveLength(256);
    expect(toHex(shiftedReq3Masks(secret)[0xc3]!)).toBe(toHex(libtorrentMask(secret, 0xc3)));
    secret[1] = 0;
    expect(shiftedReq3Masks(secret)).toHaveLength(0);
  });
});
