import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowserFixture, type BrowserFixture } from './harness.js';
import { prefixUpperBound } from '../../../src/platform/browser/idb-kv.js';

let fx: BrowserFixture;

beforeAll(async () => {
  fx = await openBrowserFixture();
}, 60_000);
afterAll(async () => {
  await fx?.close();
});

describe('prefixUpperBound', () => {
  it('bumps the last code unit', () => {
    expect(prefixUpperBound('torrent/')).toBe('torrent0');
  });

  it('skips trailing U+FFFF units', () => {
    expect(prefixUpperBound('a\uffff\uffff')).toBe('b');
  });

  it('has no bound for an all-U+FFFF prefix', () => {
    expect(prefixUpperBound('\uffff')).toBeUndefined();
  });
});

describe('IdbKeyValueStore in Chromium', () => {
  it('keeps working after the browser closes its connection (as on a full disk): reopens once', async () => {
    const result = await fx.page.evaluate(async () => {
      const kv = await te.IdbKeyValueStore.open({ dbName: 'reopen' });
      await kv.set('a', te.utf8('before'));
      // What Chromium does to the connection when the disk fills: every later transaction() on
      // it throws InvalidStateError "The database connection is closing".
      const db = await (kv as unknown as { connection: { db: Promise<IDBDatabase> } }).connection.db;
      db.close();
      const failsDirectly = await new Promise<string>((resolve) => {
        try {
          db.transaction('kv');
          resolve('no error');
        } catch (error) {
          resolve((error as DOMException).name);
        }
      });
      await kv.set('b', te.utf8('after'));
      const out = { failsDirectly, a: te.fromUtf8((await kv.get('a'))!), b: te.fromUtf8((await kv.get('b'))!), keys: await kv.keys() };
      kv.close();
      return out;
    });
    expect(result).toEqual({ failsDirectly: 'InvalidStateError', a: 'before', b: 'after', keys: ['a', 'b'] });
  });

  it('sets, gets, overwrites and deletes', async () => {
    const result = await fx.page.evaluate(async () => {
      const kv = await te.IdbKeyValueStore.open({ dbName: 'basic' });
      await kv.set('a', te.utf8('one'));
      const first = te.fromUtf8((await kv.get('a'))!);
      await kv.set('a', te.utf8('two'));
      const second = te.fromUtf8((await kv.get('a'))!);
      await kv.delete('a');
      const out = { first, second, gone: await kv.get('a'), missing: await kv.get('never'), deleteAbsent: await te.failure(kv.delete('never')) };
      kv.close();
      return out;
    });
    expect(result).toEqual({ first: 'one', second: 'two', gone: undefined, missing: undefined, deleteAbsent: null });
  });

  it('stores only the bytes of a view, not the buffer around it, and returns a Uint8Array', async () => {
    const result = await fx.page.evaluate(async () => {
      const kv = await te.IdbKeyValueStore.open({ dbName: 'views' });
      await kv.set('v', te.utf8('0123456789').subarray(2, 5));
      const shared = new Uint8Array(new SharedArrayBuffer(3));
      shared.set([7, 8, 9]);
      await kv.set('s', shared);
      const v = (await kv.get('v'))!;
      const s = (await kv.get('s'))!;
      kv.close();
      return { isArray: v instanceof Uint8Array, v: te.fromUtf8(v), bufferLength: v.buffer.byteLength, s: [...s] };
    });
    expect(result).toEqual({ isArray: true, v: '234', bufferLength: 3, s: [7, 8, 9] });
  });

  it('lists keys by prefix, and all keys without one', async () => {
    const result = await fx.page.evaluate(async () => {
      const kv = await te.IdbKeyValueStore.open({ dbName: 'prefix' });
      for (const key of ['t/1', 't/2', 't0', 's/1', 't', 't/\uffff', 'u']) await kv.set(key, new Uint8Array([1]));
      const out = { t: await kv.keys('t/'), all: await kv.keys(), none: await kv.keys('zzz') };
      kv.close();
      return out;
    });
    expect(result.t).toEqual(['t/1', 't/2', 't/\uffff']);
    expect(result.all).toHaveLength(7);
    expect(result.none).toEqual([]);
  });

  it('keeps what was set across a page reload', async () => {
    await fx.page.evaluate(async () => {
      const kv = await te.IdbKeyValueStore.open({ dbName: 'reload' });
      await kv.set('resume/abc', te.utf8('bitfield'));
      kv.close();
    });
    await fx.page.reload();
    await fx.page.waitForFunction('window.te !== undefined');
    const value = await fx.page.evaluate(async () => {
      const kv = await te.IdbKeyValueStore.open({ dbName: 'reload' });
      const out = te.fromUtf8((await kv.get('resume/abc'))!);
      kv.close();
      return out;
    });
    expect(value).toBe('bitfield');
  });

  it('uses the database "torrentedge" with object store "kv" by default', async () => {
    const result = await fx.page.evaluate(async () => {
      const kv = await te.IdbKeyValueStore.open();
      await kv.set('k', new Uint8Array([1]));
      kv.close();
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open('torrentedge');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      const stores = Array.from(db.objectStoreNames);
      db.close();
      return stores;
    });
    expect(result).toEqual(['kv']);
  });
});
