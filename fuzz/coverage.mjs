/**
 * Block coverage from V8 (the inspector's Profiler.startPreciseCoverage with `detailed: true`),
 * restricted to the engine's compiled files. Taking coverage costs ~0.4 ms, so the fuzz loop asks
 * once per batch of inputs and only replays a batch input by input when the batch reached a
 * block never seen before. takePreciseCoverage resets the counters, so each take covers exactly
 * what ran since the last one.
 */
import { Session } from 'node:inspector';

export class CoverageTracker {
  /** @param {(url: string) => boolean} wanted scripts whose blocks count */
  constructor(wanted) {
    this.wanted = wanted;
    this.seen = new Set();
    this.session = new Session();
    this.session.connect();
    this.post('Profiler.enable');
    this.post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
  }

  post(method, params) {
    // node:inspector calls back synchronously for a session on the same thread.
    let result;
    let failure;
    this.session.post(method, params, (error, value) => {
      failure = error;
      result = value;
    });
    if (failure) throw failure;
    return result;
  }

  /** Keys of blocks run since the last take that were never seen before (not yet remembered). */
  takeFresh() {
    const { result } = this.post('Profiler.takePreciseCoverage');
    const fresh = [];
    for (const script of result) {
      if (!this.wanted(script.url)) continue;
      for (const fn of script.functions) {
        for (const range of fn.ranges) {
          if (range.count === 0) continue;
          const key = `${script.scriptId}:${range.startOffset}:${range.endOffset}`;
          if (!this.seen.has(key)) fresh.push(key);
        }
      }
    }
    return fresh;
  }

  remember(keys) {
    for (const key of keys) this.seen.add(key);
  }

  /** Blocks run since the last take that were never seen before; they are remembered. */
  takeNew() {
    const fresh = this.takeFresh();
    this.remember(fresh);
    return new Set(fresh).size;
  }

  /** Forget what ran since the last take. */
  discard() {
    this.post('Profiler.takePreciseCoverage');
  }

  get blocks() {
    return this.seen.size;
  }

  close() {
    this.post('Profiler.stopPreciseCoverage');
    this.post('Profiler.disable');
    this.session.disconnect();
  }
}
