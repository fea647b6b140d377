import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/engine/util/clock.js';
import { QueuePolicy } from '../../../src/engine/policy/queue-policy.js';

function queue(limits: { maxActiveDownloads?: number; maxActiveSeeds?: number; stallAfterMs?: number } = {}) {
  const clock = new ManualClock(1_000);
  const q = new QueuePolicy(clock, { maxActiveDownloads: 2, maxActiveSeeds: 1, stallAfterMs: 60_000, ...limits });
  return { clock, q };
}

describe('QueuePolicy', () => {
  it('starts downloads in order up to the limit and queues the rest', () => {
    const { q } = queue();
    for (const id of ['a', 'b', 'c']) q.add(id, 'download');
    expect(q.evaluate()).toEqual({ start: ['a', 'b'], queue: [] });
    expect(q.standing('c')).toBe('queued');
    expect(q.evaluate()).toEqual({ start: [], queue: [] });
  });

  it('counts downloads and seeds apart', () => {
    const { q } = queue();
    q.add('s1', 'seed');
    q.add('s2', 'seed');
    q.add('d1', 'download');
    expect(q.evaluate()).toEqual({ start: ['s1', 'd1'], queue: [] });
    expect(q.standing('s2')).toBe('queued');
  });

  it('a finished download frees its slot and takes a seed slot', () => {
    const { q } = queue({ maxActiveSeeds: 1 });
    for (const id of ['a', 'b', 'c']) q.add(id, 'download');
    q.add('s', 'seed');
    q.evaluate();
    q.setKind('a', 'seed');
    // a is above s in the queue: it takes the one seed slot, s waits; c gets a's download slot.
    expect(q.evaluate()).toEqual({ start: ['c'], queue: ['s'] });
  });

  it('removing a running torrent lets the next one start', () => {
    const { q } = queue();
    for (const id of ['a', 'b', 'c']) q.add(id, 'download');
    q.evaluate();
    q.remove('a');
    expect(q.has('a')).toBe(false);
    expect(q.evaluate()).toEqual({ start: ['c'], queue: [] });
  });

  it('a stopped torrent never runs and frees its slot; un-stopping queues it by position', () => {
    const { q } = queue();
    for (const id of ['a', 'b', 'c']) q.add(id, 'download');
    q.evaluate();
    q.setStopped('a', true);
    expect(q.standing('a')).toBe('stopped');
    expect(q.evaluate()).toEqual({ start: ['c'], queue: [] });
    q.setStopped('a', false);
    // a is at the top again: it takes its slot back and c, the lowest, waits.
    expect(q.evaluate()).toEqual({ start: ['a'], queue: ['c'] });
  });

  it('a torrent added stopped waits until resumed', () => {
    const { q } = queue();
    q.add('a', 'download', { stopped: true });
    expect(q.evaluate()).toEqual({ start: [], queue: [] });
    q.setStopped('a', false);
    expect(q.evaluate()).toEqual({ start: ['a'], queue: [] });
  });

  it('forced start runs past the limit and holds no slot', () => {
    const { q } = queue();
    for (const id of ['a', 'b', 'c', 'd']) q.add(id, 'download');
    q.evaluate();
    q.setForced('d', true);
    expect(q.evaluate()).toEqual({ start: ['d'], queue: [] });
    expect(q.standing('d')).toBe('forced');
    expect(q.standing('c')).toBe('queued');
    // Ending the force puts it back under the limits.
    q.setForced('d', false);
    expect(q.evaluate()).toEqual({ start: [], queue: ['d'] });
  });

  it('forcing a stopped torrent starts it; stopping a forced one ends the force', () => {
    const { q } = queue();
    q.add('a', 'download', { stopped: true });
    q.setForced('a', true);
    expect(q.evaluate().start).toEqual(['a']);
    q.setStopped('a', true);
    expect(q.standing('a')).toBe('stopped');
    q.setStopped('a', false);
    expect(q.standing('a')).toBe('queued');
  });

  it('a stalled torrent keeps running but gives its slot to the next one', () => {
    const { clock, q } = queue({ stallAfterMs: 60_000 });
    for (const id of ['a', 'b', 'c']) q.add(id, 'download');
    q.evaluate();
    clock.advance(30_000);
    q.onPayload('b');
    clock.advance(30_000); // a: 60 s without payload; b: 30 s
    expect(q.standing('a')).toBe('stalled');
    expect(q.standing('b')).toBe('active');
    expect(q.evaluate()).toEqual({ start: ['c'], queue: [] });
    expect(q.isActive('a')).toBe(true);
  });

  it('a torrent just started from the queue is not stalled at once', () => {
    const { clock, q } = queue({ maxActiveDownloads: 1 });
    q.add('a', 'download');
    q.add('b', 'download');
    q.evaluate();
    clock.advance(60_000);
    expect(q.evaluate()).toEqual({ start: ['b'], queue: [] });
    expect(q.standing('b')).toBe('active');
    clock.advance(59_999);
    expect(q.standing('b')).toBe('active');
    clock.advance(1);
    expect(q.standing('b')).toBe('stalled');
  });

  it('a stalled torrent that moves payload again takes its slot back by position', () => {
    const { clock, q } = queue({ maxActiveDownloads: 1 });
    q.add('a', 'download');
    q.add('b', 'download');
    q.evaluate();
    clock.advance(60_000);
    q.evaluate(); // b starts in a's slot
    q.onPayload('a');
    q.onPayload('b');
    expect(q.evaluate()).toEqual({ start: [], queue: ['b'] });
  });

  it('moves up, down, top and bottom, clamped at the ends', () => {
    const { q } = queue();
    for (const id of ['a', 'b', 'c', 'd']) q.add(id, 'download');
    q.moveUp('c');
    expect(q.ids()).toEqual(['a', 'c', 'b', 'd']);
    q.moveDown('a');
    expect(q.ids()).toEqual(['c', 'a', 'b', 'd']);
    q.moveTop('d');
    expect(q.ids()).toEqual(['d', 'c', 'a', 'b']);
    q.moveBottom('d');
    expect(q.ids()).toEqual(['c', 'a', 'b', 'd']);
    q.moveUp('c');
    q.moveDown('d');
    expect(q.ids()).toEqual(['c', 'a', 'b', 'd']);
    expect(q.position('b')).toBe(2);
  });

  it('moving a queued torrent to the top swaps it with the lowest running one', () => {
    const { q } = queue();
    for (const id of ['a', 'b', 'c']) q.add(id, 'download');
    q.evaluate();
    q.moveTop('c');
    expect(q.evaluate()).toEqual({ start: ['c'], queue: ['b'] });
  });

  it('raising and lowering the limits starts and queues', () => {
    const { q } = queue();
    for (const id of ['a', 'b', 'c']) q.add(id, 'download');
    q.evaluate();
    q.setLimits({ maxActiveDownloads: Infinity });
    expect(q.evaluate().start).toEqual(['c']);
    q.setLimits({ maxActiveDownloads: 0 });
    expect(q.evaluate().queue).toEqual(['a', 'b', 'c']);
  });

  it('refuses bad limits, unknown ids and duplicates with a clear error', () => {
    const { q, clock } = queue();
    expect(() => new QueuePolicy(clock, { maxActiveDownloads: -1 })).toThrow(/maxActiveDownloads/);
    expect(() => q.setLimits({ stallAfterMs: Number.NaN })).toThrow(/stallAfterMs/);
    expect(() => q.moveUp('nope')).toThrow(/no torrent nope/);
    q.add('a', 'download');
    expect(() => q.add('a', 'seed')).toThrow(/already/);
  });
});
