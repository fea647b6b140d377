// Child processes for interop tests: each in its own process group (so a kill reaches the
// whole tree), output captured line by line and copied to a log file for diagnostics.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export type LineMatcher = RegExp | string | ((line: string) => boolean);

export interface SpawnOptions {
  /** Directory for `<name>.log`. */
  logDir: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

const live = new Set<Proc>();

function matches(matcher: LineMatcher, line: string): boolean {
  if (typeof matcher === 'string') return line.includes(matcher);
  if (matcher instanceof RegExp) return matcher.test(line);
  return matcher(line);
}

export class Proc {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly logPath: string;
  readonly stdoutLines: string[] = [];
  readonly stderrLines: string[] = [];
  readonly exited: Promise<ExitInfo>;
  exitInfo: ExitInfo | undefined;
  readonly startedAt = Date.now();
  private readonly log: WriteStream;
  private waiters: Array<{ matcher: LineMatcher; stream: 'stdout' | 'stderr' | 'any'; resolve: (line: string) => void }> = [];

  constructor(readonly name: string, readonly command: string, readonly args: string[], options: SpawnOptions) {
    this.logPath = join(options.logDir, `${name}.log`);
    this.log = createWriteStream(this.logPath, { flags: 'a' });
    this.log.write(`$ ${command} ${args.map((a) => JSON.stringify(a)).join(' ')}\n`);
    this.child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true, // own process group: kill(-pid) reaches grandchildren too
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.pid = this.child.pid ?? -1;
    live.add(this);
    this.exited = new Promise((resolve) => {
      this.child.once('error', (error) => {
        this.log.write(`[spawn error] ${error.message}\n`);
        this.exitInfo = { code: -1, signal: null };
        live.delete(this);
        resolve(this.exitInfo);
      });
      this.child.once('close', (code, signal) => {
        this.exitInfo = { code, signal };
        this.log.write(`[exit] code=${code} signal=${signal} after ${Date.now() - this.startedAt} ms\n`);
        live.delete(this);
        resolve(this.exitInfo);
      });
    });
    this.capture('stdout');
    this.capture('stderr');
  }

  private capture(stream: 'stdout' | 'stderr'): void {
    const source = this.child[stream];
    if (!source) return;
    const reader = createInterface({ input: source });
    const sink = stream === 'stdout' ? this.stdoutLines : this.stderrLines;
    reader.on('line', (line) => {
      sink.push(line);
      this.log.write(`[${stream === 'stdout' ? 'out' : 'err'} +${Date.now() - this.startedAt}ms] ${line}\n`);
      this.waiters = this.waiters.filter((waiter) => {
        if ((waiter.stream === 'any' || waiter.stream === stream) && matches(waiter.matcher, line)) {
          waiter.resolve(line);
          return false;
        }
        return true;
      });
    });
  }

  /** Resolves with the first line (already seen or future) that matches; rejects on timeout or exit. */
  waitForLine(matcher: LineMatcher, timeoutMs: number, stream: 'stdout' | 'stderr' | 'any' = 'any'): Promise<string> {
    const seen = [
      ...(stream !== 'stderr' ? this.stdoutLines : []),
      ...(stream !== 'stdout' ? this.stderrLines : []),
    ].find((line) => matches(matcher, line));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter = { matcher, stream, resolve: (line: string) => { clearTimeout(timer); resolve(line); } };
      const fail = (why: string) => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`${this.name}: ${why} while waiting for ${String(matcher)}\n${this.tail()}`));
      };
      const timer = setTimeout(() => fail(`timeout after ${timeoutMs} ms`), timeoutMs);
      this.waiters.push(waiter);
      // Give the readers a moment to flush the last lines before declaring the wait lost.
      void this.exited.then((info) => setTimeout(() => {
        if (this.waiters.includes(waiter)) {
          clearTimeout(timer);
          fail(`exited (code ${info.code}, signal ${info.signal})`);
        }
      }, 200));
    });
  }

  /** Waits for exit; on timeout kills the group and rejects with the log tail. */
  async waitForExit(timeoutMs: number): Promise<ExitInfo> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), timeoutMs); });
    const result = await Promise.race([this.exited, timeout]);
    clearTimeout(timer);
    if (result === 'timeout') {
      await this.stop();
      throw new Error(`${this.name}: did not exit within ${timeoutMs} ms\n${this.tail()}`);
    }
    // 'close' fires after stdio ends, so all lines are in.
    return result;
  }

  /** Sends a signal to the whole process group. */
  signal(signal: NodeJS.Signals): void {
    if (this.exitInfo || this.pid <= 0) return;
    try {
      process.kill(-this.pid, signal);
    } catch {
      // already gone
    }
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  async stop(graceMs = 3000): Promise<ExitInfo> {
    if (this.exitInfo) return this.exitInfo;
    this.signal('SIGTERM');
    const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
    const info = await this.exited;
    clearTimeout(timer);
    // Grandchildren may outlive the leader; make sure the group is gone.
    try { process.kill(-this.pid, 'SIGKILL'); } catch { /* gone */ }
    return info;
  }

  /** Stdout lines parsed as JSON objects (others skipped). */
  jsonLines(): Array<Record<string, unknown>> {
    const out: Array<Record<string, unknown>> = [];
    for (const line of this.stdoutLines) {
      const trimmed = line.trim();
      if (!trimmed.startsWith('{')) continue;
      try {
        const value: unknown = JSON.parse(trimmed);
        if (value && typeof value === 'object') out.push(value as Record<string, unknown>);
      } catch {
        // not JSON
      }
    }
    return out;
  }

  /** The last lines of the log file, for failure messages. */
  tail(lines = 30): string {
    let text = '';
    try {
      text = readFileSync(this.logPath, 'utf8');
    } catch {
      text = [...this.stdoutLines, ...this.stderrLines].join('\n');
    }
    const all = text.split('\n');
    const shown = all.slice(-lines).map((line) => (line.length > 300 ? `${line.slice(0, 300)}…` : line));
    return `--- ${this.name} (${this.logPath}), last ${lines} lines ---\n${shown.join('\n')}`;
  }
}

export function spawnProcess(name: string, command: string, args: string[], options: SpawnOptions): Proc {
  return new Proc(name, command, args, options);
}

/** Stops every process this module started (for afterAll). */
export async function stopAll(graceMs = 2000): Promise<void> {
  await Promise.all([...live].map((proc) => proc.stop(graceMs)));
}

// Last resort if the test runner exits without afterAll: no orphans left on the machine.
process.once('exit', () => {
  for (const proc of live) {
    try { process.kill(-proc.pid, 'SIGKILL'); } catch { /* gone */ }
  }
});
