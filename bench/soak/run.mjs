#!/usr/bin/env node
// Soak (issue 6): one engine Client, in this process, runs for --minutes (30 by default) while
// peers come and go. It seeds several torrents to churned leechers (libtorrent and our CLI,
// started and killed at random) and downloads another torrent over and over (removed with its
// data when done, added again) from churned seeders. Every --sample-seconds it samples this
// process: RSS, JS heap (after a GC), array buffers, open handles (libuv resources), open file
// descriptors, peer connections. At the end: a table, a trend per metric (least-squares slope
// after the warm-up) and a verdict, flat or growing. Results also go to bench/results/soak-latest.json.
//
//   npm run soak                         30 minutes
//   npm run soak -- --minutes 5 --torrents 4 --size 16M
//
// Run it at low priority on a shared machine: `nice -n 10 npm run soak`.
import { execFileSync } from 'node:child_process';
import { createCipheriv, createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPeer } from './peers.mjs';
import { trend } from './trend.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BUILD = join(ROOT, 'build', 'src');
const CLI = join(BUILD, 'cli', 'main.js');
const LT_PEER = join(ROOT, 'tests', 'interop', 'peers', 'lt_peer.py');
const PYTHON = '/usr/bin/python3';
const RESULTS = join(ROOT, 'bench', 'results', 'soak-latest.json');
const MiB = 1024 * 1024;

/** Tolerances for the verdict: growth over the window beyond max(relative × median, floor). */
const METRICS = [
  { key: 'rssMiB', label: 'RSS MiB', relative: 0.1, floor: 16 },
  { key: 'heapMiB', label: 'heap MiB', relative: 0.1, floor: 8 },
  { key: 'buffersMiB', label: 'arrayBuffers MiB', relative: 0.2, floor: 16 },
  { key: 'handles', label: 'handles', relative: 0.2, floor: 8 },
  { key: 'fds', label: 'fds', relative: 0.2, floor: 8 },
];

function parseArgs(argv) {
  const o = { minutes: 30, sampleSeconds: 10, torrents: 3, size: 16 * MiB, maxPeers: 5, churnSeconds: 6, seedRate: 2 * MiB };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const v = () => {
      const value = argv[++i];
      if (value === undefined) throw new Error(`${arg} needs a value`);
      return value;
    };
    const num = (text) => {
      const n = Number(text);
      if (!Number.isFinite(n) || n <= 0) throw new Error(`${arg}: a positive number, not ${text}`);
      return n;
    };
    if (arg === '--minutes') o.minutes = num(v());
    else if (arg === '--sample-seconds') o.sampleSeconds = num(v());
    else if (arg === '--torrents') o.torrents = Math.max(2, Math.round(num(v())));
    else if (arg === '--size') o.size = Math.round(num(v().replace(/M$/i, '')) * MiB);
    else if (arg === '--max-peers') o.maxPeers = Math.round(num(v()));
    else if (arg === '--help' || arg === '-h') {
      console.log('usage: npm run soak -- [--minutes 30] [--sample-seconds 10] [--torrents 3] [--size 16M] [--max-peers 5]');
      process.exit(0);
    } else throw new Error(`unknown option ${arg}`);
  }
  return o;
}

async function writeData(path, size, seed) {
  const key = createHash('sha256').update(`key:${seed}`).digest().subarray(0, 16);
  const iv = createHash('sha256').update(`iv:${seed}`).digest().subarray(0, 16);
  const cipher = createCipheriv('aes-128-ctr', key, iv);
  const zeros = Buffer.alloc(4 * MiB);
  const out = createWriteStream(path);
  for (let left = size; left > 0; left -= zeros.length) {
    if (!out.write(cipher.update(zeros.subarray(0, Math.min(zeros.length, left))))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
}

/** Torrent i: data in <work>/data-i/soak-i.bin, .torrent beside it (mktorrent, 256 KiB pieces). */
async function makeTorrents(work, count, size) {
  const torrents = [];
  for (let i = 0; i < count; i++) {
    const dataDir = join(work, `data-${i}`);
    await mkdir(dataDir, { recursive: true });
    const file = join(dataDir, `soak-${i}.bin`);
    await writeData(file, size + i * 12_345, `soak-${i}`);
    const path = join(work, `soak-${i}.torrent`);
    execFileSync('mktorrent', ['-l', '18', '-a', 'http://127.0.0.1:9/announce', '-o', path, file], { stdio: 'ignore' });
    torrents.push({ index: i, path, dataDir, file, bytes: new Uint8Array(await readFile(path)) });
  }
  return torrents;
}

const pick = (list) => list[Math.floor(Math.random() * list.length)];
const mib = (bytes) => Math.round((bytes / MiB) * 10) / 10;

async function sample(client, t0, extra) {
  globalThis.gc?.();
  const mem = process.memoryUsage();
  return {
    t: Math.round((Date.now() - t0) / 1000),
    rssMiB: mib(mem.rss),
    heapMiB: mib(mem.heapUsed),
    buffersMiB: mib(mem.arrayBuffers),
    handles: process.getActiveResourcesInfo().length,
    fds: (await readdir('/proc/self/fd')).length,
    conns: client.openConnections(),
    ...extra(),
  };
}

function table(rows, columns) {
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells) => cells.map((cell, i) => String(cell).padStart(widths[i])).join('  ');
  return [line(columns), ...rows.map((r) => line(columns.map((c) => r[c])))].join('\n');
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const { Client } = await import(join(BUILD, 'engine', 'session', 'client.js'));
  const { createNodePlatform } = await import(join(BUILD, 'platform', 'node', 'index.js'));
  if (!globalThis.gc) console.warn('soak: run node with --expose-gc (npm run soak does) for steadier heap figures');
  const work = join(ROOT, 'bench', '.work', `soak-${Date.now()}`);
  await mkdir(join(work, 'logs'), { recursive: true });
  console.log(`soak: ${o.minutes} min, ${o.torrents} torrents of ${mib(o.size)} MiB, up to ${o.maxPeers} churned peers, sampling every ${o.sampleSeconds} s; logs in ${work}/logs`);
  const torrents = await makeTorrents(work, o.torrents, o.size);
  const seeded = torrents.slice(0, -1);
  const target = torrents[torrents.length - 1];

  const client = await Client.create({ platform: createNodePlatform({ stateDir: join(work, 'state') }), port: 0, listenHost: '127.0.0.1', dht: false, utp: false, lsd: false });
  for (const t of seeded) await client.add({ kind: 'torrent', bytes: t.bytes }, { destination: t.dataDir });
  const leechDir = join(work, 'leech');
  let leech = await client.add({ kind: 'torrent', bytes: target.bytes }, { destination: leechDir });
  let cycles = 0;
  let peersStarted = 0;
  const live = new Set();
  const deadline = Date.now() + o.minutes * 60_000;
  const t0 = Date.now();

  const seedersOfTarget = () => [...live].filter((p) => p.kind.endsWith('seed'));
  const churn = async () => {
    // End the peers whose time is up, at random with SIGKILL (a crash) or SIGTERM.
    for (const p of [...live]) {
      if (Date.now() >= p.endsAt) {
        live.delete(p);
        await p.end(Math.random() < 0.5 ? 'SIGKILL' : 'SIGTERM');
      }
    }
    if (live.size >= o.maxPeers) return;
    // Keep a seeder of the downloaded torrent around most of the time; leechers for the others.
    const kind = seedersOfTarget().length === 0 && Math.random() < 0.7 ? pick(['lt-seed', 'ours-seed']) : pick(['lt-leech', 'ours-leech', 'lt-leech', 'ours-leech', 'lt-seed', 'ours-seed']);
    const torrent = kind.endsWith('seed') ? target : pick(seeded);
    const peer = await startPeer({ kind, torrent, subjectPort: client.port, root: work, python: PYTHON, ltPeer: LT_PEER, cli: CLI, seedRate: o.seedRate });
    peer.endsAt = Date.now() + (10 + Math.random() * 50) * 1000;
    live.add(peer);
    peersStarted++;
    if (kind.endsWith('seed')) setTimeout(() => leech.addPeers([{ host: '127.0.0.1', port: peer.port }]), 1_500);
  };
  const recycle = async () => {
    if (!leech.isDone()) return;
    cycles++;
    await client.remove(leech.infoHashHex, { deleteData: true });
    leech = await client.add({ kind: 'torrent', bytes: target.bytes }, { destination: leechDir, peers: seedersOfTarget().map((p) => ({ host: '127.0.0.1', port: p.port })) });
  };

  const samples = [];
  const extra = () => ({ peers: live.size, started: peersStarted, cycles, upMiB: Math.round(client.sessionStats().session.uploaded / MiB), downMiB: Math.round(client.sessionStats().session.downloaded / MiB) });
  let nextSample = Date.now();
  let nextChurn = Date.now();
  while (Date.now() < deadline) {
    if (Date.now() >= nextChurn) {
      nextChurn = Date.now() + o.churnSeconds * 1000;
      await churn().catch((error) => console.warn(`soak: churn: ${error.message}`));
    }
    await recycle().catch((error) => console.warn(`soak: recycle: ${error.message}`));
    if (Date.now() >= nextSample) {
      nextSample += o.sampleSeconds * 1000;
      const s = await sample(client, t0, extra);
      samples.push(s);
      process.stdout.write(`  t=${s.t}s rss ${s.rssMiB} heap ${s.heapMiB} buffers ${s.buffersMiB} handles ${s.handles} fds ${s.fds} conns ${s.conns} peers ${s.peers} started ${s.started} cycles ${s.cycles} up ${s.upMiB} down ${s.downMiB} MiB\n`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  for (const p of live) await p.end('SIGTERM');
  await client.close();

  const every = Math.max(1, Math.round(samples.length / 30));
  const shown = samples.filter((_, i) => i % every === 0 || i === samples.length - 1);
  console.log(`\n${table(shown, ['t', 'rssMiB', 'heapMiB', 'buffersMiB', 'handles', 'fds', 'conns', 'peers', 'started', 'cycles', 'upMiB', 'downMiB'])}\n`);
  const trends = METRICS.map((m) => ({ metric: m.label, ...trend(samples, m.key, m) }));
  const rows = trends.map((r) => ({
    metric: r.metric, first: r.first, median: Math.round(r.median * 10) / 10, last: r.last,
    'slope/h': Math.round(r.slopePerHour * 10) / 10, change: Math.round(r.change * 10) / 10, tolerance: Math.round(r.tolerance * 10) / 10, verdict: r.verdict,
  }));
  console.log(table(rows, ['metric', 'first', 'median', 'last', 'slope/h', 'change', 'tolerance', 'verdict']));
  const growing = trends.filter((r) => r.verdict === 'growing');
  const verdict = growing.length === 0 ? 'flat' : `growing: ${growing.map((r) => r.metric).join(', ')}`;
  console.log(`\nverdict: ${verdict} (${o.minutes} min, ${peersStarted} peers started and killed, ${cycles} download cycles, warm-up left out of the trend)`);
  await mkdir(join(ROOT, 'bench', 'results'), { recursive: true });
  await writeFile(RESULTS, JSON.stringify({ date: new Date().toISOString(), options: o, verdict, trends, samples }, null, 1) + '\n');
  await rm(work, { recursive: true, force: true }).catch(() => undefined);
  process.exit(growing.length === 0 ? 0 : 1);
}

main().catch((error) => {
  console.error(`soak: ${error.stack ?? error}`);
  process.exit(2);
});
