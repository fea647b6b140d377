import { describe, expect, it } from 'vitest';
import { createMemoryPlatform, MemoryHub } from '../../../src/platform/memory/index.js';
import { Client } from '../../../src/engine/session/client.js';
import { ResumeStore } from '../../../src/engine/storage/resume-store.js';

const MAGNET =
  'magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567&dn=Some%20Name&tr=udp%3A%2F%2F10.9.9.9%3A6969&x.pe=10.0.0.9:6881';

describe('resume records', () => {
  it('a magnet whose metadata never arrives is saved at once, with the link as given', async () => {
    const hub = new MemoryHub();
    const platform = createMemoryPlatform(hub, '10.0.3.1');
    const client = await Client.create({ platform, port: 7300 });
    await client.add({ kind: 'magnet', uri: MAGNET }, { destination: 'dl' });
    const record = await new ResumeStore(platform.kv).load('0123456789abcdef0123456789abcdef01234567');
    expect(record?.magnet).toBe(MAGNET);
    expect(record?.name).toBe('Some Name');
    expect(record?.destination).toBe('dl');
    await client.close();
  });

  it('after a restart, restore() brings the magnet back under its name, still fetching metadata', async () => {
    const hub = new MemoryHub();
    const first = createMemoryPlatform(hub, '10.0.3.2');
    const client = await Client.create({ platform: first, port: 7301 });
    await client.add({ kind: 'magnet', uri: MAGNET }, { destination: 'dl' });
    await client.close();

    const again = createMemoryPlatform(hub, '10.0.3.2', { kv: first.kv, storages: first.storages });
    const restarted = await Client.create({ platform: again, port: 7301 });
    const [torrent] = await restarted.restore();
    expect(torrent?.infoHashHex).toBe('0123456789abcdef0123456789abcdef01234567');
    expect(torrent?.stats().name).toBe('Some Name');
    expect(torrent?.state).toBe('metadata');
    await restarted.close();
  });
});
