#!/usr/bin/env node
// OPFS storage benchmark in headless Chromium: random-offset block writes and sequential reads
// through OpfsStorage (src/platform/browser), against the ceiling of writing straight into a
// FileSystemSyncAccessHandle inside a worker. MB/s are 10^6 bytes per second.
//
//   node bench/browser-storage/run.mjs                 128 MiB, 16 KiB blocks
//   node bench/browser-storage/run.mjs --size 256 --runs 3
//
// vite bundles page.ts (with the storage worker) into a temp folder; a node:http server on
// 127.0.0.1 serves it cross-origin isolated (OPFS needs a secure context; SharedArrayBuffer
// needs isolation). Results: a table on stdout and bench/results/browser-storage.json.
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import puppeteer from 'puppeteer';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const RESULTS = fileURLToPath(new URL('../results/', import.meta.url));
const MIB = 1024 * 1024;

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(args[at + 1]);
};
const totalBytes = option('size', 128) * MIB;
const runs = option('runs', 1);
const blockSize = 16384;

const work = await mkdtemp(join(tmpdir(), 'te-bench-storage-'));
const outDir = join(work, 'dist');
await build({
  configFile: false,
  root: HERE,
  logLevel: 'warn',
  build: {
    outDir,
    emptyOutDir: true,
    minify: true,
    target: 'esnext',
    modulePreload: false,
    copyPublicDir: false,
    rollupOptions: { input: join(HERE, 'page.ts'), output: { entryFileNames: 'page.js' } },
  },
  worker: { format: 'es' },
});

const server = createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
  if (path === '/') return res.end('<!doctype html><title>bench</title><script type="module" src="/page.js"></script>');
  const file = normalize(join(outDir, path));
  if (!file.startsWith(outDir)) return res.writeHead(403).end();
  readFile(file).then(
    (body) => res.writeHead(200, { 'Content-Type': extname(file) === '.js' ? 'text/javascript' : 'application/octet-stream' }).end(body),
    () => res.writeHead(404).end(),
  );
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const browser = await puppeteer.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  pipe: true,
  userDataDir: join(work, 'profile'),
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

const cases = [
  { name: 'adapter, 1 in flight', window: 1, batchMessages: true },
  { name: 'adapter, 32 in flight', window: 32, batchMessages: true },
  { name: 'adapter, 32 in flight, no batching', window: 32, batchMessages: false },
  { name: 'adapter, 256 in flight', window: 256, batchMessages: true },
  { name: 'adapter, 256 in flight, no batching', window: 256, batchMessages: false },
  { name: 'adapter, 256 in flight, shared buffer', window: 256, batchMessages: true, shared: true },
];

const rows = [];
try {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForFunction('window.bench !== undefined');
  const best = (values) => Math.max(...values);
  // Runs interleave the cases, so a slow spell of the disk does not sink one case alone.
  const raws = [];
  const results = cases.map(() => []);
  const bigs = [];
  for (let r = 0; r < runs; r++) {
    raws.push(await page.evaluate((t, b) => bench.raw(t, b), totalBytes, blockSize));
    for (const [i, c] of cases.entries()) {
      results[i].push(await page.evaluate((run) => bench.adapter(run), { ...c, totalBytes, blockSize, readChunk: blockSize }));
    }
    bigs.push(await page.evaluate((run) => bench.adapter(run), { window: 8, batchMessages: true, totalBytes, blockSize: MIB, readChunk: MIB }));
  }
  rows.push({ case: 'ceiling: sync handle in the worker, no messages', write: best(raws) });
  for (const [i, c] of cases.entries()) {
    rows.push({ case: c.name, write: best(results[i].map((x) => x.write)), read16k: best(results[i].map((x) => x.read)) });
  }
  rows.push({ case: 'adapter, 1 MiB blocks, 8 in flight', write: best(bigs.map((x) => x.write)), read1m: best(bigs.map((x) => x.read)) });
} finally {
  await browser.close();
  server.close();
  await rm(work, { recursive: true, force: true });
}

const fmt = (v) => (v === undefined ? '' : v.toFixed(0).padStart(7));
console.log(`OPFS via OpfsStorage, ${totalBytes / MIB} MiB, random-offset writes / sequential reads, MB/s (best of ${runs})`);
console.log(`${'case'.padEnd(52)} ${'write'.padStart(7)} ${'read'.padStart(7)}  (reads: 16 KiB, one at a time; 1 MiB for the last row)`);
for (const row of rows) console.log(`${row.case.padEnd(52)} ${fmt(row.write)} ${fmt(row.read16k ?? row.read1m)}`);
await mkdir(RESULTS, { recursive: true });
await writeFile(
  join(RESULTS, 'browser-storage.json'),
  JSON.stringify({ date: new Date().toISOString(), chromium: execFileSync('/usr/bin/chromium', ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim(), totalBytes, blockSize, runs, rows }, null, 2) + '\n',
);
