import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowserFixture, type BrowserFixture } from './harness.js';

let fx: BrowserFixture;

beforeAll(async () => {
  fx = await openBrowserFixture();
}, 60_000);
afterAll(async () => {
  await fx?.close();
});

describe('OpfsStorage in Chromium', () => {
  it('writes at offsets and reads back across them and across files', async () => {
    const result = await fx.page.evaluate(async () => {
      const manager = new te.OpfsStorageManager();
      const s = await manager.open('offsets');
      await s.write('dir/sub/a.bin', 4, te.utf8('5678'));
      await s.write('dir/sub/a.bin', 0, te.utf8('1234'));
      await s.write('b.bin', 0, te.utf8('other'));
      const out = {
        a: te.fromUtf8(await s.read('dir/sub/a.bin', 2, 4)),
        b: te.fromUtf8(await s.read('b.bin', 1, 3)),
        sizeA: await s.size('dir/sub/a.bin'),
        sizeB: await s.size('b.bin'),
      };
      await manager.close();
      return out;
    });
    expect(result).toEqual({ a: '3456', b: 'the', sizeA: 8, sizeB: 5 });
  });

  it('leaves a hole of zeros when writing past the end', async () => {
    const bytes = await fx.page.evaluate(async () => {
      const manager = new te.OpfsStorageManager();
      const s = await manager.open('hole');
      await s.write('f', 3, te.utf8('x'));
      const out = [...(await s.read('f', 0, 4))];
      await manager.close();
      return out;
    });
    expect(bytes).toEqual([0, 0, 0, 120]);
  });

  it('sees a write from a read issued right after it, without awaiting', async () => {
    const text = await fx.page.evaluate(async () => {
      const manager = new te.OpfsStorageManager();
      const s = await manager.open('order');
      const write = s.write('f', 0, te.utf8('first'));
      const read = s.read('f', 0, 5);
      await write;
      const out = te.fromUtf8(await read);
      await manager.close();
      return out;
    });
    expect(text).toBe('first');
  });

  it('reports missing bytes and missing files as not-found, and size of a missing file as null', async () => {
    const result = await fx.page.evaluate(async () => {
      const manager = new te.OpfsStorageManager();
      const s = await manager.open('missing');
      await s.write('short', 0, te.utf8('abc'));
      const out = {
        short: await te.failure(s.read('short', 1, 5)),
        absent: await te.failure(s.read('nope/file', 0, 1)),
        size: await s.size('nope/file'),
      };
      await manager.close();
      return out;
    });
    expect(result.short?.kind).toBe('not-found');
    expect(result.short?.message).toMatch(/too short/);
    expect(result.absent?.kind).toBe('not-found');
    expect(result.size).toBeNull();
  });

  it('truncate creates an empty file, then extends and shrinks it', async () => {
    const sizes = await fx.page.evaluate(async () => {
      const manager = new te.OpfsStorageManager();
      const s = await manager.open('truncate');
      await s.truncate('empty/file', 0);
      const created = await s.size('empty/file');
      await s.truncate('empty/file', 100);
      const extended = await s.size('empty/file');
      await s.truncate('empty/file', 10);
      const out = { created, extended, shrunk: await s.size('empty/file') };
      await manager.close();
      return out;
    });
    expect(sizes).toEqual({ created: 0, extended: 100, shrunk: 10 });
  });

  it('remove deletes a file, and removing an absent one is no error', async () => {
    const result = await fx.page.evaluate(async () => {
      const manager = new te.OpfsStorageManager();
      const s = await manager.open('remove');
      await s.write('a/f', 0, te.utf8('x'));
      await s.remove('a/f');
      const out = { size: await s.size('a/f'), again: await te.failure(s.remove('a/f')), noDir: await te.failure(s.remove('b/f')) };
      await manager.close();
      return out;
    });
    expect(result).toEqual({ size: null, again: null, noDir: null });
  });

  it('keeps data for a new storage worker after close (persistence)', async () => {
    await fx.page.evaluate(async () => {
      const manager = new te.OpfsStorageManager();
      const s = await manager.open('persist');
      await s.write('kept.bin', 0, te.utf8('still here'));
      await manager.close();
    });
    const page = await fx.newPage();
    const text = await page.evaluate(async () => {
      const manager = new te.OpfsStorageManager();
      const s = await manager.open('persist');
      const out = te.fromUtf8(await s.read('kept.bin', 0, 10));
      await manager.close();
      return out;
    });
    await page.close();
    expect(text).toBe('still here');
  });

  it('refuses "..", ".", empty and absolute components as outside-root, creating nothing', async () => {
    const result = await fx.page.evaluate(async () => {
      const manager = new te.OpfsStorageManager();
      const s = await manager.open('escape');
      const kinds: (string | undefined)[] = [];
      for (const path of ['../x', 'a/../../x', './x', 'a//b', '/abs', '', 'a\\..\\x']) {
        kinds.push((await te.failure(s.write(path, 0, te.utf8('no'))))?.kind);
      }
      const names = [...(await te.listNames(['torrents'])), ...(await te.listNames(['torrents', 'escape']).catch(() => []))];
      await manager.close();
      return { kinds, names };
    });
    expect(result.kinds).toEqual(Array(7).fill('outside-root'));
    expect(result.names).not.toContain('x');
    expect(result.names).not.toContain('no');
  });

  it('keeps roots apart, even roots named "..", "/" or like a path', async () => {
    const result = await fx.page.evaluate(async () => {
      const manager = new te.OpfsStorageManager();
      const roots = ['..', '/', '/home/u/Downloads', 'home%2Fu'];
      for (const [i, root] of roots.entries()) await (await manager.open(root)).write('same', 0, te.utf8(String(i)));
      const texts: string[] = [];
      for (const root of roots) texts.push(te.fromUtf8(await (await manager.open(root)).read('same', 0, 1)));
      const top = await te.listNames([]);
      const dirs = await te.listNames(['torrents']);
      await manager.close();
      return { texts, top, dirs };
    });
    expect(result.texts).toEqual(['0', '1', '2', '3']);
    expect(result.top).not.toContain('same');
    expect(result.dirs).toEqual(expect.arrayContaining(['%2E%2E', '%2F', '%2Fhome%2Fu%2FDownloads', 'home%252Fu']));
  });

  it('getFile returns the finished file with everything written, and writing goes on after it', async () => {
    const result = await fx.page.evaluate(async () => {
      const manager = new te.OpfsStorageManager();
      const s = await manager.open('deliver');
      await s.write('movie/part.mkv', 0, te.utf8('hello '));
      await s.write('movie/part.mkv', 6, te.utf8('world'));
      const file = await manager.getFile('deliver', 'movie/part.mkv');
      const out = { name: file.name, text: await file.text() };
      await s.write('movie/part.mkv', 11, te.utf8('!'));
      const after = await s.size('movie/part.mkv');
      const missing = await te.failure(manager.getFile('deliver', 'nope'));
      await manager.close();
      return { ...out, after, missing: missing?.kind };
    });
    expect(result).toEqual({ name: 'part.mkv', text: 'hello world', after: 12, missing: 'not-found' });
  });

  it('removeRoot deletes the root and all its files', async () => {
    const result = await fx.page.evaluate(async () => {
      const manager = new te.OpfsStorageManager();
      const s = await manager.open('gone');
      await s.write('a/b/c', 0, te.utf8('x'));
      await s.write('d', 0, te.utf8('y'));
      await manager.removeRoot('gone');
      const out = { c: await s.size('a/b/c'), d: await s.size('d'), again: await te.failure(manager.removeRoot('gone')) };
      await manager.close();
      return out;
    });
    expect(result).toEqual({ c: null, d: null, again: null });
  });

  it('writes again after another page removed the root under it', async () => {
    const result = await fx.page.evaluate(async () => {
      const mine = new te.OpfsStorageManager();
      const other = new te.OpfsStorageManager();
      const s = await mine.open('stale');
      await s.write('dir/f', 0, te.utf8('old'));
      await s.close();
      await other.removeRoot('stale');
      const error = await te.failure(s.write('dir/f', 0, te.utf8('new')));
      const out = { error, text: te.fromUtf8(await s.read('dir/f', 0, 3)) };
      await mine.close();
      await other.close();
      return out;
    });
    expect(result).toEqual({ error: null, text: 'new' });
  });

  it("never detaches the caller's buffer, and writes only the view's bytes", async () => {
    const result = await fx.page.evaluate(async () => {
      const manager = new te.OpfsStorageManager();
      const s = await manager.open('views');
      const big = te.utf8('0123456789');
      const view = big.subarray(3, 6);
      await s.write('f', 0, view);
      const out = { bigLength: big.length, viewLength: view.length, size: await s.size('f'), text: te.fromUtf8(await s.read('f', 0, 3)) };
      await manager.close();
      return out;
    });
    expect(result).toEqual({ bigLength: 10, viewLength: 3, size: 3, text: '345' });
  });

  it('writeOwned transfers a whole buffer (it is detached) and copies a partial view', async () => {
    const result = await fx.page.evaluate(async () => {
      const manager = new te.OpfsStorageManager();
      const s = await manager.open('owned');
      const whole = te.utf8('abcd');
      await s.writeOwned('f', 0, whole);
      const big = te.utf8('xyz!');
      await s.writeOwned('f', 4, big.subarray(0, 3));
      const out = { whole: whole.length, big: big.length, text: te.fromUtf8(await s.read('f', 0, 7)) };
      await manager.close();
      return out;
    });
    expect(result).toEqual({ whole: 0, big: 4, text: 'abcdxyz' });
  });

  it('writes views of a SharedArrayBuffer in place', async () => {
    const result = await fx.page.evaluate(async () => {
      const manager = new te.OpfsStorageManager();
      const s = await manager.open('shared');
      const shared = new Uint8Array(new SharedArrayBuffer(8));
      shared.set(te.utf8('sharedOK'));
      await s.write('f', 0, shared.subarray(6));
      const out = { isolated: crossOriginIsolated, text: te.fromUtf8(await s.read('f', 0, 2)) };
      await manager.close();
      return out;
    });
    expect(result).toEqual({ isolated: true, text: 'OK' });
  });

  it('reports a file locked by another storage worker as io, naming the lock', async () => {
    const error = await fx.page.evaluate(async () => {
      const first = new te.OpfsStorageManager();
      const second = new te.OpfsStorageManager();
      await (await first.open('locked')).write('f', 0, te.utf8('mine'));
      const out = await te.failure((await second.open('locked')).write('f', 0, te.utf8('theirs')));
      await first.close();
      await second.close();
      return out;
    });
    expect(error?.kind).toBe('io');
    expect(error?.message).toMatch(/locked by another TorrentEdge page or worker/);
  });

  it('fails requests after close with io, without hanging', async () => {
    const error = await fx.page.evaluate(async () => {
      const manager = new te.OpfsStorageManager();
      const s = await manager.open('closed');
      await manager.close();
      return te.failure(s.size('f'));
    });
    expect(error?.kind).toBe('io');
  });

  it('maps a full quota to no-space', async () => {
    const page = await fx.newPage();
    const cdp = await page.createCDPSession();
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: fx.origin, quotaSize: 4 * 1024 * 1024 });
    const error = await page.evaluate(async () => {
      const manager = new te.OpfsStorageManager();
      const s = await manager.open('quota');
      const chunk = new Uint8Array(1024 * 1024);
      let out = null;
      for (let i = 0; i < 16 && !out; i++) out = await te.failure(s.write('big', i * chunk.length, chunk));
      await manager.removeRoot('quota');
      await manager.close();
      return out;
    });
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: fx.origin });
    await page.close();
    expect(error?.kind).toBe('no-space');
    expect(error?.message).toMatch(/^browser storage is full: /);
  });

  it('writes 64 MiB in 16 KiB blocks at random offsets and reads it back intact', async () => {
    const result = await fx.page.evaluate(async () => {
      const manager = new te.OpfsStorageManager();
      const size = 64 * 1024 * 1024;
      const write = await te.randomWrites(manager, 'big', 'big.bin', { totalBytes: size, blockSize: 16384, window: 32 });
      const read = await te.sequentialReads(manager, 'big', 'big.bin', { totalBytes: size, blockSize: 16384, chunk: 1024 * 1024 });
      const fileSize = await (await manager.open('big')).size('big.bin');
      await manager.removeRoot('big');
      await manager.close();
      return { write, read, fileSize };
    });
    console.log(`OPFS: random 16 KiB writes ${result.write.toFixed(0)} MB/s, sequential 1 MiB reads ${result.read.mbps.toFixed(0)} MB/s`);
    expect(result.fileSize).toBe(64 * 1024 * 1024);
    expect(result.read.ok).toBe(true);
  }, 30_000);
});
