// One CLI download under /usr/bin/time -v: wall from spawn to exit (exit 0 = every piece verified
// on disk), CPU user+sys and max RSS from time's report, then the file checked against the source.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, TIME, WORK, freePort, sha256, start } from './common.mjs';

function parseTimeV(path) {
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const num = (re) => Number((re.exec(text) ?? [])[1] ?? Number.NaN);
  return {
    userS: num(/User time \(seconds\):\s*([\d.]+)/),
    sysS: num(/System time \(seconds\):\s*([\d.]+)/),
    maxRssKb: num(/Maximum resident set size \(kbytes\):\s*(\d+)/),
  };
}

export async function runCli({ torrentPath, name, size, sha, seedPeer, timeoutMs, runIndex }) {
  const base = await mkdtemp(join(tmpdir(), 'torrentedge-bench-cli-'));
  const out = join(base, 'out');
  const state = join(base, 'state');
  const timeFile = join(base, 'time.txt');
  const port = await freePort();
  const args = [CLI, 'download', torrentPath, '-o', out, '--peer', seedPeer, '--no-dht', '--state-dir', state, '--port', String(port), '--quiet'];
  const started = process.hrtime.bigint();
  const proc = start(TIME, ['-v', '-o', timeFile, process.execPath, ...args], join(WORK, `log-browser-bench-cli-${runIndex}.txt`));
  const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
  const exit = await proc.exited;
  clearTimeout(timer);
  const wallS = Number(process.hrtime.bigint() - started) / 1e9;
  const t = parseTimeV(timeFile);
  let identical = null;
  if (sha && exit.code === 0) identical = (await sha256(join(out, name))) === sha;
  await rm(base, { recursive: true, force: true });
  const ok = exit.code === 0 && identical !== false;
  return {
    ok,
    error: ok ? null : `exit ${exit.code ?? exit.signal}, identical ${identical} (see bench/.work/log-browser-bench-cli-${runIndex}.txt)`,
    exitCode: exit.code,
    wallS,
    mbps: ok ? size / wallS / 1e6 : null,
    cpuS: t.userS + t.sysS,
    userS: t.userS,
    sysS: t.sysS,
    maxRssMb: t.maxRssKb / 1024,
    identical,
  };
}
