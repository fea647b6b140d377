import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowserFixture, type BrowserFixture } from './harness.js';

let fx: BrowserFixture;

beforeAll(async () => {
  fx = await openBrowserFixture();
}, 60_000);
afterAll(async () => {
  await fx?.close();
});

describe('createNextTask in Chromium', () => {
  it('runs after microtasks, in order, every callback queued in one turn', async () => {
    const order = await fx.page.evaluate(async () => {
      const nextTask = te.createNextTask();
      const log: string[] = [];
      nextTask(() => log.push('task 1'));
      nextTask(() => log.push('task 2'));
      queueMicrotask(() => log.push('microtask'));
      log.push('sync');
      await new Promise((done) => setTimeout(done, 20));
      return log;
    });
    expect(order).toEqual(['sync', 'microtask', 'task 1', 'task 2']);
  });

  it('a callback queued from a callback runs in a later task, not lost', async () => {
    const order = await fx.page.evaluate(async () => {
      const nextTask = te.createNextTask();
      const log: string[] = [];
      nextTask(() => {
        log.push('first');
        nextTask(() => log.push('second'));
      });
      await new Promise((done) => setTimeout(done, 20));
      return log;
    });
    expect(order).toEqual(['first', 'second']);
  });
});
