/**
 * The fuzz harness in `npm test` (fuzz/: plain JavaScript over build/, so `npm run build:node`
 * must have run, as `npm test` does first):
 * - every seed (fuzz/corpus/<target>/) and every past crash (fuzz/regressions/<target>/) replays
 *   without an unexpected error or a broken invariant;
 * - a short bounded pass per target with a fixed seed (no coverage: deterministic and ~4x
 *   faster) finds no crash. `npm run fuzz -- --minutes N` is the long, coverage-guided run.
 */
import { describe, expect, it } from 'vitest';
import { fuzzTarget, loadInputs, runOne } from '../../fuzz/fuzzer.mjs';
import { TARGETS } from '../../fuzz/targets.mjs';

const ITERATIONS = 20_000;
const SEED = 20261123;

function describeCrash(crash: { error: unknown; signature: string; input: Uint8Array }): string {
  const stack = crash.error instanceof Error ? crash.error.stack : String(crash.error);
  return `${crash.signature}\ninput (hex): ${Buffer.from(crash.input).toString('hex').slice(0, 400)}\n${stack}`;
}

describe('fuzz targets', () => {
  for (const name of Object.keys(TARGETS)) {
    describe(name, () => {
      it('replays its seed corpus and regressions without a crash', () => {
        const inputs = [...loadInputs('corpus', name), ...loadInputs('regressions', name)];
        expect(loadInputs('corpus', name).length).toBeGreaterThan(0);
        for (const { name: file, bytes } of inputs) {
          const crash = runOne(TARGETS[name]!, bytes, 2000);
          expect(crash && `${file}: ${describeCrash({ ...crash, input: bytes })}`).toBeNull();
        }
      });

      it(`survives ${ITERATIONS} mutants (seed ${SEED})`, async () => {
        const result = await fuzzTarget({ name, seed: SEED, iterations: ITERATIONS, coverage: false, slowMs: 2000 });
        expect(result.iterations).toBe(ITERATIONS);
        expect(result.crashes.map(describeCrash)).toEqual([]);
      }, 60_000);
    });
  }
});
