/** Every way a peer can get the MSE handshake wrong: each fails fast, clearly, and frees the socket. */
import { describe, expect, it } from 'vitest';
import { TorrentError } from '../../../src/engine/util/errors.js';
import { ManualClock } from '../../../src/engine/util/clock.js';
import { bigIntToBytes } from '../../../src/engine/crypto/mse/dh.js';
import { bittorrentHandshake, INFO_HASH, mse, OTHER_HASH, randomData, rawInitiator, rawResponder, record, socketPair, until } from './helpers.js';

async function incomingFails(script: Parameters<typeof rawInitiator>[1], policy: 'allowed' | 'preferred' | 'required' = 'preferred', limits = {}) {
  const [client, server] = await socketPair(5);
  const pending = mse(1, limits).incoming(server, () => [INFO_HASH], policy);
  const outcome = pending.then(
    () => undefined,
    (e: unknown) => e,
  );
  // Not awaited: a receiver that fails early never sends the Yb the raw initiator waits for.
  void rawInitiator(client, script).catch(() => undefined);
  return { error: (await outcome) as TorrentError | undefined };
}

async function outgoingFails(script: Parameters<typeof rawResponder>[1], policy: 'allowed' | 'preferred' | 'required' = 'preferred') {
  const [client, server] = await socketPair(5);
  const outcome = mse(1).outgoing(client, INFO_HASH, policy).then(
    () => undefined,
    (e: unknown) => e,
  );
  const b = await rawResponder(server, script);
  const error = await outcome;
  return { error: error as TorrentError | undefined, b };
}

describe('incoming MSE: bad initiators', () => {
  it('garbage: no req1 hash within 512 bytes of padding', async () => {
    const [client, server] = await socketPair(9);
    const rec = record(client);
    client.write(randomData(2000));
    const error = await mse(1).incoming(server, () => [INFO_HASH], 'preferred').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TorrentError);
    expect((error as Error).message).toMatch(/encryption handshake with 10\.0\.0\.2:\d+ failed: .*req1.* not found within 512 bytes/);
    await until(() => rec.closed);
  });

  it('PadA longer than 512 bytes', async () => {
    const { error } = await incomingFails({ padA: 513 });
    expect(error?.message).toMatch(/req1.* not found within 512 bytes/);
  });

  it('PadA of exactly 512 bytes is accepted', async () => {
    const [client, server] = await socketPair(5);
    const pending = mse(1).incoming(server, () => [INFO_HASH], 'preferred');
    await rawInitiator(client, { padA: 512 });
    await expect(pending).resolves.toMatchObject({ encrypted: true });
  });

  it('unknown info hash', async () => {
    const { error } = await incomingFails({ infoHash: OTHER_HASH });
    expect(error?.kind).toBe('protocol');
    expect(error?.message).toMatch(/torrent we do not have/);
  });

  it('wrong verification constant', async () => {
    const { error } = await incomingFails({ vc: new Uint8Array([0, 0, 0, 0, 0, 0, 0, 1]) });
    expect(error?.message).toMatch(/wrong verification constant/);
  });

  it('len(PadC) over 512', async () => {
    const { error } = await incomingFails({ padC: 513 });
    expect(error?.message).toMatch(/PadC is 513 bytes, more than the allowed 512/);
  });

  it('len(IA) over the limit', async () => {
    const { error } = await incomingFails({ ia: new Uint8Array(100) }, 'preferred', { maxInitialPayload: 68 });
    expect(error?.message).toMatch(/initial payload is 100 bytes, more than the allowed 68/);
  });

  it('offers only plaintext to a receiver that requires RC4', async () => {
    const { error } = await incomingFails({ provide: 0x01 }, 'required');
    expect(error?.message).toMatch(/offers crypto methods 0x1, none of which the 'required'/);
  });

  it('offers no method at all', async () => {
    const { error } = await incomingFails({ provide: 0 });
    expect(error?.message).toMatch(/offers crypto methods 0x0/);
  });

  it('an invalid DH public key (1)', async () => {
    const { error } = await incomingFails({ publicKey: bigIntToBytes(1n, 96) });
    expect(error?.message).toMatch(/invalid Diffie-Hellman public key/);
  });

  it('truncated after the DH key: times out on the clock, socket closed', async () => {
    const clock = new ManualClock();
    const [client, server] = await socketPair(0);
    const rec = record(client);
    client.write(randomData(96 + 40));
    const outcome = mse(1, {}, clock).incoming(server, () => [INFO_HASH], 'preferred').catch((e: unknown) => e);
    await until(() => rec.bytes().length >= 96); // our Yb went out
    clock.advance(9_999);
    await new Promise((r) => setTimeout(r, 10));
    expect(rec.closed).toBe(false);
    clock.advance(1);
    const error = (await outcome) as TorrentError;
    expect(error.kind).toBe('network');
    expect(error.message).toMatch(/no answer within 10000 ms/);
    await until(() => rec.closed);
  });

  it('truncated inside the DH key: the peer closes, we fail at once', async () => {
    const [client, server] = await socketPair(0);
    client.write(randomData(50));
    client.close();
    const error = (await mse(1).incoming(server, () => [INFO_HASH], 'preferred').catch((e: unknown) => e)) as TorrentError;
    expect(error.kind).toBe('network');
    expect(error.message).toMatch(/peer closed the connection/);
  });

  it('silence: nothing at all times out', async () => {
    const clock = new ManualClock();
    const [, server] = await socketPair(0);
    const outcome = mse(1, {}, clock).incoming(server, () => [INFO_HASH], 'preferred').catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 5));
    clock.advance(10_000);
    expect(((await outcome) as Error).message).toMatch(/no answer within/);
  });

  it('a flood past maxBufferedBytes is cut', async () => {
    const [client, server] = await socketPair(0);
    client.write(randomData(300));
    const error = await mse(1, { maxBufferedBytes: 200 }).incoming(server, () => [INFO_HASH], 'preferred').catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/peer sent 300 bytes before the handshake completed \(limit 200\)/);
  });

  it("plaintext handshake refused under 'required'", async () => {
    const [client, server] = await socketPair(0);
    const rec = record(client);
    client.write(bittorrentHandshake());
    const error = await mse(1).incoming(server, () => [INFO_HASH], 'required').catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/plaintext BitTorrent handshake, but encryption is required/);
    await until(() => rec.closed);
  });

  it("MSE refused under 'disabled'", async () => {
    const [client, server] = await socketPair(0);
    client.write(randomData(96));
    const error = await mse(1).incoming(server, () => [INFO_HASH], 'disabled').catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/encryption is disabled/);
  });
});

describe('outgoing MSE: bad receivers', () => {
  it('PadB longer than 512 bytes: no VC found', async () => {
    const { error } = await outgoingFails({ padB: 513 });
    expect(error?.message).toMatch(/verification constant \(VC\) not found within 512 bytes/);
  });

  it('PadB of exactly 512 bytes is accepted', async () => {
    const [client, server] = await socketPair(5);
    const pending = mse(1).outgoing(client, INFO_HASH, 'preferred');
    await rawResponder(server, { padB: 512 });
    await expect(pending).resolves.toMatchObject({ encrypted: true });
  });

  it('wrong VC (keys for another torrent): never synchronises', async () => {
    // A long PadD pushes the bytes past the 512-byte window, so the search gives up.
    const { error } = await outgoingFails({ infoHash: OTHER_HASH, padD: 600 });
    expect(error?.message).toMatch(/verification constant \(VC\) not found/);
  });

  it('crypto_select of a method we did not offer (plaintext to a required initiator)', async () => {
    const { error } = await outgoingFails({ select: 0x01 }, 'required');
    expect(error?.message).toMatch(/selected crypto method 0x1, which we did not offer \(0x2\)/);
  });

  it('crypto_select of two methods at once', async () => {
    const { error } = await outgoingFails({ select: 0x03 });
    expect(error?.message).toMatch(/selected crypto method 0x3/);
  });

  it('crypto_select of an unknown method', async () => {
    const { error } = await outgoingFails({ select: 0x04 });
    expect(error?.message).toMatch(/selected crypto method 0x4/);
  });

  it('len(PadD) over 512', async () => {
    const { error } = await outgoingFails({ padD: 513 });
    expect(error?.message).toMatch(/PadD is 513 bytes, more than the allowed 512/);
  });

  it('an invalid DH public key (0)', async () => {
    const { error } = await outgoingFails({ publicKey: new Uint8Array(96) });
    expect(error?.message).toMatch(/invalid Diffie-Hellman public key/);
  });

  it('plaintext selected: payload after PadD comes through unencrypted', async () => {
    const [client, server] = await socketPair(3);
    const pending = mse(1).outgoing(client, INFO_HASH, 'allowed');
    await rawResponder(server, { select: 0x01, payload: new Uint8Array([5, 6, 7]) });
    const out = await pending;
    expect(out.encrypted).toBe(false);
    const rec = record(out.socket);
    await until(() => rec.bytes().length === 3);
    expect([...rec.bytes()]).toEqual([5, 6, 7]);
  });

  it('RC4 selected: payload sent with step 4 is decrypted and replayed', async () => {
    const [client, server] = await socketPair(3);
    const pending = mse(1).outgoing(client, INFO_HASH, 'required');
    const b = await rawResponder(server, { payload: new Uint8Array([5, 6, 7]) });
    const out = await pending;
    const rec = record(out.socket);
    const more = new Uint8Array([8]);
    b.encrypt.process(more);
    server.write(more);
    await until(() => rec.bytes().length === 4);
    expect([...rec.bytes()]).toEqual([5, 6, 7, 8]);
  });

  it('a receiver that hangs up mid-handshake', async () => {
    const [client, server] = await socketPair(0);
    const outcome = mse(1).outgoing(client, INFO_HASH, 'preferred').catch((e: unknown) => e);
    const rec = record(server);
    await until(() => rec.bytes().length >= 96);
    server.write(randomData(40));
    server.close();
    expect(((await outcome) as Error).message).toMatch(/peer closed the connection/);
  });
});
