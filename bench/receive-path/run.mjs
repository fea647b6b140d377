#!/usr/bin/env node
// How a page best receives a byte stream from a local process: the relay's way (WebSocket, one
// fresh ArrayBuffer per message) against a streamed fetch() body read with a BYOB reader into
// one reused buffer. A Node server on 127.0.0.1 sends SIZE MiB each way; headless Chromium reads
// it in a plain page and touches one byte per KiB (as a parser would look at the data). Reports
// MB/s, the page's main-thread task time and script time (CDP Performance metrics), and the
// renderer's page faults and CPU from /proc.
//
//   node bench/receive-path/run.mjs [--size 512] [--runs 3] [--message 1024]   (MiB, KiB)
import { createServer } from 'node:http';
import { readFileSync, readdirSync } from 'node:fs';
import puppeteer from 'puppeteer';
import { WebSocketServer } from 'ws';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const SIZE = opt('size', 512) * 1024 * 1024;
const RUNS = opt('runs', 3);
const MESSAGE = opt('message', 1024) * 1024;

const payload = Buffer.alloc(MESSAGE);
for (let i = 0; i < MESSAGE; i++) payload[i] = i & 0xff;

const PAGE = `<!doctype html><meta charset="utf-8"><title>receive</title><script>
window.viaWebSocket = (url, total) => new Promise((resolve, reject) => {
  const ws = new WebSocket(url);
  ws.binaryType = 'arraybuffer';
  let got = 0, sum = 0;
  const t0 = performance.now();
  ws.onmessage = (e) => {
    const view = new Uint8Array(e.data);
    for (let i = 0; i < view.length; i += 1024) sum += view[i];
    got += view.length;
    if (got >= total) { ws.close(); resolve({ ms: performance.now() - t0, got, sum }); }
  };
  ws.onerror = () => reject(new Error('websocket error'));
});
window.viaFetch = async (url, total, size) => {
  const t0 = performance.now();
  const response = await fetch(url);
  const reader = response.body.getReader({ mode: 'byob' });
  let buffer = new ArrayBuffer(size);
  let got = 0, sum = 0;
  for (;;) {
    const { done, value } = await reader.read(new Uint8Array(buffer));
    if (done) break;
    for (let i = 0; i < value.length; i += 1024) sum += value[i];
    got += value.length;
    buffer = value.buffer;
  }
  return { ms: performance.now() - t0, got, sum };
};
</script>`;

const server = createServer((req, res) => {
  if (req.url === '/') return res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
  if (req.url === '/stream') {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    let sent = 0;
    const pump = () => {
      while (sent < SIZE) {
        sent += payload.length;
        if (!res.write(payload)) return res.once('drain', pump);
      }
      res.end();
    };
    return pump();
  }
  res.writeHead(404).end();
});
const wss = new WebSocketServer({ server });
wss.on('connection', (ws) => {
  let sent = 0;
  const pump = () => {
    while (sent < SIZE && ws.bufferedAmount < 8 * MESSAGE) {
      ws.send(payload);
      sent += payload.length;
    }
    if (sent < SIZE) setTimeout(pump, 1);
  };
  pump();
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${server.address().port}`;

const browser = await puppeteer.launch({
  executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
  headless: true,
  pipe: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage();
await page.goto(origin);
const cdp = await page.createCDPSession();
await cdp.send('Performance.enable');

/** The renderer that shows our page: the one renderer process with the most CPU so far is ours. */
function rendererStats() {
  let best = null;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.includes('--type=renderer')) continue;
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      const cpu = (Number(f[11]) + Number(f[12])) / 100;
      const faults = Number(f[7]);
      if (!best || cpu > best.cpu) best = { cpu, faults };
    } catch {
      // gone
    }
  }
  return best ?? { cpu: 0, faults: 0 };
}

async function metrics() {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  const m = Object.fromEntries(list.map((x) => [x.name, x.value]));
  return { task: m.TaskDuration, script: m.ScriptDuration, gcish: m.JSHeapUsedSize };
}

const results = { websocket: [], fetch: [] };
for (let run = 0; run < RUNS; run++) {
  for (const how of ['websocket', 'fetch']) {
    const before = await metrics();
    const procBefore = rendererStats();
    const out =
      how === 'websocket'
        ? await page.evaluate((url, total) => window.viaWebSocket(url, total), origin.replace('http', 'ws'), SIZE)
        : await page.evaluate((url, total, size) => window.viaFetch(url, total, size), `${origin}/stream`, SIZE, MESSAGE);
    const after = await metrics();
    const procAfter = rendererStats();
    if (out.got < SIZE) throw new Error(`${how}: got ${out.got} of ${SIZE}`);
    const row = {
      mbps: Math.round((SIZE / (out.ms / 1000) / 1e6) * 10) / 10,
      mainTaskS: Math.round((after.task - before.task) * 100) / 100,
      scriptS: Math.round((after.script - before.script) * 100) / 100,
      rendererCpuS: Math.round((procAfter.cpu - procBefore.cpu) * 100) / 100,
      rendererFaults: procAfter.faults - procBefore.faults,
    };
    results[how].push(row);
    console.log(`run ${run + 1} ${how.padEnd(9)} ${JSON.stringify(row)}`);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const how of ['websocket', 'fetch']) {
  const rows = results[how];
  console.log(
    `${how.padEnd(9)} median: ${median(rows.map((r) => r.mbps))} MB/s, main-thread tasks ${median(rows.map((r) => r.mainTaskS))} s, renderer CPU ${median(rows.map((r) => r.rendererCpuS))} s, faults ${median(rows.map((r) => r.rendererFaults))} (${SIZE / 1024 / 1024} MiB, ${MESSAGE / 1024} KiB messages/reads)`,
  );
}
await browser.close();
wss.close();
server.close();
