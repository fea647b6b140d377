#!/usr/bin/env node
// uTP throughput on loopback UDP (127.0.0.1), MB/s = 10^6 bytes per second:
//   ours→ours       two of our uTP transports on two node:dgram sockets, one connection,
//                   16 KiB writes honouring write()/drain
//   libtorrent→ours a uTP-only libtorrent seeder (lt_peer.py --no-tcp) sends a file to a tiny
//                   leecher of ours over our uTP (handshake, interested, 16 KiB requests)
//
//   npm run build:node && node bench/utp/run.mjs [--size 64M] [--lt-size 32M] [--only ours,libtorrent]
//
// Results: a table on stdout and bench/results/utp-latest.json.
import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BUILD = join(ROOT, 'build', 'src');
const WORK = join(ROOT, 'bench', '.work', 'utp');
const RESULTS = join(ROOT, 'bench', 'results');
const LT_PEER = join(ROOT, 'tests', 'interop', 'peers', 'lt_peer.py');
const PYTHON = '/usr/bin/python3';

const { createNodePlatform } = await import(join(BUILD, 'platform', 'node', 'index.js'));
const { createUtpTransport } = await import(join(BUILD, 'engine', 'utp', 'index.js'));
const { limitsForSocket } = await import(join(BUILD, 'engine', 'utp', 'limits.js'));
const { systemClock } = await import(join(BUILD, 'engine', 'util', 'clock.js'));
const { mathRandom } = await import(join(BUILD, 'engine', 'util', 'random.js'));
const { encodeHandshake } = await import(join(BUILD, 'engine', 'wire', 'handshake.js'));

function parseSize(text) {
  const m = /^(\d+)([KMG]?)$/i.exec(text);
  if (!m) throw new Error(`bad size ${text}`);
  return Number(m[1]) * { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2].toUpperCase()];
}
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const SIZE = parseSize(opt('size', '64M'));
const LT_SIZE = parseSize(opt('lt-size', '32M'));
const ONLY = new Set(opt('only', 'ours,libtorrent').split(','));
const mb = (bytes, ms) => bytes / 1e6 / (ms / 1000);

async function utpEndpoint(port = 0) {
  const platform = createNodePlatform({ stateDir: WORK });
  const udp = await platform.network.bindUdp(port, '127.0.0.1');
  // As the Client does: the receive window no larger than the socket's OS buffer.
  const transport = createUtpTransport({ send: (d, to) => udp.send(d, to), clock: systemClock, random: mathRandom, limits: limitsForSocket(udp.receiveBufferBytes) });
  udp.setHandler((d, from) => transport.handlePacket(d, from));
  return { udp, transport, close: () => (transport.close(), udp.close()) };
}

async function oursToOurs() {
  const a = await utpEndpoint();
  const b = await utpEndpoint();
  const accepted = new Promise((resolve) => b.transport.onIncoming(resolve));
  const client = await a.transport.connect({ host: '127.0.0.1', port: b.udp.port });
  const server = await accepted;
  const block = randomBytes(16 * 1024);
  let received = 0;
  const started = performance.now();
  const done = new Promise((resolve) => {
    server.setHandlers({ data: (c) => { received += c.length; if (received >= SIZE) resolve(); }, close: () => undefined });
  });
  let sent = 0;
  const pump = () => {
    while (sent < SIZE) {
      sent += block.length;
      if (!client.write(block)) return;
    }
  };
  client.setHandlers({ data: () => undefined, drain: pump, close: () => undefined });
  pump();
  const timeout = setTimeout(() => { console.error(`ours→ours stalled at ${received} bytes`); process.exit(1); }, 300_000);
  await done;
  clearTimeout(timeout);
  const ms = performance.now() - started;
  a.close();
  b.close();
  return { name: 'ours→ours', bytes: SIZE, seconds: ms / 1000, mbps: mb(SIZE, ms) };
}

function prepareTorrent() {
  mkdirSync(WORK, { recursive: true });
  const file = join(WORK, `lt-${LT_SIZE}.bin`);
  const torrent = `${file}.torrent`;
  if (!existsSync(file)) writeFileSync(file, randomBytes(LT_SIZE));
  if (!existsSync(torrent)) execFileSync('mktorrent', ['-l', '20', '-a', 'http://127.0.0.1:9/announce', '-o', torrent, file]);
  const infoHash = execFileSync(PYTHON, ['-c', `import libtorrent as lt,sys; print(lt.torrent_info(sys.argv[1]).info_hashes().v1)`, torrent]).toString().trim();
  return { file, torrent, infoHash };
}

function startSeeder(torrent, port) {
  const child = spawn(PYTHON, [LT_PEER, '--mode', 'seed', '--torrent', torrent, '--save', WORK, '--port', String(port), '--no-tcp', '--encryption', 'disabled'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const ready = new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.includes('"seeding"')) resolve();
      if (line.includes('"error"')) reject(new Error(line));
    });
    child.once('exit', (code) => reject(new Error(`libtorrent exited ${code}`)));
  });
  return { child, ready };
}

/** A minimal leecher over our uTP: handshake, interested, then request every block, pipelined. */
async function libtorrentToOurs() {
  const { torrent, infoHash } = prepareTorrent();
  const ours = await utpEndpoint();
  const port = 20000 + Math.floor(Math.random() * 20000);
  const seeder = startSeeder(torrent, port);
  try {
    await seeder.ready;
    const socket = await ours.transport.connect({ host: '127.0.0.1', port }, { timeoutMs: 10_000 });
    const PIECE = 1 << 20;
    const BLOCK = 16 * 1024;
    const blocks = [];
    for (let off = 0; off < LT_SIZE; off += BLOCK) blocks.push([Math.floor(off / PIECE), off % PIECE, Math.min(BLOCK, LT_SIZE - off)]);
    let next = 0;
    let got = 0;
    let started = 0;
    let buf = new Uint8Array(0);
    let handshakeSeen = false;
    const request = ([index, begin, length]) => {
      const m = new Uint8Array(17);
      const v = new DataView(m.buffer);
      v.setUint32(0, 13); m[4] = 6; v.setUint32(5, index); v.setUint32(9, begin); v.setUint32(13, length);
      socket.write(m);
    };
    const fill = () => { while (next < blocks.length && next - got / BLOCK < 64) request(blocks[next++]); };
    const finished = new Promise((resolve, reject) => {
      socket.setHandlers({
        data(chunk) {
          const merged = new Uint8Array(buf.length + chunk.length);
          merged.set(buf); merged.set(chunk, buf.length); buf = merged;
          if (!handshakeSeen) { if (buf.length < 68) return; handshakeSeen = true; buf = buf.slice(68); }
          let at = 0;
          while (buf.length - at >= 4) {
            const len = new DataView(buf.buffer, buf.byteOffset + at).getUint32(0);
            if (buf.length - at - 4 < len) break;
            const id = len > 0 ? buf[at + 4] : -1;
            if (id === 1 && started === 0) { started = performance.now(); fill(); } // unchoke
            if (id === 7) { got += len - 9; if (got >= LT_SIZE) resolve(); else fill(); }
            at += 4 + len;
          }
          buf = buf.slice(at);
        },
        close: (e) => reject(e ?? new Error('closed early')),
      });
    });
    socket.write(encodeHandshake({ infoHash: Uint8Array.from(Buffer.from(infoHash, 'hex')), peerId: randomBytes(20) }));
    socket.write(Uint8Array.of(0, 0, 0, 1, 2)); // interested
    const timeout = setTimeout(() => { console.error(`libtorrent→ours stalled at ${got} bytes`); process.exit(1); }, 300_000);
    await finished;
    clearTimeout(timeout);
    const ms = performance.now() - started;
    socket.destroy();
    return { name: 'libtorrent→ours', bytes: LT_SIZE, seconds: ms / 1000, mbps: mb(LT_SIZE, ms) };
  } finally {
    seeder.child.kill('SIGTERM');
    ours.close();
  }
}

const results = [];
if (ONLY.has('ours')) results.push(await oursToOurs());
if (ONLY.has('libtorrent')) results.push(await libtorrentToOurs());
console.log('\nuTP over loopback UDP');
for (const r of results) console.log(`${r.name.padEnd(18)} ${(r.bytes / 2 ** 20).toFixed(0).padStart(5)} MiB  ${r.seconds.toFixed(2).padStart(7)} s  ${r.mbps.toFixed(1).padStart(7)} MB/s`);
mkdirSync(RESULTS, { recursive: true });
writeFileSync(join(RESULTS, 'utp-latest.json'), JSON.stringify({ date: new Date().toISOString(), results }, null, 2) + '\n');
process.exit(0);
