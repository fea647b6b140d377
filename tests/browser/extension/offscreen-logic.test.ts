// The offscreen document's pure parts, without a browser: what the add field accepts and
// refuses, what is kept for torrents the engine cannot run yet, and how they are listed.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseTorrent } from '../../../src/engine/metainfo/index.js';
import { ResumeStore } from '../../../src/engine/storage/resume-store.js';
import { NetError, type HttpClient, type HttpRequest } from '../../../src/platform/interfaces/index.js';
import { MemoryKeyValueStore } from '../../../src/platform/memory/memory-kv.js';
import { parseAddSource } from '../../../src/extension/offscreen/add-source.js';
import { listSaved } from '../../../src/extension/offscreen/saved-list.js';
import { SavedTorrents, fromBase64, toBase64 } from '../../../src/extension/offscreen/saved-torrents.js';
import { SwitchableNetwork } from '../../../src/extension/offscreen/switchable-network.js';

const MULTI = new Uint8Array(readFileSync(fileURLToPath(new URL('../../fixtures/metainfo/multi.torrent', import.meta.url))));
const HYBRID = new Uint8Array(readFileSync(fileURLToPath(new URL('../../fixtures/metainfo/hybrid-libtorrent.torrent', import.meta.url))));
const HASH = '0123456789abcdef0123456789abcdef01234567';

function http(answer: (request: HttpRequest) => { status: number; body: Uint8Array }): HttpClient & { requests: HttpRequest[] } {
  const requests: HttpRequest[] = [];
  return {
    requests,
    async get(request) {
      requests.push(request);
      return { headers: {}, ...answer(request) };
    },
  };
}
const noHttp = http(() => {
  throw new Error('no network in this test');
});

describe('add field input', () => {
  it('a magnet gives its infohash and dn name', async () => {
    const parsed = await parseAddSource({ kind: 'magnet', uri: `magnet:?xt=urn:btih:${HASH}&dn=Some%20name` }, noHttp);
    expect(parsed).toMatchObject({ infoHash: HASH, name: 'Some name', source: { kind: 'magnet' } });
  });

  it('a bare 40-hex infohash is taken as a magnet', async () => {
    const parsed = await parseAddSource({ kind: 'url', url: HASH.toUpperCase() }, noHttp);
    expect(parsed.infoHash).toBe(HASH);
  });

  it('words that are neither a magnet nor a URL are refused with what to enter', async () => {
    await expect(parseAddSource({ kind: 'url', url: 'not a magnet' }, noHttp)).rejects.toThrow(/magnet link/);
  });

  it('a URL that is not http(s) is refused without fetching', async () => {
    const client = http(() => ({ status: 200, body: MULTI }));
    await expect(parseAddSource({ kind: 'url', url: 'file:///etc/passwd' }, client)).rejects.toThrow(/http\(s\)/);
    expect(client.requests).toEqual([]);
  });

  it('a broken magnet is refused with the engine message', async () => {
    await expect(parseAddSource({ kind: 'magnet', uri: 'magnet:?dn=no-hash' }, noHttp)).rejects.toThrow();
  });

  it('a .torrent URL is fetched with a size cap and parsed', async () => {
    const client = http(() => ({ status: 200, body: MULTI }));
    const parsed = await parseAddSource({ kind: 'url', url: 'https://example.test/a.torrent' }, client);
    expect(parsed.infoHash).toBe(parseTorrent(MULTI).infoHashHex);
    expect(client.requests[0]!.maxBytes).toBeGreaterThan(0);
  });

  it('a URL answering 404 is reported with the status', async () => {
    const client = http(() => ({ status: 404, body: new Uint8Array() }));
    await expect(parseAddSource({ kind: 'url', url: 'https://example.test/a.torrent' }, client)).rejects.toThrow(/404/);
  });

  it('a URL serving something else than a torrent is refused', async () => {
    const client = http(() => ({ status: 200, body: new TextEncoder().encode('<html>') }));
    await expect(parseAddSource({ kind: 'url', url: 'https://example.test/a.torrent' }, client)).rejects.toThrow(/not a usable \.torrent/);
  });

  it('.torrent bytes arrive as base64', async () => {
    const parsed = await parseAddSource({ kind: 'torrent', base64: toBase64(MULTI) }, noHttp);
    expect(parsed.infoHash).toBe(parseTorrent(MULTI).infoHashHex);
  });
});

describe('saved torrents', () => {
  it('base64 round-trips bytes beyond one fromCharCode chunk', () => {
    const bytes = new Uint8Array(100_000).map((_, i) => (i * 7) & 0xff);
    expect(fromBase64(toBase64(bytes))).toEqual(bytes);
  });

  it('keeps a magnet and .torrent bytes as given', async () => {
    const saved = new SavedTorrents(new MemoryKeyValueStore());
    await saved.save(HASH, { kind: 'magnet', uri: `magnet:?xt=urn:btih:${HASH}` }, 5);
    await saved.save('ff'.repeat(20), { kind: 'torrent', bytes: MULTI }, 6);
    expect(await saved.load(HASH)).toEqual({ source: { kind: 'magnet', uri: `magnet:?xt=urn:btih:${HASH}` }, addedAt: 5 });
    expect((await saved.load('ff'.repeat(20)))?.source).toEqual({ kind: 'torrent', bytes: MULTI });
    expect((await saved.list()).sort()).toEqual([HASH, 'ff'.repeat(20)]);
  });

  it('an unreadable saved source reads as absent, not as a crash', async () => {
    const kv = new MemoryKeyValueStore();
    await kv.set(`ext-source-${HASH}`, new TextEncoder().encode('{not json'));
    expect(await new SavedTorrents(kv).load(HASH)).toBeUndefined();
  });

  it('forget removes the source and the delivered marks', async () => {
    const saved = new SavedTorrents(new MemoryKeyValueStore());
    await saved.save(HASH, { kind: 'magnet', uri: `magnet:?xt=urn:btih:${HASH}` });
    await saved.markDelivered(HASH, [0]);
    expect(await saved.deliveredFiles(HASH)).toEqual(new Set([0]));
    await saved.forget(HASH);
    expect(await saved.deliveredFiles(HASH)).toEqual(new Set());
    expect(await saved.list()).toEqual([]);
  });

  it('delivered marks are per file and add up; the old whole-torrent mark reads as such', async () => {
    const kv = new MemoryKeyValueStore();
    const saved = new SavedTorrents(kv);
    await saved.markDelivered(HASH, [2, 0]);
    await saved.markDelivered(HASH, [5, 2]);
    expect(await saved.deliveredFiles(HASH)).toEqual(new Set([0, 2, 5]));
    await kv.set(`ext-delivered-${HASH}`, new TextEncoder().encode(String(1_763_900_000_000)));
    expect(await saved.deliveredFiles(HASH)).toBe('before-marks');
    await saved.markDelivered(HASH, [1]);
    expect(await saved.deliveredFiles(HASH)).toEqual(new Set([1]));
  });

  it('"choose files later" is kept with the source, survives a reload of the store, and is cleared once chosen', async () => {
    const kv = new MemoryKeyValueStore();
    const uri = `magnet:?xt=urn:btih:${HASH}&dn=later`;
    await new SavedTorrents(kv).save(HASH, { kind: 'magnet', uri }, 7, { chooseLater: true });
    await new SavedTorrents(kv).save('ff'.repeat(20), { kind: 'torrent', bytes: MULTI }, 8);
    const again = new SavedTorrents(kv);
    expect(await again.chooseLaterList()).toEqual([HASH]);
    expect(await again.load(HASH)).toEqual({ source: { kind: 'magnet', uri }, addedAt: 7 });
    await again.setChooseLater(HASH, false);
    expect(await again.chooseLaterList()).toEqual([]);
    expect(await again.load(HASH)).toEqual({ source: { kind: 'magnet', uri }, addedAt: 7 });
    await again.setChooseLater('ee'.repeat(20), true); // unknown: nothing written
    expect(await again.list()).not.toContain('ee'.repeat(20));
  });

  it('saved keys do not show up as engine resume records', async () => {
    const kv = new MemoryKeyValueStore();
    await new SavedTorrents(kv).save(HASH, { kind: 'magnet', uri: `magnet:?xt=urn:btih:${HASH}` });
    expect(await new ResumeStore(kv).list()).toEqual([]);
  });
});

describe('the list without an engine', () => {
  it('a magnet added while the host is missing shows its dn name and the reason', async () => {
    const kv = new MemoryKeyValueStore();
    const saved = new SavedTorrents(kv);
    await saved.save(HASH, { kind: 'magnet', uri: `magnet:?xt=urn:btih:${HASH}&dn=%3Cb%3Ex%3C%2Fb%3E` }, 10);
    const list = await listSaved(new ResumeStore(kv), saved, 'host missing', (h) => h);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ infoHash: HASH, name: '<b>x</b>', state: 'error', error: 'host missing', addedAt: 10, progress: 0 });
  });

  it('a resume record with metadata shows its verified share', async () => {
    const kv = new MemoryKeyValueStore();
    const meta = parseTorrent(MULTI);
    const resume = new ResumeStore(kv);
    await resume.saveInfo(meta.infoHashHex, meta.infoBytes);
    const bitfield = new Uint8Array(Math.ceil(meta.pieceCount / 8));
    bitfield[0] = 0b1000_0000;
    await resume.save({
      infoHash: meta.infoHashHex, destination: meta.infoHashHex, bitfield, filePriorities: [], uploaded: 0, downloaded: 0,
      addedAt: 1, paused: false, name: meta.name, trackers: [],
    });
    const [stats] = await listSaved(resume, new SavedTorrents(kv), 'why', (h) => h);
    expect(stats).toMatchObject({ name: meta.name, pieceCount: meta.pieceCount, piecesHave: 1, totalLength: meta.totalLength });
    expect(stats!.progress).toBeCloseTo(1 / meta.pieceCount);
  });

  it('a saved hybrid torrent shows its content size, padding left out (as stats() does)', async () => {
    const kv = new MemoryKeyValueStore();
    const meta = parseTorrent(HYBRID);
    const padding = meta.files.filter((f) => f.padding).reduce((sum, f) => sum + f.length, 0);
    expect(padding).toBeGreaterThan(0);
    const resume = new ResumeStore(kv);
    await resume.saveInfo(meta.infoHashHex, meta.infoBytes);
    await resume.save({
      infoHash: meta.infoHashHex, destination: meta.infoHashHex, bitfield: new Uint8Array(Math.ceil(meta.pieceCount / 8)), filePriorities: [],
      uploaded: 0, downloaded: 0, addedAt: 1, paused: false, name: meta.name, trackers: [],
    });
    const [stats] = await listSaved(resume, new SavedTorrents(kv), 'why', (h) => h);
    expect(stats!.totalLength).toBe(meta.totalLength - padding);
  });
});

describe('network without a relay', () => {
  it('fails like an unreachable network until a relay is plugged in', async () => {
    const network = new SwitchableNetwork();
    await expect(network.connect({ host: '127.0.0.1', port: 1 })).rejects.toBeInstanceOf(NetError);
    await expect(network.listen(0, '0.0.0.0', () => undefined)).rejects.toMatchObject({ kind: 'unreachable' });
    await expect(network.bindMulticast({ group: '239.192.152.143', port: 6771, ttl: 1, loopback: true })).rejects.toMatchObject({ kind: 'unreachable' });
  });
});
