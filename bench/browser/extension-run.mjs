// One extension download: a fresh profile with the native host registered (as the e2e harness in
// tests/browser/extension/harness does it), headless Chromium with dist/, an extension page that
// talks to the service worker over the "ui" runtime port (src/extension/messages.ts) exactly as
// the popup does, and the process-tree sampler around it.
//
// Timeline: `add` sent → snapshot with state seeding and progress 1 (verified in OPFS) → the file
// complete in the profile's Downloads folder (delivery, its own time).
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import puppeteer from 'puppeteer';
import { ROOT, sha256, sleep } from './common.mjs';
import { ProcTreeSampler } from './proc-tree.mjs';
import { startProfiling } from './profile.mjs';

const run = promisify(execFile);
const CHROMIUM = process.env.CHROME_PATH ?? '/usr/bin/chromium';
const DIST = join(ROOT, 'dist');
const HOST_INSTALLER = join(ROOT, 'build', 'native-host', 'install.js');
const EXTENSION_ORIGIN = 'chrome-extension://bkhngainmfimebdhdakboflefceoakbd';
/** The page the benchmark drives. The popup is what a user has open; it renders every snapshot. */
const PAGE = 'extension-ui/popup.html';

async function makeProfile() {
  const base = await mkdtemp(join(tmpdir(), 'torrentedge-bench-'));
  const dir = join(base, 'profile');
  const downloads = join(base, 'downloads');
  await mkdir(join(dir, 'Default'), { recursive: true });
  await mkdir(downloads, { recursive: true });
  const prefs = {
    download: { default_directory: downloads, prompt_for_download: false, directory_upgrade: true },
    savefile: { default_directory: downloads },
  };
  await writeFile(join(dir, 'Default', 'Preferences'), JSON.stringify(prefs));
  return { base, dir, downloads };
}

async function launch(profile) {
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    pipe: true,
    userDataDir: profile.dir,
    enableExtensions: true,
    protocolTimeout: 60_000,
    args: [
      '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', `--load-extension=${DIST}`, `--disable-extensions-except=${DIST}`,
    ],
  });
}

/** Installed in the page: a "ui" port, the add command, and every snapshot's row for our torrent. */
function pageAgent() {
  const state = { host: 'connecting', starting: true, t0: 0, result: null, done: null, timeline: [], error: null };
  window.__bench = state;
  const port = chrome.runtime.connect({ name: 'ui' });
  port.onMessage.addListener((event) => {
    if (event.type === 'result') {
      state.result = event.result;
      if (!event.result.ok) state.error = event.result.error;
      return;
    }
    if (event.type !== 'snapshot') return;
    const now = Date.now();
    state.host = event.snapshot.host.state;
    state.starting = event.snapshot.starting;
    const t = event.snapshot.torrents.find((x) => x.infoHash === state.infoHash);
    if (!t || !state.t0) return;
    state.timeline.push({ t: now - state.t0, state: t.state, progress: t.progress, rate: t.downloadRate, peers: t.peers, hashFailures: t.hashFailures });
    if (state.timeline.length > 2000) state.timeline.splice(1, 1);
    if (t.state === 'error') state.error = t.error ?? 'error';
    if (!state.done && t.state === 'seeding' && t.progress === 1) state.done = { at: now, completedAt: t.completedAt ?? null, addedAt: t.addedAt };
  });
  window.__benchAdd = (magnet, infoHash) => {
    state.infoHash = infoHash;
    state.t0 = Date.now();
    port.postMessage({ type: 'command', id: 1, command: { type: 'add', source: { kind: 'magnet', uri: magnet } } });
    return state.t0;
  };
}

async function until(what, timeoutMs, check) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timeout waiting for ${what}`);
    await sleep(250);
  }
}

async function downloadedSize(path) {
  const info = await stat(path).catch(() => null);
  const partial = await stat(`${path}.crdownload`).catch(() => null);
  return info && !partial ? info.size : -1;
}

/**
 * Runs one extension download. Returns the measured figures; throws only on setup failures
 * (a failed download is a result with ok: false).
 */
export async function runExtension({ magnet, infoHash, name, size, sha, timeoutMs, profileOut, keep, log }) {
  const profile = await makeProfile();
  await run(process.execPath, [HOST_INSTALLER, '--profile', profile.dir], { cwd: ROOT, timeout: 30_000 });
  const browser = await launch(profile);
  const pid = browser.process()?.pid;
  const sampler = new ProcTreeSampler(pid);
  sampler.start();
  const result = { ok: false, error: null };
  try {
    await browser.waitForTarget((t) => t.type() === 'service_worker' && t.url().startsWith(EXTENSION_ORIGIN), { timeout: 20_000 });
    const page = await browser.newPage();
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(String(e?.message ?? e)));
    await page.goto(`${EXTENSION_ORIGIN}/${PAGE}`);
    await page.evaluate(pageAgent);
    await until('the native host (host state ready)', 30_000, () => page.evaluate(() => window.__bench.host === 'ready' && !window.__bench.starting));
    const offscreen = await browser.waitForTarget((t) => t.url().includes('offscreen.html'), { timeout: 20_000 }).catch(() => null);
    const profiler = profileOut && offscreen ? await startProfiling(browser, offscreen, log) : null;
    await sleep(500); // let start-up work settle before the baseline

    sampler.mark('add', 'download');
    const t0 = await page.evaluate((m, h) => window.__benchAdd(m, h), magnet, infoHash);
    const deadline = t0 + timeoutMs;
    let lastLog = 0;
    let bench;
    for (;;) {
      bench = await page.evaluate(() => ({ done: window.__bench.done, error: window.__bench.error, last: window.__bench.timeline.at(-1) ?? null }));
      if (bench.done || bench.error) break;
      if (Date.now() > deadline) throw new Error(`timeout: the extension did not finish in ${timeoutMs / 1000} s (last: ${JSON.stringify(bench.last)})`);
      if (log && Date.now() - lastLog > 5000 && bench.last) {
        lastLog = Date.now();
        log(`  extension: ${(bench.last.progress * 100).toFixed(1)}% ${(bench.last.rate / 1e6).toFixed(1)} MB/s ${bench.last.state}`);
      }
      await sleep(250);
    }
    if (bench.error) throw new Error(`the extension reported: ${bench.error}`);
    sampler.mark('done', 'delivery');
    if (profiler) result.profile = await profiler.stop(profileOut);

    const timeline = await page.evaluate(() => window.__bench.timeline);
    const doneAt = bench.done.at;
    // completedAt is the engine's own clock (Date.now in the offscreen document) when the last
    // piece verified; the snapshot that shows it comes up to ~100–600 ms later (publisher ticks).
    const engineDone = bench.done.completedAt && bench.done.completedAt >= t0 ? bench.done.completedAt : doneAt;
    const firstData = timeline.find((e) => e.progress > 0);
    Object.assign(result, {
      wallS: (engineDone - t0) / 1000,
      wallSnapshotS: (doneAt - t0) / 1000,
      firstPieceS: firstData ? firstData.t / 1000 : null,
      hashFailures: timeline.at(-1)?.hashFailures ?? 0,
      timeline: timeline.map((e) => [e.t, Math.round(e.progress * 1000) / 1000, Math.round(e.rate / 1e5) / 10]),
    });

    // Delivery to Downloads (the offscreen document hands a blob: URL to chrome.downloads).
    const delivered = join(profile.downloads, name);
    const deliveryDeadline = Date.now() + Math.max(120_000, timeoutMs / 2);
    let deliveredAt = null;
    while (Date.now() < deliveryDeadline) {
      if ((await downloadedSize(delivered)) === size) { deliveredAt = Date.now(); break; }
      await sleep(250);
    }
    sampler.mark('delivered', null);
    if (deliveredAt) {
      result.deliveryS = (deliveredAt - doneAt) / 1000;
      result.identical = sha ? (await sha256(delivered)) === sha : null;
    } else {
      result.deliveryS = null;
      result.identical = null;
      result.deliveryError = `no complete ${name} in Downloads within ${(deliveryDeadline - doneAt) / 1000} s`;
    }
    result.ok = result.identical !== false;
    result.pageErrors = pageErrors;
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
    if (!sampler.marks.has('done')) sampler.mark('done', null);
  } finally {
    sampler.stop();
    const cpu = sampler.cpuBetween('add', 'done');
    const delivery = sampler.cpuBetween('done', 'delivered');
    Object.assign(result, {
      cpuS: cpu.totalS,
      cpuByProcess: cpu.byKind,
      cpuByThread: sampler.cpuByThreadBetween('add', 'done'),
      pageFaultsByThread: sampler.faultsByThreadBetween('add', 'done'),
      maxRssMb: sampler.peakRssMb('download'),
      ...sampler.peakDetailOf('download'),
      deliveryCpuS: delivery.totalS,
      deliveryMaxRssMb: sampler.peakRssMb('delivery'),
    });
    await browser.close().catch(() => undefined);
    try { process.kill(pid, 'SIGKILL'); } catch { /* closed */ }
    for (let i = 0; i < 20 && [...sampler.procs.keys()].some((k) => sampler.alive(k)); i++) await sleep(100);
    for (const [key, p] of sampler.procs) {
      // Stragglers of this browser (the native host should exit with it): only processes this run saw.
      if (sampler.alive(key)) {
        log?.(`  stopping leftover ${p.kind} (pid ${p.pid})`);
        try { process.kill(p.pid, 'SIGKILL'); } catch { /* gone */ }
      }
    }
    if (keep) log?.(`  profile kept in ${profile.base}`);
    else await rm(profile.base, { recursive: true, force: true });
  }
  if (result.wallS) result.mbps = size / result.wallS / 1e6;
  return result;
}
