/**
 * `npm run fuzz -- --minutes N [--target name[,name]] [--seed S] [--no-coverage] [--hang-ms M]`
 *
 * Fuzzes each target in turn for an equal share of N minutes (default 1), each in a worker
 * thread watched for hangs. Prints per target: iterations, inputs kept for new coverage, V8
 * blocks reached, crashes. Each crashing input is written to fuzz/crashes/<target>/<sha1>
 * with a .txt beside it (signature and stack); copy it to fuzz/regressions/<target>/ once the
 * bug is fixed, and tests/fuzz/ replays it in `npm test`.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { FUZZ_DIR } from './fuzzer.mjs';
import { TARGETS } from './targets.mjs';

function parseArgs(argv) {
  const args = { minutes: 1, targets: Object.keys(TARGETS), seed: Date.now() % 0x7fffffff, coverage: true, hangMs: 5000 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--minutes') args.minutes = Number(value());
    else if (flag === '--target') args.targets = value().split(',');
    else if (flag === '--seed') args.seed = Number(value());
    else if (flag === '--no-coverage') args.coverage = false;
    else if (flag === '--hang-ms') args.hangMs = Number(value());
    else throw new Error(`unknown option ${flag}`);
  }
  if (!(args.minutes > 0)) throw new Error('--minutes must be a positive number');
  for (const t of args.targets) if (!TARGETS[t]) throw new Error(`unknown target ${t}; known: ${Object.keys(TARGETS).join(', ')}`);
  return args;
}

function saveCrash(target, input, signature, stack) {
  const dir = join(FUZZ_DIR, 'crashes', target);
  mkdirSync(dir, { recursive: true });
  const name = createHash('sha1').update(input).digest('hex').slice(0, 16);
  writeFileSync(join(dir, name), input);
  writeFileSync(join(dir, `${name}.txt`), `${signature}\n\n${stack}\n`);
  return join('fuzz', 'crashes', target, name);
}

/** One target for `ms` milliseconds; restarts the worker after a hang until the time is used. */
async function fuzzFor(target, ms, seed, args) {
  const totals = { iterations: 0, kept: 0, blocks: 0, crashes: 0, hangs: 0 };
  const end = performance.now() + ms;
  let round = 0;
  while (performance.now() < end - 100) {
    const shared = new SharedArrayBuffer(8 + 65536);
    const counter = new Int32Array(shared, 0, 2);
    const worker = new Worker(new URL('./worker.mjs', import.meta.url), {
      workerData: { name: target, seed: seed + round++, deadlineMs: end - performance.now(), coverage: args.coverage, shared },
    });
    const outcome = await new Promise((resolve) => {
      let last = -1;
      let since = performance.now();
      const watchdog = setInterval(() => {
        const now = Atomics.load(counter, 0);
        if (now !== last) {
          last = now;
          since = performance.now();
        } else if (now > 0 && performance.now() - since > args.hangMs) {
          clearInterval(watchdog);
          const input = new Uint8Array(shared, 8, Atomics.load(counter, 1)).slice();
          void worker.terminate().then(() => resolve({ hang: input, iterations: now }));
        }
      }, 200);
      worker.on('message', (message) => {
        if (message.type === 'crash') {
          totals.crashes++;
          const file = saveCrash(target, message.input, message.signature, message.stack);
          console.log(`  crash in ${target}: ${message.signature}\n    -> ${file}`);
        } else if (message.type === 'done') {
          clearInterval(watchdog);
          resolve(message.result);
        }
      });
      worker.on('error', (error) => {
        clearInterval(watchdog);
        resolve({ fatal: error });
      });
    });
    if (outcome.hang) {
      totals.hangs++;
      totals.crashes++;
      totals.iterations += outcome.iterations;
      const file = saveCrash(target, outcome.hang, `Hang (no return within ${args.hangMs} ms)`, '');
      console.log(`  hang in ${target} -> ${file}`);
      continue;
    }
    if (outcome.fatal) {
      totals.crashes++;
      console.log(`  worker for ${target} died: ${outcome.fatal.stack ?? outcome.fatal}`);
      continue;
    }
    totals.iterations += outcome.iterations;
    totals.kept += outcome.kept;
    totals.blocks = Math.max(totals.blocks, outcome.blocks);
  }
  return totals;
}

const args = parseArgs(process.argv.slice(2));
const share = (args.minutes * 60_000) / args.targets.length;
console.log(`fuzzing ${args.targets.length} target(s), ${(share / 1000).toFixed(0)} s each, seed ${args.seed}, coverage ${args.coverage ? 'on' : 'off'}`);
const rows = [];
for (const target of args.targets) {
  const t = await fuzzFor(target, share, args.seed, args);
  rows.push({ target, ...t, perSecond: Math.round(t.iterations / (share / 1000)) });
  console.log(`${target.padEnd(13)} ${String(t.iterations).padStart(10)} iterations  ${String(rows.at(-1).perSecond).padStart(6)}/s  kept ${String(t.kept).padStart(4)}  blocks ${String(t.blocks).padStart(4)}  crashes ${t.crashes}`);
}
const total = rows.reduce((n, r) => n + r.iterations, 0);
const crashes = rows.reduce((n, r) => n + r.crashes, 0);
console.log(`total ${total} iterations, ${crashes} crash(es)`);
process.exitCode = crashes > 0 ? 1 : 0;
