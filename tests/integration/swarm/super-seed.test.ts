import { describe, expect, it } from 'vitest';
import { createMemoryPlatform, MemoryHub } from '../../../src/platform/memory/index.js';
import { Client } from '../../../src/engine/session/client.js';
import { parseTorrent } from '../../../src/engine/metainfo/index.js';
import { encodeHandshake } from '../../../src/engine/wire/handshake.js';
import { encodeHaveNone } from '../../../src/engine/wire/message-encoder.js';
import { WireParser } from '../../../src/engine/wire/message-parser.js';
import type { WireMessage as Message } from '../../../src/engine/wire/messages.js';
import type { Torrent } from '../../../src/engine/session/torrent.js';
import { platformWith, sampleTorrents, until } from './policy-helpers.js';

const SEEDER = { host: '10.8.0.1', port: 6881 };

describe('super-seeding (BEP 16) in memory', () => {
  it('hides our pieces, shows each peer one at a time, and every leecher completes', async () => {
    const hub = new MemoryHub();
    const [sample] = await sampleTorrents(1, 24 * 16 * 1024); // 24 pieces
    const meta = parseTorrent(sample!.bytes);
    const seeder = await Client.create({ platform: await platformWith(hub, SEEDER.host, 'seed', [sample!]), port: SEEDER.port, dht: false, encryption: 'disabled' });
    const seeding = await seeder.add({ kind: 'torrent', bytes: sample!.bytes }, { destination: 'seed', superSeed: true });
    await until('seeding', () => seeding.state === 'seeding');

    // A spy that speaks the wire itself and never downloads: it records what the seeder shows it.
    const seen: { at: number; m: Message }[] = [];
    const spy = await hub.host('10.8.0.99').connect(SEEDER);
    const parser = new WireParser((m) => seen.push({ at: Date.now(), m }), { expectHandshake: true, onHandshake: () => undefined });
    parser.setPieceCount?.(meta.pieceCount);
    spy.setHandlers({ data: (chunk) => parser.push(chunk), close: () => undefined });
    spy.write(encodeHandshake({ infoHash: meta.infoHash, peerId: new Uint8Array(20).fill(9), fast: true }));
    spy.write(encodeHaveNone());

    const leechers: Torrent[] = [];
    const clients: Client[] = [];
    for (let i = 0; i < 3; i++) {
      const client = await Client.create({ platform: createMemoryPlatform(hub, `10.8.1.${i + 1}`), port: 7000 + i, dht: false, encryption: 'disabled' });
      const peers = [SEEDER, ...[0, 1, 2].filter((j) => j !== i).map((j) => ({ host: `10.8.1.${j + 1}`, port: 7000 + j }))];
      leechers.push(await client.add({ kind: 'torrent', bytes: sample!.bytes }, { destination: 'down', peers }));
      clients.push(client);
    }
    await until('every leecher done', () => leechers.every((t) => t.isDone()), 45_000);

    // The spy was never shown our bitfield, and its first offer was a single piece.
    const haveState = seen.filter(({ m }) => m.type === 'bitfield' || m.type === 'have-all' || m.type === 'have-none');
    expect(haveState.map(({ m }) => m.type)).toEqual(['have-none']);
    // Shown one piece at a time (bursts: HAVEs arriving together), until the final reveal of
    // everything once every piece had reached a peer.
    const shown = (): { at: number; m: { index: number } }[] => seen.filter(({ m }) => m.type === 'have') as { at: number; m: { index: number } }[];
    await until('reveal', () => shown().length >= meta.pieceCount, 5_000);
    const haves = shown();
    // Each piece shown once: one at a time, then the rest together.
    expect(haves.map((h) => h.m.index).sort((a, b) => a - b)).toEqual([...Array(meta.pieceCount).keys()]);
    const bursts: number[] = [];
    for (let i = 0; i < haves.length; i++) {
      if (i > 0 && haves[i]!.at - haves[i - 1]!.at < 100) bursts[bursts.length - 1]!++;
      else bursts.push(1);
    }
    expect(bursts.length).toBeGreaterThan(1);
    expect(bursts.slice(0, -1).every((n) => n === 1), `bursts ${bursts.join(',')}`).toBe(true);
    // The seeder uploaded well under one copy per leecher: the leechers spread the pieces.
    expect(seeding.stats().uploaded).toBeLessThan(2 * meta.totalLength);
    for (const t of leechers) expect(t.stats().progress).toBe(1);
    spy.destroy();
    await Promise.all([seeder.close(), ...clients.map((c) => c.close())]);
  }, 60_000);
});
