#!/usr/bin/env node
// Download benchmark on loopback: one libtorrent seeder, then (one after another) our CLI,
// libtorrent's own leecher and aria2 download the same file from it. For each: wall time from
// start to verified completion, MB/s (10^6 bytes), CPU time (user+sys of the process and the
// children it waited for) and peak RSS, both from `/usr/bin/time -v`.
//
//   npm run bench                      1 GiB, 1 MiB pieces, one run each
//   npm run bench -- --size 256M --runs 3 --only ours,libtorrent
//
// The data and the .torrent are kept in bench/.work/ (gitignored) and reused across runs.
// Results: a table on stdout and bench/results/latest.json.
import { spawn, execFileSync } from 'node:child_process';
import { createCipheriv, createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { cpus, release } from 'node:os';
import { dirname, join } from 'node:path';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WORK = join(ROOT, 'bench', '.work');
const RESULTS = join(ROOT, 'bench', 'results');
const CLI = join(ROOT, 'build', 'src', 'cli', 'main.js');
const LT_PEER = join(ROOT, 'tests', 'interop', 'peers', 'lt_peer.py');
const PYTHON = '/usr/bin/python3';
const TIME = '/usr/bin/time';
const PIECE_LOG2 = 20; // 1 MiB pieces
const RUN_TIMEOUT_MS = 15 * 60 * 1000;

// --- options ---

function parseSize(text) {
  const m = /^(\d+(?:\.\d+)?)([KMG]?)i?B?$/i.exec(text);
  if (!m) throw new Error(`bad --size ${text} (e.g. 256M, 1G)`);
  const unit = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2].toUpperCase()];
  return Math.round(Number(m[1]) * unit);
}

function parseArgs(argv) {
  const options = { size: 1024 ** 3, runs: 1, only: ['ours', 'libtorrent', 'aria2'], verify: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--size') options.size = parseSize(value());
    else if (arg === '--runs') options.runs = Math.max(1, Number.parseInt(value(), 10) || 1);
    else if (arg === '--only') options.only = value().split(',').map((s) => s.trim()).filter(Boolean);
    else if (arg === '--no-verify') options.verify = false;
    else if (arg === '--help' || arg === '-h') {
      console.log('usage: node bench/run.mjs [--size 1G|256M] [--runs N] [--only ours,libtorrent,aria2] [--no-verify]');
      process.exit(0);
    } else throw new Error(`unknown option ${arg}`);
  }
  return options;
}

// --- helpers ---

function which(command) {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function label(bytes) {
  return bytes % 1024 ** 3 === 0 ? `${bytes / 1024 ** 3}G` : bytes % 1024 ** 2 === 0 ? `${bytes / 1024 ** 2}M` : `${bytes}`;
}

async function writeData(path, size) {
  // Deterministic bytes: an AES-128-CTR keystream (same generator idea as tests/interop/harness/data.ts).
  await mkdir(dirname(path), { recursive: true });
  const key = createHash('sha256').update('key:bench').digest().subarray(0, 16);
  const iv = createHash('sha256').update('iv:bench').digest().subarray(0, 16);
  const cipher = createCipheriv('aes-128-ctr', key, iv);
  const zeros = Buffer.alloc(4 * 1024 * 1024);
  const out = createWriteStream(`${path}.partial`);
  for (let left = size; left > 0; left -= zeros.length) {
    const n = Math.min(zeros.length, left);
    if (!out.write(cipher.update(zeros.subarray(0, n)))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
  execFileSync('mv', [`${path}.partial`, path]);
}

async function sha256(path) {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk);
  return hash.digest('hex');
}

/** Spawns in its own process group; collects stdout lines; returns { child, lines, exited }. */
function start(command, args, logPath) {
  const log = createWriteStream(logPath);
  log.write(`$ ${command} ${args.join(' ')}\n`);
  const child = spawn(command, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = [];
  const waiters = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line);
    log.write(`[out] ${line}\n`);
    for (const w of [...waiters]) if (w.re.test(line)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(line); }
  });
  createInterface({ input: child.stderr }).on('line', (line) => log.write(`[err] ${line}\n`));
  const exited = new Promise((resolve) => child.once('close', (code, signal) => { log.end(); resolve({ code, signal }); }));
  const waitFor = (re, timeoutMs) => {
    const seen = lines.find((l) => re.test(l));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timeout waiting for ${re} (see ${logPath})`)), timeoutMs);
      waiters.push({ re, resolve: (l) => { clearTimeout(timer); resolve(l); } });
      exited.then(() => setTimeout(() => reject(new Error(`exited while waiting for ${re} (see ${logPath})`)), 100));
    });
  };
  const kill = (signal = 'SIGTERM') => { try { process.kill(-child.pid, signal); } catch { /* gone */ } };
  return { child, lines, exited, waitFor, kill };
}

function parseTimeV(path) {
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const num = (re) => Number((re.exec(text) ?? [])[1] ?? Number.NaN);
  return {
    userS: num(/User time \(seconds\):\s*([\d.]+)/),
    sysS: num(/System time \(seconds\):\s*([\d.]+)/),
    maxRssKb: num(/Maximum resident set size \(kbytes\):\s*(\d+)/),
  };
}

function median(values) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// --- the clients ---

const CLIENTS = {
  ours: {
    available: () => existsSync(CLI),
    why: `${CLI} missing (npm run build:node)`,
    command: ({ torrent, out, port, seedPeer, state }) => [process.execPath, [
      ...(process.env.BENCH_NODE_FLAGS ? process.env.BENCH_NODE_FLAGS.split(' ') : []), CLI, 'download', torrent, '-o', out, '--port', String(port), '--json', '--no-dht', '--state-dir', state, '--peer', seedPeer,
    ]],
  },
  libtorrent: {
    available: () => existsSync(PYTHON) && existsSync(LT_PEER),
    why: `${PYTHON} with libtorrent missing`,
    command: ({ torrent, out, port, seedPeer }) => [PYTHON, [
      LT_PEER, '--mode', 'leech', '--torrent', torrent, '--save', out, '--port', String(port), '--peer', seedPeer, '--timeout', '900',
    ]],
  },
  aria2: {
    available: () => which('aria2c'),
    why: 'aria2c not installed',
    // aria2 cannot be told a peer: it finds the seeder through our in-process HTTP tracker.
    command: ({ torrent, out, port, trackerUrl }) => ['aria2c', [
      '-d', out, '--seed-time=0', '--file-allocation=falloc', '--interface=127.0.0.1', '--disable-ipv6=true',
      '--enable-dht=false', '--enable-dht6=false', '--bt-enable-lpd=false', '--enable-peer-exchange=false',
      `--listen-port=${port}`, `--bt-tracker=${trackerUrl}`, '--console-log-level=warn', '--summary-interval=0',
      '--show-console-readout=false', `--stop-with-process=${process.pid}`, torrent,
    ]],
  },
};

async function runOne(name, context, runIndex) {
  const out = join(WORK, `out-${name}`);
  const state = join(WORK, `state-${name}`);
  await rm(out, { recursive: true, force: true });
  await rm(state, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  await mkdir(state, { recursive: true });
  const port = await freePort();
  const [command, args] = CLIENTS[name].command({ ...context, out, state, port });
  const timeFile = join(WORK, `time-${name}.txt`);
  await rm(timeFile, { force: true });
  const started = process.hrtime.bigint();
  // BENCH_WRAP (profiling only, e.g. "strace -c -f -o /tmp/st.txt") runs our client under a tool.
  const wrap = name === 'ours' && process.env.BENCH_WRAP ? process.env.BENCH_WRAP.split(' ') : [];
  const proc = start(TIME, ['-v', '-o', timeFile, ...wrap, command, ...args], join(WORK, `log-${name}-${runIndex}.txt`));
  const timer = setTimeout(() => proc.kill('SIGKILL'), RUN_TIMEOUT_MS);
  const exit = await proc.exited;
  clearTimeout(timer);
  const wallS = Number(process.hrtime.bigint() - started) / 1e9;
  const t = parseTimeV(timeFile);
  let identical = null;
  if (context.verify && exit.code === 0) identical = (await sha256(join(out, context.name))) === context.sha;
  await rm(out, { recursive: true, force: true });
  const ok = exit.code === 0 && identical !== false;
  return {
    ok,
    exitCode: exit.code,
    wallS: round(wallS, 3),
    mbps: ok ? round(context.size / wallS / 1e6, 1) : null,
    cpuS: round(t.userS + t.sysS, 2),
    userS: t.userS,
    sysS: t.sysS,
    maxRssMb: round(t.maxRssKb / 1024, 1),
    identical,
  };
}

function round(value, digits) {
  if (!Number.isFinite(value)) return null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function table(rows) {
  const headers = ['client', 'runs ok', 'wall s', 'MB/s', 'CPU s', 'peak RSS MB'];
  const body = rows.map((r) => [r.client, `${r.okRuns}/${r.runs.length}`, fmt(r.median.wallS), fmt(r.median.mbps), fmt(r.median.cpuS), fmt(r.median.maxRssMb)]);
  const widths = headers.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

function fmt(value) {
  return value === null || value === undefined || Number.isNaN(value) ? '–' : String(value);
}

// --- main ---

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (!existsSync(TIME)) throw new Error(`${TIME} is missing: apt-get install -y time`);
  if (!which('mktorrent')) throw new Error('mktorrent is missing: apt-get install -y mktorrent');
  const clients = options.only.filter((name) => {
    if (!CLIENTS[name]) throw new Error(`unknown client ${name} (ours, libtorrent, aria2)`);
    if (CLIENTS[name].available()) return true;
    console.log(`skipping ${name}: ${CLIENTS[name].why}`);
    return false;
  });

  const name = `bench-${label(options.size)}.bin`;
  const seedDir = join(WORK, 'seed');
  const dataPath = join(seedDir, name);
  const torrentPath = join(WORK, `${name}.torrent`);
  if (!existsSync(dataPath) || statSync(dataPath).size !== options.size) {
    console.log(`writing ${label(options.size)} of test data to ${dataPath} …`);
    await rm(torrentPath, { force: true });
    await writeData(dataPath, options.size);
  }
  if (!existsSync(torrentPath)) {
    console.log('making the .torrent with mktorrent …');
    // A dead announce URL: every leecher gets the seeder directly (or via our tracker for aria2).
    execFileSync('mktorrent', ['-d', '-l', String(PIECE_LOG2), '-a', 'http://127.0.0.1:9/announce', '-o', torrentPath, dataPath], { stdio: 'ignore' });
  }
  const sha = options.verify ? await sha256(dataPath) : null;

  const { default: Server } = await import('bittorrent-tracker/server');
  const trackerPort = await freePort();
  const tracker = new Server({ interval: 5000, http: true, udp: false, ws: false, stats: false });
  await new Promise((resolve) => tracker.listen(trackerPort, { http: '127.0.0.1' }, resolve));
  tracker.on('warning', () => {});
  const trackerUrl = `http://127.0.0.1:${trackerPort}/announce`;

  const seedPort = await freePort();
  console.log(`starting the libtorrent seeder on 127.0.0.1:${seedPort} (checks ${label(options.size)}) …`);
  const seeder = start(PYTHON, [
    LT_PEER, '--mode', 'seed', '--torrent', torrentPath, '--save', seedDir, '--port', String(seedPort),
    '--tracker', trackerUrl, '--interval', '5',
  ], join(WORK, 'log-seeder.txt'));
  const cleanup = () => seeder.kill('SIGKILL');
  process.once('exit', cleanup);
  process.once('SIGINT', () => process.exit(130));
  await seeder.waitFor(/"type": "(seeding|error)"/, 10 * 60 * 1000).then((line) => {
    if (line.includes('error')) throw new Error(`seeder: ${line}`);
  });

  const context = { torrent: torrentPath, name, size: options.size, sha, verify: options.verify, seedPeer: `127.0.0.1:${seedPort}`, trackerUrl };
  const results = Object.fromEntries(clients.map((c) => [c, []]));
  for (let run = 1; run <= options.runs; run++) {
    for (const client of clients) {
      process.stdout.write(`run ${run}/${options.runs}: ${client} … `);
      const result = await runOne(client, context, run);
      results[client].push(result);
      console.log(result.ok ? `${result.wallS} s, ${result.mbps} MB/s, CPU ${result.cpuS} s, RSS ${result.maxRssMb} MB` : `FAILED (exit ${result.exitCode}, identical ${result.identical}; see bench/.work/log-${client}-${run}.txt)`);
    }
  }
  seeder.kill('SIGTERM');
  await Promise.race([seeder.exited, new Promise((r) => setTimeout(r, 3000))]);
  cleanup();
  tracker.close();

  const rows = clients.map((client) => {
    const runs = results[client];
    const ok = runs.filter((r) => r.ok);
    return {
      client,
      runs,
      okRuns: ok.length,
      median: {
        wallS: round(median(ok.map((r) => r.wallS)), 3),
        mbps: round(median(ok.map((r) => r.mbps)), 1),
        cpuS: round(median(ok.map((r) => r.cpuS)), 2),
        maxRssMb: round(median(ok.map((r) => r.maxRssMb)), 1),
      },
    };
  });
  console.log(`\n${label(options.size)} file, ${2 ** (PIECE_LOG2 - 20)} MiB pieces, libtorrent seeder on loopback, median of ${options.runs}\n`);
  console.log(table(rows));

  const ours = rows.find((r) => r.client === 'ours');
  const others = rows.filter((r) => r.client !== 'ours' && r.okRuns > 0);
  let ratio = null;
  if (ours && ours.okRuns > 0 && others.length > 0) {
    const best = others.reduce((a, b) => (b.median.mbps > a.median.mbps ? b : a));
    const leanest = others.reduce((a, b) => (b.median.cpuS < a.median.cpuS ? b : a));
    ratio = {
      bestClient: best.client,
      speedVsBest: round(ours.median.mbps / best.median.mbps, 2),
      cpuVsLeanest: round(ours.median.cpuS / leanest.median.cpuS, 2),
      leanestClient: leanest.client,
    };
    console.log(`\nours: ${ratio.speedVsBest}× the speed of the fastest other (${best.client}), ${ratio.cpuVsLeanest}× the CPU time of the leanest (${leanest.client})`);
  }

  const report = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '', kernel: release(), node: process.version },
    sizeBytes: options.size,
    pieceBytes: 2 ** PIECE_LOG2,
    runs: options.runs,
    seeder: 'libtorrent (python3-libtorrent) on 127.0.0.1, TCP',
    units: { wallS: 'seconds, spawn to exit after verified completion', mbps: '10^6 bytes per second', cpuS: 'user+sys seconds', maxRssMb: 'MiB' },
    results: rows,
    ratio,
  };
  await mkdir(RESULTS, { recursive: true });
  // A profiled run is not a measurement: keep it out of latest.json.
  const resultName = process.env.BENCH_WRAP || process.env.BENCH_NODE_FLAGS ? 'profiled.json' : 'latest.json';
  await writeFile(join(RESULTS, resultName), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nwrote ${join('bench', 'results', resultName)}`);
  if (rows.some((r) => r.okRuns < r.runs.length)) process.exitCode = 1;
}

main().catch((error) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
