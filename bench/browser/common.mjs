// Small helpers shared by the browser benchmark: options, the test data and its .torrent (the same
// files and names bench/run.mjs uses, so either benchmark reuses what the other made), processes.
import { spawn, execFileSync } from 'node:child_process';
import { createCipheriv, createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const WORK = join(ROOT, 'bench', '.work');
export const RESULTS = join(ROOT, 'bench', 'results');
export const CLI = join(ROOT, 'build', 'src', 'cli', 'main.js');
export const LT_PEER = join(ROOT, 'tests', 'interop', 'peers', 'lt_peer.py');
export const PYTHON = '/usr/bin/python3';
export const TIME = '/usr/bin/time';
export const PIECE_LOG2 = 20; // 1 MiB pieces, as bench/run.mjs

export function parseSize(text) {
  const m = /^(\d+(?:\.\d+)?)([KMG]?)i?B?$/i.exec(text);
  if (!m) throw new Error(`bad --size ${text} (e.g. 256M, 1G)`);
  const unit = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2].toUpperCase()];
  return Math.round(Number(m[1]) * unit);
}

export function label(bytes) {
  return bytes % 1024 ** 3 === 0 ? `${bytes / 1024 ** 3}G` : bytes % 1024 ** 2 === 0 ? `${bytes / 1024 ** 2}M` : `${bytes}`;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export function which(command) {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function writeData(path, size) {
  // Deterministic bytes, the same generator as bench/run.mjs (AES-128-CTR keystream).
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

/** bench/.work/seed/bench-<size>.bin and its .torrent, made only when missing. */
export async function ensureData(size) {
  const name = `bench-${label(size)}.bin`;
  const seedDir = join(WORK, 'seed');
  const dataPath = join(seedDir, name);
  const torrentPath = join(WORK, `${name}.torrent`);
  if (!existsSync(dataPath) || statSync(dataPath).size !== size) {
    console.log(`writing ${label(size)} of test data to ${dataPath} …`);
    await rm(torrentPath, { force: true });
    await writeData(dataPath, size);
  }
  if (!existsSync(torrentPath)) {
    if (!which('mktorrent')) throw new Error('mktorrent is missing: apt-get install -y mktorrent');
    console.log('making the .torrent with mktorrent …');
    execFileSync('mktorrent', ['-d', '-l', String(PIECE_LOG2), '-a', 'http://127.0.0.1:9/announce', '-o', torrentPath, dataPath], { stdio: 'ignore' });
  }
  return { name, seedDir, dataPath, torrentPath, torrentBytes: readFileSync(torrentPath) };
}

export async function sha256(path) {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk);
  return hash.digest('hex');
}

/** Spawns in its own process group; logs to `logPath`; `waitFor(re)` resolves on a stdout line. */
export function start(command, args, logPath) {
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

export function round(value, digits) {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function median(values) {
  const sorted = values.filter((v) => v !== null && Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
