import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowserFixture, type BrowserFixture } from './harness.js';

let fx: BrowserFixture;

beforeAll(async () => {
  fx = await openBrowserFixture();
}, 60_000);
afterAll(async () => {
  await fx?.close();
});

describe('createBrowserPlatform in Chromium', () => {
  it('fills randomBytes past the 64 KiB getRandomValues limit, to the last byte', async () => {
    const result = await fx.page.evaluate(() => {
      const bytes = te.randomBytes(200_000);
      // All-zero 1 KiB at the end would mean the last chunk was never filled.
      return { length: bytes.length, tailNonZero: bytes.subarray(199_000).some((b) => b !== 0), small: te.randomBytes(20).length };
    });
    expect(result).toEqual({ length: 200_000, tailNonZero: true, small: 20 });
  });

  it('wires OPFS storage, IndexedDB, hashing and the given network, and closes them', async () => {
    const result = await fx.page.evaluate(async () => {
      const platform = await te.createBrowserPlatform({ network: te.noNetwork, dbName: 'platform-test' });
      const storage = await platform.openStorage('/downloads');
      await storage.write('name/file.txt', 0, te.utf8('abc'));
      const file = await platform.storage.getFile('/downloads', 'name/file.txt');
      await platform.kv.set('k', te.utf8('v'));
      const out = {
        text: await file.text(),
        kv: te.fromUtf8((await platform.kv.get('k'))!),
        sha1: te.toHex(await platform.hasher.sha1(te.utf8('abc'))),
        network: platform.network === te.noNetwork,
      };
      await platform.storage.removeRoot('/downloads');
      await platform.close();
      return { ...out, afterClose: (await te.failure(storage.size('name/file.txt')))?.kind };
    });
    expect(result).toEqual({
      text: 'abc',
      kv: 'v',
      sha1: 'a9993e364706816aba3e25717850c26c9cd0d89d',
      network: true,
      afterClose: 'io',
    });
  });
});
