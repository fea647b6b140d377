/**
 * The fuzz loop for one target: replay the seed corpus (fuzz/corpus/<target>/) and the
 * regressions (fuzz/regressions/<target>/), then mutate corpus items until an iteration count or
 * a deadline. With coverage on, a mutant that reaches a V8 block never seen before joins the
 * in-memory corpus (see coverage.mjs for why coverage is taken per batch).
 *
 * A crash is an exception the target does not expect (any non-typed error, or an
 * InvariantError) or an input that takes longer than `slowMs`. Crashes are deduplicated by
 * their signature (error name, message without numbers, first stack frame).
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng, mutate } from './mutate.mjs';
import { TARGETS } from './targets.mjs';

export const FUZZ_DIR = fileURLToPath(new URL('.', import.meta.url));
const BUILD_URL = new URL('../build/', import.meta.url).href;
const BATCH = 32;

/** Every file in fuzz/<kind>/<target>/, sorted by name. */
export function loadInputs(kind, target) {
  const dir = join(FUZZ_DIR, kind, target);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => !name.startsWith('.') && !name.endsWith('.md'))
    .sort()
    .map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(dir, name))) }));
}

export function signature(error) {
  if (!(error instanceof Error)) return `non-error ${typeof error}: ${String(error).slice(0, 80)}`;
  const frame = (error.stack ?? '').split('\n').find((line) => line.includes(' at ')) ?? '';
  return `${error.name}: ${error.message.replace(/\d+/g, 'N').slice(0, 120)} @ ${frame.trim().replace(/:\d+\)?$/, '')}`;
}

/**
 * Runs one input through a target. Returns null, or the crash: { error, signature }.
 * Targets are synchronous; a slow input (over slowMs) is a crash too.
 */
export function runOne(target, input, slowMs = Infinity) {
  const start = performance.now();
  try {
    target.run(input);
  } catch (error) {
    return { error, signature: signature(error) };
  }
  const took = performance.now() - start;
  if (took > slowMs) {
    const error = new Error(`input took ${took.toFixed(0)} ms (budget ${slowMs} ms)`);
    error.name = 'SlowInput';
    return { error, signature: `SlowInput @ ${input.length} bytes` };
  }
  return null;
}

/**
 * @param {object} o
 * @param {string} o.name target name
 * @param {number} o.seed
 * @param {number} [o.iterations] stop after this many mutants
 * @param {number} [o.deadline] stop at this performance.now() time
 * @param {boolean} [o.coverage] keep mutants that reach new blocks
 * @param {number} [o.slowMs] per-input time budget
 * @param {(input: Uint8Array) => void} [o.beforeRun] called with each input before it runs (hang watchdog)
 * @param {(crash: {input: Uint8Array, error: unknown, signature: string}) => void} [o.onCrash]
 */
export async function fuzzTarget(o) {
  const target = TARGETS[o.name];
  if (!target) throw new Error(`unknown fuzz target ${o.name}; known: ${Object.keys(TARGETS).join(', ')}`);
  const rng = new Rng(o.seed);
  const slowMs = o.slowMs ?? 1000;
  const beforeRun = o.beforeRun ?? (() => {});
  const crashes = new Map();
  const seeds = [...loadInputs('corpus', o.name), ...loadInputs('regressions', o.name)].map((item) => item.bytes);
  const corpus = seeds.length > 0 ? seeds.slice() : [new Uint8Array(0)];
  let coverage = null;
  if (o.coverage) {
    const { CoverageTracker } = await import('./coverage.mjs');
    coverage = new CoverageTracker((url) => url.startsWith(BUILD_URL));
  }

  const record = (input, crash) => {
    if (crashes.has(crash.signature)) return;
    crashes.set(crash.signature, { input, ...crash });
    o.onCrash?.({ input, ...crash });
  };
  const execute = (input) => {
    beforeRun(input);
    const crash = runOne(target, input, slowMs);
    if (crash) record(input, crash);
    return crash;
  };

  // Seeds first: they must all pass, and they give coverage its starting point.
  for (const input of seeds) execute(input);
  coverage?.takeNew();

  let iterations = 0;
  let kept = 0;
  const done = () => (o.iterations !== undefined && iterations >= o.iterations) || (o.deadline !== undefined && performance.now() >= o.deadline);
  const batch = [];
  while (!done()) {
    batch.length = 0;
    for (let i = 0; i < BATCH && !done(); i++) {
      const parent = corpus[rng.int(corpus.length)];
      const input = mutate(rng, parent, corpus, target.words, target.maxLength);
      iterations++;
      if (!execute(input)) batch.push(input);
    }
    const fresh = coverage ? coverage.takeFresh() : [];
    if (fresh.length > 0) {
      // Something in the batch reached new blocks: find which inputs, one by one.
      for (const input of batch) {
        runOne(target, input, Infinity);
        if (coverage.takeNew() > 0) {
          corpus.push(input);
          kept++;
        }
      }
      coverage.remember(fresh);
    }
    // Let the event loop breathe (worker messages, timers) between batches.
    if (iterations % (BATCH * 64) === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  const blocks = coverage?.blocks ?? 0;
  coverage?.close();
  return { name: o.name, iterations, kept, blocks, corpusSize: corpus.length, crashes: [...crashes.values()] };
}
