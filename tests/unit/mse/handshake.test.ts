import { describe, expect, it } from 'vitest';
import type { EncryptionPolicy } from '../../../src/engine/peer/transport.js';
import type { TcpSocket } from '../../../src/platform/interfaces/net.js';
import { toHex } from '../../../src/engine/util/bytes.js';
import {
  bittorrentHandshake,
  INFO_HASH,
  mse,
  OTHER_HASH,
  randomData,
  rawInitiator,
  record,
  socketPair,
  until,
} from './helpers.js';

async function handshake(outPolicy: EncryptionPolicy, inPolicy: EncryptionPolicy, maxChunk = 7, seed = 1) {
  const [client, server] = await socketPair(maxChunk, seed);
  const [out, inc] = await Promise.all([
    mse(seed).outgoing(client, INFO_HASH, outPolicy),
    mse(seed + 1000).incoming(server, () => [OTHER_HASH, INFO_HASH], inPolicy),
  ]);
  return { out, inc, client, server };
}

/** Sends `data` from a to b (as a few writes) and returns what b received. */
async function pipe(a: TcpSocket, b: TcpSocket, data: Uint8Array): Promise<Uint8Array> {
  const rec = record(b);
  for (let i = 0; i < data.length; i += 70_000) a.write(data.subarray(i, i + 70_000));
  await until(() => rec.bytes().length >= data.length);
  return rec.bytes();
}

describe('MSE between our own outgoing and incoming sides', () => {
  it('preferred <-> preferred selects RC4 and carries bytes both ways', async () => {
    const { out, inc } = await handshake('preferred', 'preferred');
    expect(out.encrypted).toBe(true);
    expect(inc.encrypted).toBe(true);
    const ab = randomData(5000, 1);
    const ba = randomData(3000, 2);
    expect(toHex(await pipe(out.socket, inc.socket, ab))).toBe(toHex(ab));
    expect(toHex(await pipe(inc.socket, out.socket, ba))).toBe(toHex(ba));
  });

  it('survives every chunking seed with random 1..7-byte deliveries', async () => {
    for (let seed = 1; seed <= 12; seed++) {
      const { out, inc } = await handshake('preferred', 'preferred', 7, seed);
      const data = randomData(600, seed);
      expect(toHex(await pipe(out.socket, inc.socket, data))).toBe(toHex(data));
    }
  });

  it('carries 1 MiB encrypted through whole-write deliveries', async () => {
    const { out, inc } = await handshake('required', 'required', 0);
    const data = randomData(1 << 20, 3);
    expect(toHex(await pipe(out.socket, inc.socket, data))).toBe(toHex(data));
  });

  it("does not alter the caller's buffer when encrypting a write", async () => {
    const { out, inc } = await handshake('preferred', 'preferred', 0);
    const data = randomData(100, 4);
    const copy = data.slice();
    const rec = record(inc.socket);
    out.socket.write(data);
    expect(toHex(data)).toBe(toHex(copy));
    await until(() => rec.bytes().length === 100);
  });

  it("an 'allowed' receiver picks plaintext when both are offered", async () => {
    const { out, inc } = await handshake('allowed', 'allowed');
    expect(out.encrypted).toBe(false);
    expect(inc.encrypted).toBe(false);
    const data = randomData(2000, 5);
    expect(toHex(await pipe(out.socket, inc.socket, data))).toBe(toHex(data));
    expect(toHex(await pipe(inc.socket, out.socket, data))).toBe(toHex(data));
  });

  it("a 'required' initiator gets RC4 even from an 'allowed' receiver", async () => {
    const { out, inc } = await handshake('required', 'allowed');
    expect(out.encrypted).toBe(true);
    expect(inc.encrypted).toBe(true);
  });

  it("a 'preferred' initiator gets RC4 from a 'required' receiver", async () => {
    const { out, inc } = await handshake('preferred', 'required');
    expect([out.encrypted, inc.encrypted]).toEqual([true, true]);
  });

  it("an outgoing 'disabled' connection is the raw socket, nothing written", async () => {
    const [client, server] = await socketPair();
    const result = await mse(1).outgoing(client, INFO_HASH, 'disabled');
    expect(result.socket).toBe(client);
    expect(result.encrypted).toBe(false);
    expect(client.bufferedAmount).toBe(0);
    void server;
  });

  it('the incoming side finds the right torrent among several', async () => {
    const [client, server] = await socketPair(5);
    const hashes = Array.from({ length: 50 }, (_, i) => new Uint8Array(20).fill(i));
    hashes.push(INFO_HASH);
    const [out, inc] = await Promise.all([
      mse(1).outgoing(client, INFO_HASH, 'preferred'),
      mse(2).incoming(server, () => hashes, 'preferred'),
    ]);
    expect(inc.encrypted && out.encrypted).toBe(true);
  });
});

describe('incoming plaintext detection', () => {
  it('passes a plaintext BitTorrent handshake through, replaying the sniffed bytes', async () => {
    const [client, server] = await socketPair(3);
    const hs = bittorrentHandshake();
    client.write(hs);
    client.write(new Uint8Array([0, 0, 0, 1, 2]));
    const inc = await mse(1).incoming(server, () => [INFO_HASH], 'preferred');
    expect(inc.encrypted).toBe(false);
    const rec = record(inc.socket);
    await until(() => rec.bytes().length === 73);
    expect(toHex(rec.bytes())).toBe(toHex(hs) + '0000000102');
  });

  it("'disabled' still accepts plaintext", async () => {
    const [client, server] = await socketPair(1);
    client.write(bittorrentHandshake());
    const inc = await mse(1).incoming(server, () => [INFO_HASH], 'disabled');
    expect(inc.encrypted).toBe(false);
  });

  it('a key that starts with byte 19 is still taken for MSE once the protocol string differs', async () => {
    const [client, server] = await socketPair(2);
    // 19 then 'B' then junk: diverges at byte 2, so it is MSE (and fails later as garbage).
    const junk = new Uint8Array(700).fill(0x55);
    junk[0] = 19;
    junk[1] = 0x42;
    client.write(junk);
    await expect(mse(1).incoming(server, () => [INFO_HASH], 'preferred')).rejects.toThrow(/HASH\('req1', S\)\S* not found/);
  });
});

describe('initial payload (IA)', () => {
  it('is decrypted and replayed first when RC4 is selected', async () => {
    const [client, server] = await socketPair(4);
    const hs = bittorrentHandshake();
    const pending = mse(1).incoming(server, () => [INFO_HASH], 'required');
    const a = await rawInitiator(client, { ia: hs, provide: 0x02 });
    const inc = await pending;
    expect(inc.encrypted).toBe(true);
    const rec = record(inc.socket);
    const after = new Uint8Array([1, 2, 3]);
    a.encrypt.process(after);
    client.write(after);
    await until(() => rec.bytes().length === 71);
    expect(toHex(rec.bytes())).toBe(toHex(hs) + '010203');
  });

  it('is RC4 even when plaintext is selected; what follows is plaintext', async () => {
    const [client, server] = await socketPair(4);
    const hs = bittorrentHandshake();
    const pending = mse(1).incoming(server, () => [INFO_HASH], 'allowed');
    await rawInitiator(client, { ia: hs, provide: 0x03 });
    const inc = await pending;
    expect(inc.encrypted).toBe(false);
    const rec = record(inc.socket);
    client.write(new Uint8Array([9, 8]));
    await until(() => rec.bytes().length === 70);
    expect(toHex(rec.bytes())).toBe(toHex(hs) + '0908');
  });
});
