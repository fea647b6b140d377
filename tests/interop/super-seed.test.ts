// BEP 16 super-seeding with real leechers: our `seed --super-seed` in front of two libtorrent
// leechers and one of ours. Every connection to the seeder passes through a proxy that reads
// the wire, so the test checks what each peer was shown, not what our seeder says it did.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { compareTrees, makeSingleFile } from './harness/data.js';
import { makeTorrent, type MadeTorrent } from './harness/make-torrent.js';
import { startLibtorrentLeecher } from './harness/libtorrent.js';
import { freePort } from './harness/ports.js';
import { events, startOurDownload, startOurSeeder } from './harness/torrentedge.js';
import { startWireProxy, type WireEvent } from './harness/wire-proxy.js';
import { createWorkspace, type Workspace } from './harness/workspace.js';

const PIECE = 64 * 1024;
const PIECES = 32;

let ws: Workspace;
let src: string;
let file: string;
let torrent: MadeTorrent;

beforeAll(async () => {
  ws = await createWorkspace('super-seed');
  src = await ws.dir('src');
  file = await makeSingleFile(src, 'super.bin', PIECES * PIECE - 1000);
  torrent = await makeTorrent({ target: file, output: join(ws.root, 'super.torrent'), trackers: ['http://127.0.0.1:9/announce'], pieceSizeLog2: 16 });
});

afterAll(async () => {
  await ws?.cleanup();
});

describe('seed --super-seed with libtorrent and our leechers', () => {
  it('every leecher completes; each was shown one piece at a time, the next only once the last had spread', async () => {
    const seeder = await startOurSeeder({
      name: 'ours-super-seed', logDir: ws.logDir, torrent: torrent.path, dir: src, stateDir: await ws.dir('seed-state'),
      // Plaintext so the proxy can read it; no PEX so the seeder never dials leechers around the proxy.
      extra: ['--super-seed', '--encryption', 'disabled', '--no-pex'],
    });
    const proxy = await startWireProxy({ host: '127.0.0.1', port: seeder.port }, PIECES);
    ws.onCleanup(() => proxy.close());
    const ports = [await freePort(), await freePort(), await freePort()];
    const others = (i: number): string[] => ports.filter((_, j) => j !== i).map((p) => `127.0.0.1:${p}`);
    const outs = [await ws.dir('lt1'), await ws.dir('lt2'), await ws.dir('ours')];
    const lt = await Promise.all(
      [0, 1].map((i) =>
        startLibtorrentLeecher({
          name: `lt-leech-${i + 1}`, logDir: ws.logDir, save: outs[i]!, torrent: torrent.path, port: ports[i],
          peers: [proxy.address, ...others(i)], encryption: 'disabled', keepSeeding: true, timeoutSeconds: 120,
        }),
      ),
    );
    const ours = await startOurDownload({
      name: 'ours-leech', logDir: ws.logDir, source: torrent.path, out: outs[2]!, stateDir: await ws.dir('leech-state'), port: ports[2],
      peers: [proxy.address, ...others(2)], seed: true, extra: ['--encryption', 'allowed'],
    });
    for (const l of lt) await l.proc.waitForLine(/"type": "done"/, 120_000, 'stdout');
    await ours.proc.waitForLine(/"type"\s*:\s*"done"/, 120_000, 'stdout');
    for (const out of outs) expect(await compareTrees(file, join(out, 'super.bin'))).toEqual([]);

    const down = proxy.events.filter((e) => e.dir === 'down');
    const up = proxy.events.filter((e) => e.dir === 'up');
    const conns = [...new Set(down.map((e) => e.conn))];
    expect(new Set(conns.map((c) => proxy.clientIds.get(c))).size).toBeGreaterThanOrEqual(3);

    // Super-seeding ends when every piece has reached some peer: from then on HAVEs come in bursts.
    const haves = down.filter((e) => e.message.type === 'have');
    const revealAt = firstBurst(haves);
    const before = (e: WireEvent): boolean => revealAt === undefined || e.at < revealAt;

    // Never our bitfield: an empty one or HAVE NONE at most.
    for (const e of down.filter(before)) {
      if (e.message.type === 'have-all') throw new Error(`connection ${e.conn} was sent HAVE ALL`);
      if (e.message.type === 'bitfield') expect(e.message.bits.every((b) => b === 0), `connection ${e.conn} was sent a bitfield`).toBe(true);
    }
    // Pieces known to be in the swarm, as the seeder was told (time each was first announced).
    const announced = new Map<number, number>();
    for (const e of up) {
      const pieces = e.message.type === 'have' ? [e.message.index] : e.message.type === 'bitfield' ? bitsOf(e.message.bits) : e.message.type === 'have-all' ? [...Array(PIECES).keys()] : [];
      for (const p of pieces) if (!announced.has(p)) announced.set(p, e.at);
    }
    let offers = 0;
    for (const conn of conns) {
      const shown = haves.filter((e) => e.conn === conn && before(e)).map((e) => ({ at: e.at, index: (e.message as { index: number }).index }));
      offers += shown.length;
      for (let k = 1; k < shown.length; k++) {
        const previous = shown[k - 1]!;
        const spreadAt = announced.get(previous.index);
        expect(spreadAt !== undefined && spreadAt <= shown[k]!.at, `connection ${conn}: piece ${shown[k]!.index} shown before piece ${previous.index} had reached any peer`).toBe(true);
      }
    }
    expect(offers).toBeGreaterThanOrEqual(PIECES);
    expect(events(seeder.proc, 'progress').at(-1)?.uploaded as number).toBeLessThan(3 * PIECES * PIECE);
    await Promise.all([...lt.map((l) => l.proc.stop()), ours.proc.stop(), seeder.proc.stop()]);
  }, 180_000);
});

/** Time of the first moment one connection got two HAVEs within 50 ms (the reveal at the end). */
function firstBurst(haves: readonly WireEvent[]): number | undefined {
  const last = new Map<number, number>();
  for (const e of haves) {
    const previous = last.get(e.conn);
    if (previous !== undefined && e.at - previous < 50) return previous;
    last.set(e.conn, e.at);
  }
  return undefined;
}

function bitsOf(bits: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < PIECES; i++) if (bits[i >> 3]! & (0x80 >> (i & 7))) out.push(i);
  return out;
}
