/** Spawning the built CLI (`npm run build:node` first) and making small .torrent fixtures. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '../../..');
/** TORRENTEDGE_CLI points at another build (e.g. one made while the tree did not compile). */
export const CLI = process.env['TORRENTEDGE_CLI'] ?? join(REPO, 'build/src/cli/main.js');

export function requireBuild(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run 'npm run build:node' first`);
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export function runCli(args: string[], options: { cwd?: string; timeoutMs?: number; env?: Record<string, string> } = {}): Promise<CliResult> {
  const child = startCli(args, options);
  return waitCli(child, options.timeoutMs ?? 15_000);
}

export function startCli(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): ChildProcess & { output: { stdout: string; stderr: string }; started: number } {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? REPO,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  }) as ChildProcess & { output: { stdout: string; stderr: string }; started: number };
  child.output = { stdout: '', stderr: '' };
  child.started = Date.now();
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (child.output.stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (child.output.stderr += d));
  return child;
}

export function waitCli(child: ReturnType<typeof startCli>, timeoutMs: number): Promise<CliResult> {
  return new Promise((resolvePromise) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, ...child.output, ms: Date.now() - child.started });
    });
  });
}

/** Resolves with the first stdout line that matches (e.g. the `listening` JSON line). */
export function waitForLine(child: ReturnType<typeof startCli>, test: (line: string) => boolean, timeoutMs = 15_000): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const check = (): boolean => {
      const line = child.output.stdout.split('\n').find((l) => l.trim() !== '' && test(l));
      if (line === undefined) return false;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      resolvePromise(line);
      return true;
    };
    const onData = (): void => void check();
    const timer = setTimeout(() => {
      child.stdout!.off('data', onData);
      reject(new Error(`no matching line within ${timeoutMs} ms; stdout: ${child.output.stdout.slice(-500)} stderr: ${child.output.stderr.slice(-500)}`));
    }, timeoutMs);
    child.stdout!.on('data', onData);
    check();
  });
}

export function tempDir(prefix = 'te-cli-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

// A tiny bencoder for fixtures, independent of the engine under test.
type BValue = number | string | Uint8Array | BValue[] | { [key: string]: BValue };

export function bencode(value: BValue): Uint8Array {
  const parts: Buffer[] = [];
  const walk = (v: BValue): void => {
    if (typeof v === 'number') parts.push(Buffer.from(`i${v}e`));
    else if (typeof v === 'string' || v instanceof Uint8Array) {
      const bytes = typeof v === 'string' ? Buffer.from(v) : Buffer.from(v);
      parts.push(Buffer.from(`${bytes.length}:`), bytes);
    } else if (Array.isArray(v)) {
      parts.push(Buffer.from('l'));
      v.forEach(walk);
      parts.push(Buffer.from('e'));
    } else {
      parts.push(Buffer.from('d'));
      for (const key of Object.keys(v).sort()) {
        walk(key);
        walk(v[key]!);
      }
      parts.push(Buffer.from('e'));
    }
  };
  walk(value);
  return new Uint8Array(Buffer.concat(parts));
}

/** A two-file torrent over the given contents, and its infohash. */
export function fixtureTorrent(): { bytes: Uint8Array; infoHash: string } {
  const pieceLength = 16384;
  const a = Buffer.alloc(20000, 1);
  const b = Buffer.alloc(5000, 2);
  const data = Buffer.concat([a, b]);
  const hashes: Buffer[] = [];
  for (let off = 0; off < data.length; off += pieceLength) {
    hashes.push(createHash('sha1').update(data.subarray(off, off + pieceLength)).digest());
  }
  const info = {
    name: 'fixture',
    'piece length': pieceLength,
    pieces: new Uint8Array(Buffer.concat(hashes)),
    files: [
      { length: a.length, path: ['docs', 'a.bin'] },
      { length: b.length, path: ['b.bin'] },
    ],
  };
  const infoBytes = bencode(info);
  const bytes = bencode({ announce: 'http://tracker.example/announce', info, comment: 'fixture' });
  return { bytes, infoHash: createHash('sha1').update(infoBytes).digest('hex') };
}

/** The one-line failure contract: exit code, one `torrentedge:` line, no stack frames, quick. */
export function expectOneLineFailure(result: CliResult, code: number): string[] {
  const lines = result.stderr.split('\n').filter((l) => l !== '');
  const problems: string[] = [];
  if (result.code !== code) problems.push(`exit ${result.code}, wanted ${code}`);
  if (lines.length !== 1) problems.push(`${lines.length} stderr lines`);
  if (!lines[0]?.startsWith('torrentedge: ')) problems.push('no torrentedge: prefix');
  if (/\n\s+at /.test(`\n${result.stderr}`)) problems.push('stack trace');
  // "Within seconds" (the CLI contract): generous, since CI runs test files side by side on 2 cores.
  if (result.ms > 15_000) problems.push(`took ${result.ms} ms`);
  return problems.length === 0 ? [] : [...problems, `stderr: ${result.stderr}`];
}
