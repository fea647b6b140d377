import { describe, expect, it } from 'vitest';
import { MemoryFileStorage } from '../../../src/platform/memory/memory-storage.js';
import { MemoryKeyValueStore } from '../../../src/platform/memory/memory-kv.js';
import { MemoryHub, createMemoryPlatform } from '../../../src/platform/memory/index.js';
import { StorageError } from '../../../src/platform/interfaces/storage.js';
import { NetError } from '../../../src/platform/interfaces/net.js';
import { SeededRandom } from '../../../src/engine/util/random.js';
import { fromUtf8, toHex, utf8 } from '../../../src/engine/util/bytes.js';

async function kindOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(StorageError);
  return (error as StorageError).kind;
}

describe('MemoryFileStorage', () => {
  it('writes at offsets, grows, and reads back', async () => {
    const s = new MemoryFileStorage();
    await s.write('d/f', 5, utf8('world'));
    await s.write('d/f', 0, utf8('hello'));
    expect(fromUtf8(await s.read('d/f', 0, 10))).toBe('helloworld');
    expect(await s.size('d/f')).toBe(10);
  });

  it('rejects reads of missing bytes and missing files', async () => {
    const s = new MemoryFileStorage();
    await s.write('f', 0, utf8('abc'));
    expect(await kindOf(s.read('f', 2, 2))).toBe('not-found');
    expect(await kindOf(s.read('nope', 0, 1))).toBe('not-found');
  });

  it('refuses .., absolute and empty paths', async () => {
    const s = new MemoryFileStorage();
    expect(await kindOf(s.write('../x', 0, utf8('x')))).toBe('outside-root');
    expect(await kindOf(s.write('/x', 0, utf8('x')))).toBe('outside-root');
    expect(await kindOf(s.write('', 0, utf8('x')))).toBe('outside-root');
  });

  it('treats a//b and a/./b as the same file', async () => {
    const s = new MemoryFileStorage();
    await s.write('a//b', 0, utf8('x'));
    expect(fromUtf8(await s.read('a/./b', 0, 1))).toBe('x');
  });

  it('fails with no-space once capacityBytes is reached, leaving the file unchanged', async () => {
    const s = new MemoryFileStorage({ capacityBytes: 10 });
    await s.write('a', 0, new Uint8Array(6));
    expect(await kindOf(s.write('b', 0, new Uint8Array(5)))).toBe('no-space');
    expect(await s.size('b')).toBeNull();
    await s.write('b', 0, new Uint8Array(4));
    expect(s.usedBytes).toBe(10);
  });

  it('overwriting inside a file needs no new space', async () => {
    const s = new MemoryFileStorage({ capacityBytes: 4 });
    await s.write('a', 0, utf8('abcd'));
    await s.write('a', 1, utf8('XY'));
    expect(s.peek('a')).toEqual(utf8('aXYd'));
  });

  it('truncate creates empty files, shrinks, and regrows with zeros', async () => {
    const s = new MemoryFileStorage();
    await s.truncate('empty', 0);
    expect(await s.size('empty')).toBe(0);
    await s.write('t', 0, utf8('abc'));
    await s.truncate('t', 1);
    await s.truncate('t', 3);
    expect([...(await s.read('t', 0, 3))]).toEqual([97, 0, 0]);
  });

  it('remove frees space and is quiet when absent', async () => {
    const s = new MemoryFileStorage({ capacityBytes: 3 });
    await s.write('f', 0, utf8('abc'));
    await s.remove('f');
    await s.remove('f');
    expect(s.usedBytes).toBe(0);
    await s.write('g', 0, utf8('abc'));
  });

  it('returns copies: changing a read result changes nothing stored', async () => {
    const s = new MemoryFileStorage();
    await s.write('f', 0, utf8('abc'));
    (await s.read('f', 0, 3)).fill(0);
    expect(fromUtf8(await s.read('f', 0, 3))).toBe('abc');
  });
});

describe('MemoryKeyValueStore', () => {
  it('sets, gets copies, lists by prefix and deletes', async () => {
    const kv = new MemoryKeyValueStore();
    const value = utf8('v');
    await kv.set('t/b', value);
    await kv.set('t/a', utf8('w'));
    await kv.set('other', utf8('x'));
    value.fill(0);
    expect(fromUtf8((await kv.get('t/b'))!)).toBe('v');
    expect(await kv.keys('t/')).toEqual(['t/a', 't/b']);
    await kv.delete('t/a');
    expect(await kv.get('t/a')).toBeUndefined();
  });
});

describe('createMemoryPlatform', () => {
  it('serves HTTP from routes registered on the hub, longest prefix first', async () => {
    const hub = new MemoryHub();
    hub.http.route('http://tracker/', () => ({ status: 500 }));
    hub.http.route('http://tracker/announce', (req) => ({ headers: { 'Content-Type': 'x' }, body: `got ${req.url}` }));
    const { http } = createMemoryPlatform(hub, '10.0.0.1');
    const response = await http.get({ url: 'http://tracker/announce?a=1' });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('x');
    expect(fromUtf8(response.body)).toBe('got http://tracker/announce?a=1');
  });

  it('rejects unrouted URLs as unreachable', async () => {
    const { http } = createMemoryPlatform(new MemoryHub(), '10.0.0.1');
    const error = await http.get({ url: 'http://nowhere/' }).catch((e: unknown) => e);
    expect((error as NetError).kind).toBe('unreachable');
  });

  it('enforces maxBytes and timeouts on memory HTTP', async () => {
    const hub = new MemoryHub();
    hub.http.route('http://big/', () => ({ body: new Uint8Array(100) }));
    hub.http.route('http://slow/', () => new Promise(() => undefined));
    const { http } = createMemoryPlatform(hub, '10.0.0.1');
    expect(((await http.get({ url: 'http://big/', maxBytes: 99 }).catch((e: unknown) => e)) as NetError).message).toMatch(/larger/);
    expect(((await http.get({ url: 'http://slow/', timeoutMs: 10 }).catch((e: unknown) => e)) as NetError).kind).toBe('timeout');
  });

  it('returns the same storage when a root is opened again, and across a simulated restart', async () => {
    const hub = new MemoryHub();
    const first = createMemoryPlatform(hub, '10.0.0.1');
    await (await first.openStorage('dl')).write('f', 0, utf8('kept'));
    await first.kv.set('k', utf8('v'));
    const restarted = createMemoryPlatform(hub, '10.0.0.1', { kv: first.kv, storages: first.storages });
    expect(fromUtf8(await (await restarted.openStorage('dl')).read('f', 0, 4))).toBe('kept');
    expect(fromUtf8((await restarted.kv.get('k'))!)).toBe('v');
  });

  it('applies capacityBytes to opened storages', async () => {
    const platform = createMemoryPlatform(new MemoryHub(), '10.0.0.1', { capacityBytes: 2 });
    const storage = await platform.openStorage('dl');
    expect(await kindOf(storage.write('f', 0, utf8('abc')))).toBe('no-space');
  });

  it('randomBytes is repeatable with a seeded Random, and fills large requests otherwise', () => {
    const a = createMemoryPlatform(new MemoryHub(), 'h', { random: new SeededRandom(7) }).randomBytes(20);
    const b = createMemoryPlatform(new MemoryHub(), 'h', { random: new SeededRandom(7) }).randomBytes(20);
    expect(toHex(a)).toBe(toHex(b));
    const big = createMemoryPlatform(new MemoryHub(), 'h').randomBytes(100_000);
    expect(big.subarray(70_000).some((x) => x !== 0)).toBe(true);
  });
});
