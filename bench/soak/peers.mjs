// The churned peers of the soak: libtorrent (tests/interop/peers/lt_peer.py) and our own CLI,
// each a process in its own group, started with a lifetime and killed when it ends (SIGKILL or
// SIGTERM, at random), its folders removed. Output goes to a log file per process.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

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

/** A process in its own group; `lines` holds stdout; `stop(signal)` ends the whole group. */
export function startProcess(command, args, logPath) {
  const log = createWriteStream(logPath, { flags: 'a' });
  log.write(`$ ${command} ${args.join(' ')}\n`);
  const child = spawn(command, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (lines.length < 1000) lines.push(line);
    log.write(`[out] ${line}\n`);
  });
  createInterface({ input: child.stderr }).on('line', (line) => log.write(`[err] ${line}\n`));
  const exited = new Promise((resolve) => child.once('close', (code, signal) => { log.end(); resolve({ code, signal }); }));
  let gone = false;
  void exited.then(() => { gone = true; });
  const stop = async (signal = 'SIGTERM') => {
    if (!gone) {
      try { process.kill(-child.pid, signal); } catch { /* gone */ }
      const timer = setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }, 3_000);
      await exited;
      clearTimeout(timer);
    }
  };
  return { child, lines, exited, stop, get alive() { return !gone; } };
}

/**
 * One churned peer. kind: 'lt-leech' | 'ours-leech' (download a seeded torrent from the subject)
 * or 'lt-seed' | 'ours-seed' (seed the torrent the subject keeps downloading).
 */
export async function startPeer({ kind, torrent, subjectPort, root, python, ltPeer, cli, seedRate }) {
  const port = await freePort();
  const dir = join(root, `${kind}-${port}`);
  await mkdir(dir, { recursive: true });
  const log = join(root, 'logs', `${kind}-${port}.log`);
  const subject = `127.0.0.1:${subjectPort}`;
  let proc;
  if (kind === 'lt-leech') {
    proc = startProcess(python, [ltPeer, '--mode', 'leech', '--torrent', torrent.path, '--save', dir, '--port', String(port), '--peer', subject, '--keep-seeding'], log);
  } else if (kind === 'ours-leech') {
    proc = startProcess(process.execPath, [cli, 'download', torrent.path, '-o', dir, '--port', String(port), '--json', '--no-dht', '--state-dir', join(dir, '.state'), '--peer', subject], log);
  } else if (kind === 'lt-seed') {
    proc = startProcess(python, [ltPeer, '--mode', 'seed', '--torrent', torrent.path, '--save', torrent.dataDir, '--port', String(port), '--upload-limit', String(seedRate), '--seed-mode'], log);
  } else if (kind === 'ours-seed') {
    proc = startProcess(process.execPath, [cli, 'seed', torrent.path, torrent.dataDir, '--port', String(port), '--json', '--no-dht', '--state-dir', join(dir, '.state'), '--upload-limit', String(seedRate)], log);
  } else throw new Error(`unknown peer kind ${kind}`);
  return {
    kind,
    port,
    proc,
    async end(signal) {
      await proc.stop(signal);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
