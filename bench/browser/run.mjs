#!/usr/bin/env node
// The extension against the CLI, same file, same seeder, on loopback: one libtorrent seeder on
// 127.0.0.1 seeds bench/.work's file (1 MiB pieces); then, per run, the extension in headless
// Chromium downloads it (a magnet with the seeder as x.pe, added over the popup's "ui" port),
// then our Node CLI downloads it (the .torrent, --peer).
//
//   npm run bench:browser                          1 GiB, one run each
//   npm run bench:browser -- --size 256M --runs 3  median of three
//   npm run bench:browser -- --size 256M --profile CPU profiles of the extension's JS
//
// Extension: wall = `add` sent → the engine's completedAt (last piece verified in OPFS); CPU =
// user+sys of every process of Chromium's tree plus the native host, over that window, from
// /proc; memory = peak of the tree's summed VmRSS sampled every 250 ms. Delivery to Downloads is
// timed on its own. CLI: spawn → exit, /usr/bin/time -v. Results: a table and
// bench/results/browser-latest.json.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, release } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CLI, LT_PEER, PYTHON, RESULTS, ROOT, TIME, WORK, ensureData, freePort, label, median, parseSize, round, sha256, start } from './common.mjs';
import { runCli } from './cli-run.mjs';
import { runExtension } from './extension-run.mjs';

const TARGET_RATIO = 0.6;

function parseArgs(argv) {
  const options = { size: 1024 ** 3, runs: 1, only: ['extension', 'cli'], verify: true, profile: false, keep: false };
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
    else if (arg === '--profile') options.profile = true;
    else if (arg === '--keep') options.keep = true;
    else if (arg === '--help' || arg === '-h') {
      console.log('usage: node bench/browser/run.mjs [--size 1G|256M] [--runs N] [--only extension,cli] [--profile] [--keep] [--no-verify]');
      process.exit(0);
    } else throw new Error(`unknown option ${arg}`);
  }
  for (const c of options.only) if (c !== 'extension' && c !== 'cli') throw new Error(`unknown client ${c} (extension, cli)`);
  return options;
}

const fmt = (v, d = 1) => (v === null || v === undefined || Number.isNaN(v) ? '–' : String(round(v, d)));

function table(rows) {
  const headers = ['client', 'runs ok', 'wall s', 'MB/s', 'CPU s', 'peak RSS MB', 'delivery s'];
  const body = rows.map((r) => [r.client, `${r.okRuns}/${r.runs.length}`, fmt(r.median.wallS, 2), fmt(r.median.mbps), fmt(r.median.cpuS, 2), fmt(r.median.maxRssMb), fmt(r.median.deliveryS, 2)]);
  const widths = headers.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

function summarise(client, runs) {
  const ok = runs.filter((r) => r.ok);
  const m = (key, d) => round(median(ok.map((r) => r[key])), d);
  return {
    client,
    okRuns: ok.length,
    median: { wallS: m('wallS', 3), mbps: m('mbps', 1), cpuS: m('cpuS', 2), maxRssMb: m('maxRssMb', 1), deliveryS: m('deliveryS', 2) },
    runs: runs.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'number' ? round(v, 3) : v]))),
  };
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  for (const [path, fix] of [[TIME, 'apt-get install -y time'], [PYTHON, 'python3 with libtorrent'], [CLI, 'npm run build:node'], [join(ROOT, 'dist', 'manifest.json'), 'npm run build']]) {
    if (!existsSync(path)) throw new Error(`${path} is missing (${fix})`);
  }
  const { parseTorrent, formatMagnet } = await import(pathToFileURL(join(ROOT, 'build', 'src', 'engine', 'metainfo', 'index.js')).href);
  await mkdir(WORK, { recursive: true });
  const data = await ensureData(options.size);
  const meta = parseTorrent(new Uint8Array(data.torrentBytes));
  const sha = options.verify ? await sha256(data.dataPath) : null;

  const seedPort = await freePort();
  console.log(`starting the libtorrent seeder on 127.0.0.1:${seedPort} (checks ${label(options.size)}) …`);
  const seeder = start(PYTHON, [LT_PEER, '--mode', 'seed', '--torrent', data.torrentPath, '--save', data.seedDir, '--port', String(seedPort), '--interval', '5'], join(WORK, 'log-browser-bench-seeder.txt'));
  const stopSeeder = () => seeder.kill('SIGKILL');
  process.once('exit', stopSeeder);
  process.once('SIGINT', () => process.exit(130));
  const seeding = await seeder.waitFor(/"type": "(seeding|error)"/, 10 * 60 * 1000);
  if (seeding.includes('error')) throw new Error(`seeder: ${seeding}`);

  const seedPeer = `127.0.0.1:${seedPort}`;
  // No tracker: the magnet names the seeder (x.pe), the CLI gets it with --peer.
  const magnet = formatMagnet({ infoHashHex: meta.infoHashHex, name: meta.name, peers: [{ host: '127.0.0.1', port: seedPort }] });
  const timeoutMs = Math.max(180_000, (options.size / 1e6) * 1000); // ≥ 1 MB/s
  const results = { extension: [], cli: [] };
  const log = (text) => console.log(text);
  for (let run = 1; run <= options.runs; run++) {
    for (const client of options.only) {
      console.log(`run ${run}/${options.runs}: ${client} …`);
      let r;
      try {
        if (client === 'extension') {
          const profileOut = options.profile ? join(WORK, `browser-bench-run${run}`) : null;
          r = await runExtension({ magnet, infoHash: meta.infoHashHex, name: data.name, size: options.size, sha, timeoutMs, profileOut, keep: options.keep, log });
        } else {
          r = await runCli({ torrentPath: data.torrentPath, name: data.name, size: options.size, sha, seedPeer, timeoutMs, runIndex: run });
        }
      } catch (error) {
        r = { ok: false, error: error instanceof Error ? error.message : String(error) };
      }
      results[client].push(r);
      const extra = client === 'extension' && r.deliveryS !== undefined ? `, delivery ${fmt(r.deliveryS, 2)} s (CPU ${fmt(r.deliveryCpuS, 2)} s)` : '';
      console.log(r.ok
        ? `  ${fmt(r.wallS, 2)} s, ${fmt(r.mbps)} MB/s, CPU ${fmt(r.cpuS, 2)} s, peak RSS ${fmt(r.maxRssMb)} MB${extra}`
        : `  FAILED: ${r.error ?? r.deliveryError ?? 'see the results file'}`);
      if (client === 'extension' && r.cpuByProcess) console.log(`  CPU by process: ${Object.entries(r.cpuByProcess).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ')}`);
      for (const [kind, threads] of Object.entries(r.cpuByThread ?? {})) {
        console.log(`  ${kind} by thread: ${Object.entries(threads).slice(0, 8).map(([k, v]) => `${k} ${v}`).join(', ')}`);
      }
      for (const [kind, threads] of Object.entries(r.pageFaultsByThread ?? {})) {
        console.log(`  ${kind} page faults by thread: ${Object.entries(threads).slice(0, 4).map(([k, v]) => `${k} ${v}`).join(', ')}`);
      }
    }
  }
  seeder.kill('SIGTERM');
  await Promise.race([seeder.exited, new Promise((r) => setTimeout(r, 3000))]);
  stopSeeder();

  const rows = options.only.map((c) => summarise(c, results[c]));
  console.log(`\n${label(options.size)} file, 1 MiB pieces, libtorrent seeder on 127.0.0.1, median of ${options.runs}\n`);
  console.log(table(rows));
  const ext = rows.find((r) => r.client === 'extension');
  const cli = rows.find((r) => r.client === 'cli');
  let ratio = null;
  if (ext?.okRuns && cli?.okRuns) {
    ratio = {
      speed: round(ext.median.mbps / cli.median.mbps, 2),
      cpu: round(ext.median.cpuS / cli.median.cpuS, 2),
      memory: round(ext.median.maxRssMb / cli.median.maxRssMb, 2),
      target: TARGET_RATIO,
      meetsTarget: ext.median.mbps / cli.median.mbps >= TARGET_RATIO,
    };
    console.log(`\nextension/CLI: ${ratio.speed}× the speed (target ≥ ${TARGET_RATIO}: ${ratio.meetsTarget ? 'met' : 'NOT met'}), ${ratio.cpu}× the CPU time, ${ratio.memory}× the peak memory`);
  }
  const report = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '', kernel: release(), node: process.version, chromium: '/usr/bin/chromium headless' },
    sizeBytes: options.size,
    pieceBytes: 2 ** 20,
    runs: options.runs,
    seeder: 'libtorrent (python3-libtorrent) on 127.0.0.1, TCP; the extension gets it as x.pe in a magnet, the CLI as --peer with the .torrent',
    units: {
      wallS: 'extension: add command sent → engine completedAt (verified in OPFS); cli: spawn → exit',
      mbps: '10^6 bytes per second',
      cpuS: 'user+sys seconds; extension: every Chromium process + the native host, /proc, over the wall window',
      maxRssMb: 'MiB; extension: peak of summed VmRSS of the tree (250 ms samples, shared pages counted per process); cli: /usr/bin/time max RSS',
      deliveryS: 'extension only: verified → the file complete in Downloads',
    },
    results: rows,
    ratio,
  };
  await mkdir(RESULTS, { recursive: true });
  await writeFile(join(RESULTS, 'browser-latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nwrote ${join('bench', 'results', 'browser-latest.json')}`);
  if (rows.some((r) => r.okRuns < r.runs.length)) process.exitCode = 1;
}

main().catch((error) => {
  console.error(`bench:browser: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
