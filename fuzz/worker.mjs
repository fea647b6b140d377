/**
 * Runs one target's fuzz loop in a worker thread so that run.mjs can watch it: before each input
 * the worker copies the input into shared memory and bumps a counter; an input that never
 * returns (a hang) leaves the counter still, and run.mjs terminates the worker and saves the
 * input from shared memory.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { fuzzTarget } from './fuzzer.mjs';

const { name, seed, deadlineMs, coverage, shared } = workerData;
const counter = new Int32Array(shared, 0, 2); // [inputs started, current input length]
const current = new Uint8Array(shared, 8);

const result = await fuzzTarget({
  name,
  seed,
  coverage,
  deadline: performance.now() + deadlineMs,
  beforeRun(input) {
    const n = Math.min(input.length, current.length);
    current.set(input.subarray(0, n));
    Atomics.store(counter, 1, n);
    Atomics.add(counter, 0, 1);
  },
  onCrash(crash) {
    parentPort.postMessage({ type: 'crash', input: crash.input, signature: crash.signature, stack: String(crash.error?.stack ?? crash.error) });
  },
});
parentPort.postMessage({ type: 'done', result: { ...result, crashes: result.crashes.length } });
