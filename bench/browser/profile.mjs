// `--profile`: V8 CPU profiles (CDP Profiler) of the extension's JavaScript during the download:
// the offscreen document (engine, relay WebSocket), its dedicated workers (OPFS) and the service
// worker. Each profile is saved as a .cpuprofile (open in Chrome DevTools → Performance) and
// summarised as self time per function and per source file.
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT } from './common.mjs';

const SAMPLING_INTERVAL_US = 500;

async function attachWorkers(session, log) {
  // Dedicated workers are not top-level targets: ask the document's session to attach to them.
  const workers = [];
  const infos = new Map();
  session.on('Target.attachedToTarget', (e) => infos.set(e.sessionId, e.targetInfo));
  session.on('sessionattached', (child) => workers.push(child));
  await session.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: true }).catch((e) => log?.(`  profile: no worker auto-attach (${e.message})`));
  await new Promise((r) => setTimeout(r, 300));
  return workers.map((child) => {
    const info = infos.get(child.id());
    const file = info?.url?.split('/').pop()?.replace(/-[\w-]{8}\.js$/, '').replace(/\.js$/, '') ?? 'worker';
    return { child, label: `${info?.type ?? 'worker'}-${file}` };
  });
}

async function startOne(session, label) {
  await session.send('Profiler.enable');
  await session.send('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
  await session.send('Profiler.start');
  return { session, label };
}

export async function startProfiling(browser, offscreenTarget, log) {
  const started = [];
  const doc = await offscreenTarget.createCDPSession();
  started.push(await startOne(doc, 'offscreen'));
  for (const { child, label } of await attachWorkers(doc, log)) {
    try {
      started.push(await startOne(child, label));
    } catch (e) {
      log?.(`  profile: ${label}: ${e.message}`);
    }
  }
  const sw = browser.targets().find((t) => t.type() === 'service_worker' && t.url().startsWith('chrome-extension://'));
  if (sw && !started.some((s) => s.label.startsWith('service_worker'))) {
    try {
      started.push(await startOne(await sw.createCDPSession(), 'service-worker'));
    } catch (e) {
      log?.(`  profile: service worker: ${e.message}`);
    }
  }
  log?.(`  profiling ${started.map((s) => s.label).join(', ')}`);
  return {
    async stop(outPrefix) {
      const summaries = {};
      for (const { session, label } of started) {
        try {
          const { profile } = await session.send('Profiler.stop');
          const path = `${outPrefix}-${label}.cpuprofile`;
          await writeFile(path, JSON.stringify(profile));
          summaries[label] = { file: path, ...(await summarise(profile)) };
        } catch (e) {
          summaries[label] = { error: e.message };
        }
      }
      return summaries;
    },
  };
}

/**
 * Maps a bundled position back to src/ through dist's source maps (vite writes them), when
 * source-map-js (a vite dependency) is there; otherwise positions stay as bundled.
 */
async function makeResolver() {
  let SourceMapConsumer;
  try {
    ({ SourceMapConsumer } = await import('source-map-js'));
  } catch {
    return () => null;
  }
  const consumers = new Map();
  return (url, line, column) => {
    const m = /^chrome-extension:\/\/[a-z]+\/(.+\.js)$/.exec(url);
    if (!m) return null;
    if (!consumers.has(m[1])) {
      const mapPath = join(ROOT, 'dist', `${m[1]}.map`);
      consumers.set(m[1], existsSync(mapPath) ? new SourceMapConsumer(JSON.parse(readFileSync(mapPath, 'utf8'))) : null);
    }
    const consumer = consumers.get(m[1]);
    if (!consumer) return null;
    const pos = consumer.originalPositionFor({ line: line + 1, column });
    if (!pos.source) return null;
    return { file: pos.source.replace(/^(\.\.\/)+/, ''), line: pos.line };
  };
}

/** Self time per function and per file, in ms, the biggest first. */
export async function summarise(profile, top = 25) {
  const resolve = await makeResolver();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n);
  const selfUs = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const fns = new Map();
  const files = new Map();
  let totalUs = 0;
  let idleUs = 0;
  for (const [id, us] of selfUs) {
    const { callFrame } = byId.get(id);
    const original = callFrame.url ? resolve(callFrame.url, callFrame.lineNumber, callFrame.columnNumber) : null;
    const file = original ? original.file : callFrame.url ? callFrame.url.replace(/^chrome-extension:\/\/[a-z]+\//, '') : '';
    const where = original ? `${original.file}:${original.line}` : file ? `${file}:${callFrame.lineNumber + 1}:${callFrame.columnNumber + 1}` : '';
    let fn = `${callFrame.functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
    // A native function (digest, send, postMessage): name the script function that called it.
    const caller = !callFrame.url && !callFrame.functionName.startsWith('(') ? parent.get(id)?.callFrame : null;
    if (caller?.url) {
      const at = resolve(caller.url, caller.lineNumber, caller.columnNumber);
      fn += ` ← ${caller.functionName || '(anonymous)'} ${at ? `${at.file}:${at.line}` : caller.url.split('/').pop()}`;
    }
    totalUs += us;
    if (callFrame.functionName === '(idle)') idleUs += us;
    fns.set(fn, (fns.get(fn) ?? 0) + us);
    files.set(file || callFrame.functionName, (files.get(file || callFrame.functionName) ?? 0) + us);
  }
  const ranked = (m) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, us]) => [k, Math.round(us / 1000)]);
  return { totalMs: Math.round(totalUs / 1000), busyMs: Math.round((totalUs - idleUs) / 1000), selfByFunction: ranked(fns), selfByFile: ranked(files) };
}
