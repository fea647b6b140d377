import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowserFixture, type BrowserFixture } from './harness.js';

let fx: BrowserFixture;

beforeAll(async () => {
  fx = await openBrowserFixture();
}, 60_000);
afterAll(async () => {
  await fx?.close();
});

describe('WorkerHasher in Chromium', () => {
  it('sha1Transfer moves a piece to the worker and back: right digest, same bytes, caller array detached', async () => {
    const result = await fx.page.evaluate(async () => {
      const hasher = new te.WorkerHasher();
      // Pieces go to the worker only once it has answered its probe.
      while (!hasher.offThread) await new Promise((done) => setTimeout(done, 5));
      const piece = te.randomBytes(1 << 20);
      const expected = te.toHex(await hasher.sha1(piece));
      const copy = piece.slice();
      const { digest, data } = await hasher.sha1Transfer(piece);
      const same = data.length === copy.length && data.every((b, i) => b === copy[i]);
      hasher.close();
      return { digest: te.toHex(digest), expected, same, lentLength: piece.length };
    });
    expect(result.digest).toBe(result.expected);
    expect(result.same).toBe(true);
    expect(result.lentLength).toBe(0);
  });

  it('a view into a larger buffer comes back as the same view (offset and length kept)', async () => {
    const result = await fx.page.evaluate(async () => {
      const hasher = new te.WorkerHasher({ minTransferBytes: 1 });
      while (!hasher.offThread) await new Promise((done) => setTimeout(done, 5));
      const whole = te.randomBytes(300_000);
      const view = whole.subarray(1000, 201_000);
      const expected = te.toHex(await hasher.sha1(view));
      const { digest, data } = await hasher.sha1Transfer(view);
      hasher.close();
      return { digest: te.toHex(digest), expected, offset: data.byteOffset, length: data.length, bufferLength: data.buffer.byteLength };
    });
    expect(result).toEqual({ digest: result.expected, expected: result.expected, offset: 1000, length: 200_000, bufferLength: 300_000 });
  });

  it('data below minTransferBytes is hashed in place, never detached', async () => {
    const result = await fx.page.evaluate(async () => {
      const hasher = new te.WorkerHasher();
      while (!hasher.offThread) await new Promise((done) => setTimeout(done, 5));
      const small = te.utf8('abc');
      const { digest, data } = await hasher.sha1Transfer(small);
      hasher.close();
      return { digest: te.toHex(digest), same: data === small, length: small.length };
    });
    expect(result).toEqual({ digest: 'a9993e364706816aba3e25717850c26c9cd0d89d', same: true, length: 3 });
  });

  it('many pieces in flight each get their own digest back', async () => {
    const result = await fx.page.evaluate(async () => {
      const hasher = new te.WorkerHasher();
      while (!hasher.offThread) await new Promise((done) => setTimeout(done, 5));
      const pieces = Array.from({ length: 8 }, () => te.randomBytes(256 * 1024));
      const expected = await Promise.all(pieces.map(async (p) => te.toHex(await hasher.sha1(p))));
      const got = await Promise.all(pieces.map(async (p) => te.toHex((await hasher.sha1Transfer(p)).digest)));
      hasher.close();
      return { expected, got };
    });
    expect(result.got).toEqual(result.expected);
  });

  it('before the worker is ready (or if it never loads) pieces are hashed in place and not lost', async () => {
    const result = await fx.page.evaluate(async () => {
      // A worker whose script does not exist: it never answers the probe.
      const hasher = new te.WorkerHasher({ worker: new Worker('/no-such-hash-worker.js', { type: 'module' }) });
      const piece = te.randomBytes(1 << 20);
      const { digest, data } = await hasher.sha1Transfer(piece);
      const expected = te.toHex(await hasher.sha1(piece));
      hasher.close();
      return { digest: te.toHex(digest), expected, kept: data === piece && piece.length === 1 << 20, offThread: hasher.offThread };
    });
    expect(result.digest).toBe(result.expected);
    expect(result.kept).toBe(true);
    expect(result.offThread).toBe(false);
  });

  it('close() fails hashes in flight instead of leaving them pending', async () => {
    const result = await fx.page.evaluate(async () => {
      const hasher = new te.WorkerHasher();
      while (!hasher.offThread) await new Promise((done) => setTimeout(done, 5));
      const pending = hasher.sha1Transfer(te.randomBytes(4 << 20));
      hasher.close();
      return (await te.failure(pending))?.message;
    });
    expect(result).toMatch(/the hasher was closed/);
  });
});
