import { describe, expect, it } from 'vitest';
import { createMemoryPlatform, MemoryHub } from '../../../src/platform/memory/index.js';
import { Client } from '../../../src/engine/session/client.js';
import { platformWith, sampleTorrents, until } from './policy-helpers.js';

const SEEDER = { host: '10.12.0.1', port: 6881 };
const LIMIT = 256 * 1024;

/** Downloads 1 MiB (16 KiB pieces) under a 256 KiB/s global limit; wire bytes and payload per second. */
async function run(countOverhead: boolean, port: number): Promise<{ payloadRate: number; wireRate: number; overheadShare: number; charged: number }> {
  const hub = new MemoryHub();
  const [torrent] = await sampleTorrents(1, 1024 * 1024);
  const seeder = await Client.create({ platform: await platformWith(hub, SEEDER.host, 'seed', [torrent!]), port: SEEDER.port, dht: false, utp: false });
  await seeder.add({ kind: 'torrent', bytes: torrent!.bytes }, { destination: 'seed' });
  const client = await Client.create({ platform: createMemoryPlatform(hub, '10.12.0.2'), port, dht: false, utp: false, downloadLimit: LIMIT, countOverhead });
  const started = Date.now();
  const t = await client.add({ kind: 'torrent', bytes: torrent!.bytes }, { destination: 'down', peers: [SEEDER] });
  // Connections keep their counts after they close (a finished download drops its seed peers).
  const seen = new Set<{ bytesReceived: number }>();
  const sample = setInterval(() => {
    for (const conn of t.connections()) seen.add(conn);
  }, 5);
  await until('downloaded', () => t.isDone(), 30_000);
  clearInterval(sample);
  let wire = 0;
  for (const conn of seen) wire += conn.bytesReceived;
  const seconds = (Date.now() - started) / 1000;
  const payload = t.download.meter.total;
  const charged = client['policies'].overhead?.totalDown ?? 0;
  await Promise.all([seeder.close(), client.close()]);
  return { payloadRate: payload / seconds, wireRate: wire / seconds, overheadShare: (wire - payload) / wire, charged };
}

describe('protocol overhead in the global download limit (memory swarm, 1 MiB, 16 KiB pieces)', () => {
  it('off (the CLI): payload alone meets the limit; on (the extension): overhead is charged too', async () => {
    const off = await run(false, 7101);
    const on = await run(true, 7102);
    console.log(`overhead: off ${JSON.stringify(off)}; on ${JSON.stringify(on)}`);
    expect(off.charged).toBe(0);
    expect(on.charged).toBeGreaterThan(0);
    // The wire carries a little more than payload: headers of 13 bytes per 16 KiB block, HAVEs,
    // the handshakes and bitfields.
    expect(on.overheadShare).toBeGreaterThan(0);
    expect(on.overheadShare).toBeLessThan(0.02);
    // Either way within the limit plus the first second's burst, averaged over the run (~4 s).
    for (const r of [off, on]) expect(r.wireRate).toBeLessThan(LIMIT * 1.3);
  }, 60_000);
});
