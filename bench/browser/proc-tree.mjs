// CPU time and memory of a whole process tree (Chromium: browser, zygotes, renderers, utility
// processes, and the native host it started), from /proc. Sampled every 250 ms:
//   CPU: utime+stime per process (keyed by pid and start time, so a reused pid is a new process),
//        the last value seen is kept after a process exits; a phase's CPU is the sum of the
//        per-process growth between two marks. A process that lives less than one sample is missed.
//   Memory: the sum of VmRSS over the tree at each sample; the peak per phase. Summed RSS counts
//        pages shared between Chromium processes more than once: it is an upper bound.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

function readStat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (comm) may hold spaces and parentheses: the rest starts after the last ')'.
    const close = text.lastIndexOf(')');
    const comm = text.slice(text.indexOf('(') + 1, close);
    const f = text.slice(close + 2).split(' ');
    // f[0] is field 3 (state): field n is f[n - 3].
    return { pid, comm, ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]), start: f[19] };
  } catch {
    return null;
  }
}

/** CPU ticks per thread name of one process (threads of the same name summed), from /proc/<pid>/task. */
function readThreadTicks(pid) {
  const out = {};
  let tids;
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const text = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const close = text.lastIndexOf(')');
      // Chromium numbers some pools ("ThreadPoolForeg" ...); digits are dropped to group them.
      const name = text.slice(text.indexOf('(') + 1, close).replace(/\d+$/, '');
      const f = text.slice(close + 2).split(' ');
      // Exited threads vanish with their ticks: a thread's growth is counted only while it lives.
      // Minor page faults (field 10) too: fresh memory touched, e.g. a new ArrayBuffer per message.
      out[`${name}#${tid}`] = { ticks: Number(f[11]) + Number(f[12]), faults: Number(f[7]) };
    } catch {
      // the thread exited between readdir and read
    }
  }
  return out;
}

/** Process kinds whose CPU is also broken down by thread (cpuByThread). */
const THREAD_KINDS = new Set(['renderer (extension)', 'native host']);

function readRssKb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Proportional set size: shared pages split between the processes that map them. */
function readPssKb(pid) {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function readCmdline(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

/** What a process is, for the per-process breakdown: Chromium's --type, or the host. */
function kindOf(comm, argv) {
  const joined = argv.join(' ');
  // The host names itself (process.title), which also overwrites its argv.
  if (joined.includes('native-host') || comm.startsWith('torrentedge')) return 'native host';
  const type = /--type=([\w-]+)/.exec(joined)?.[1];
  if (!type) return comm.startsWith('chrom') ? 'browser' : comm;
  if (type === 'utility') {
    const sub = /--utility-sub-type=([\w.]+)/.exec(joined)?.[1] ?? '';
    return `utility ${sub.split('.').slice(-2).join('.')}`.trim();
  }
  if (type === 'renderer' && joined.includes('--extension-process')) return 'renderer (extension)';
  return type;
}

export class ProcTreeSampler {
  constructor(rootPid, intervalMs = 250) {
    this.rootPid = rootPid;
    this.intervalMs = intervalMs;
    /** key → { pid, kind, ticks } (last seen). */
    this.procs = new Map();
    this.marks = new Map();
    /** mark → process key → `thread#tid` → ticks, for THREAD_KINDS. */
    this.threadMarks = new Map();
    this.phase = null;
    this.peaks = new Map();
    /** phase → { pssKb, byKind: { kind: rssMb } at the RSS peak }. */
    this.peakDetail = new Map();
    this.timer = null;
  }

  start() {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref?.();
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.sample();
  }

  /** Descendants of the root (inclusive), read from every /proc/<pid>/stat. */
  tree() {
    const all = [];
    for (const entry of readdirSync('/proc')) {
      const pid = Number(entry);
      if (!Number.isInteger(pid)) continue;
      const s = readStat(pid);
      if (s) all.push(s);
    }
    const children = new Map();
    for (const s of all) {
      if (!children.has(s.ppid)) children.set(s.ppid, []);
      children.get(s.ppid).push(s);
    }
    const out = [];
    const root = all.find((s) => s.pid === this.rootPid);
    if (!root) return out;
    const stack = [root];
    while (stack.length) {
      const s = stack.pop();
      out.push(s);
      for (const c of children.get(s.pid) ?? []) stack.push(c);
    }
    return out;
  }

  sample() {
    let rssKb = 0;
    let pssKb = 0;
    const byKind = {};
    for (const s of this.tree()) {
      const key = `${s.pid}:${s.start}`;
      let p = this.procs.get(key);
      if (!p || !p.typed) {
        // A process caught between fork and exec has no useful command line yet: ask again.
        const argv = readCmdline(s.pid);
        const typed = argv.some((a) => a.startsWith('--type=')) || argv.join(' ').includes('native-host') || s.pid === this.rootPid;
        p = { ...(p ?? {}), pid: s.pid, kind: kindOf(s.comm, argv), typed };
        this.procs.set(key, p);
      }
      p.ticks = s.ticks;
      const rss = readRssKb(s.pid);
      rssKb += rss;
      byKind[p.kind] = (byKind[p.kind] ?? 0) + rss;
      if (this.phase) pssKb += readPssKb(s.pid);
    }
    if (this.phase) {
      if (rssKb > (this.peaks.get(this.phase) ?? 0)) {
        this.peaks.set(this.phase, rssKb);
        const d = this.peakDetail.get(this.phase) ?? { pssKb: 0, byKind: {} };
        d.byKind = Object.fromEntries(Object.entries(byKind).map(([k, v]) => [k, Math.round(v / 1024)]));
        this.peakDetail.set(this.phase, d);
      }
      const d = this.peakDetail.get(this.phase);
      if (d) d.pssKb = Math.max(d.pssKb, pssKb);
    }
    return rssKb;
  }

  /** Samples now and remembers every process's CPU ticks under `name`; later samples count toward `phase`. */
  mark(name, phase = name) {
    this.sample();
    this.marks.set(name, new Map([...this.procs].map(([k, p]) => [k, p.ticks])));
    const threads = new Map();
    for (const [key, p] of this.procs) if (THREAD_KINDS.has(p.kind) && this.alive(key)) threads.set(key, readThreadTicks(p.pid));
    this.threadMarks.set(name, threads);
    this.phase = phase;
    this.sample(); // the first sample of the new phase
  }

  /** CPU seconds used by the tree between two marks, in total and per kind of process. */
  cpuBetween(from, to) {
    const a = this.marks.get(from);
    const b = this.marks.get(to);
    if (!a || !b) return { totalS: null, byKind: {} };
    let total = 0;
    const byKind = {};
    for (const [key, ticks] of b) {
      const d = ticks - (a.get(key) ?? 0);
      if (d <= 0) continue;
      total += d;
      const kind = this.procs.get(key)?.kind ?? '?';
      byKind[kind] = (byKind[kind] ?? 0) + d;
    }
    for (const k of Object.keys(byKind)) byKind[k] = Math.round((byKind[k] / CLK_TCK) * 100) / 100;
    return { totalS: total / CLK_TCK, byKind };
  }

  /**
   * CPU seconds per thread name between two marks, for the renderer of the extension and the
   * native host: `{ kind: { thread: seconds } }`, threads of one name summed, largest first.
   */
  cpuByThreadBetween(from, to, field = 'ticks') {
    const a = this.threadMarks.get(from);
    const b = this.threadMarks.get(to);
    if (!a || !b) return {};
    const out = {};
    for (const [key, after] of b) {
      const before = a.get(key) ?? {};
      const kind = this.procs.get(key)?.kind ?? '?';
      const byName = (out[kind] ??= {});
      for (const [thread, value] of Object.entries(after)) {
        const d = value[field] - (before[thread]?.[field] ?? 0);
        if (d <= 0) continue;
        const name = thread.slice(0, thread.lastIndexOf('#'));
        byName[name] = (byName[name] ?? 0) + d;
      }
    }
    const scale = field === 'ticks' ? (d) => Math.round((d / CLK_TCK) * 100) / 100 : (d) => d;
    for (const [kind, byName] of Object.entries(out)) {
      out[kind] = Object.fromEntries(
        Object.entries(byName)
          .sort((x, y) => y[1] - x[1])
          .map(([name, d]) => [name, scale(d)]),
      );
    }
    return out;
  }

  /** Minor page faults per thread name between two marks (same threads as cpuByThreadBetween). */
  faultsByThreadBetween(from, to) {
    return this.cpuByThreadBetween(from, to, 'faults');
  }

  /** Peak summed PSS (MiB) of a phase, and each kind's RSS (MiB) at the summed-RSS peak. */
  peakDetailOf(phase) {
    const d = this.peakDetail.get(phase);
    return d ? { peakPssMb: Math.round(d.pssKb / 102.4) / 10, rssByProcessAtPeakMb: d.byKind } : { peakPssMb: null, rssByProcessAtPeakMb: {} };
  }

  /** Is this the same process the sampler saw (pid not reused)? */
  alive(key) {
    const [pid, start] = key.split(':');
    return readStat(Number(pid))?.start === start;
  }

  peakRssMb(phase) {
    const kb = this.peaks.get(phase);
    return kb === undefined ? null : kb / 1024;
  }
}
