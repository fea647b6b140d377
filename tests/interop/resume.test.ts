// Resume after kill -9 (DESIGN: "Interrupted (even by kill -9) and started again with the same
// arguments, `download` resumes from the pieces it had verified"). The libtorrent seeder is
// rate-limited so the download is still mid-way when we kill it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { compareTrees, makeSingleFile } from './harness/data.js';
import { makeTorrent } from './harness/make-torrent.js';
import { startLibtorrentSeeder, type LibtorrentPeer } from './harness/libtorrent.js';
import type { Proc } from './harness/processes.js';
import { events, startOurDownload, type OurDownloadOptions } from './harness/torrentedge.js';
import { startTracker, type Tracker } from './harness/tracker.js';
import { createWorkspace, type Workspace } from './harness/workspace.js';

const SIZE = 24 * 1024 * 1024 + 777;
const SEED_RATE = 3 * 1024 * 1024; // bytes/s: ~8 s for the whole file

let ws: Workspace;
let tracker: Tracker;

beforeAll(async () => {
  ws = await createWorkspace('resume');
  tracker = await startTracker();
  ws.onCleanup(() => tracker.close());
});

afterAll(async () => {
  await ws?.cleanup();
});

/** The seeder's payload uploaded so far, from its latest progress line. */
function uploaded(seeder: Proc): number {
  const progress = seeder.jsonLines().filter((e) => e.type === 'progress');
  const last = progress[progress.length - 1];
  return typeof last?.uploaded === 'number' ? last.uploaded : 0;
}

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timeout waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('resume', () => {
  let seeder: LibtorrentPeer;

  it('kill -9 mid-way, restart with the same arguments: finishes byte-identical without starting over', async () => {
    const src = await ws.dir('src');
    const file = await makeSingleFile(src, 'resume.bin', SIZE);
    const torrent = await makeTorrent({ target: file, output: join(ws.root, 'resume.torrent'), trackers: [tracker.httpUrl], pieceSizeLog2: 18 });
    seeder = await startLibtorrentSeeder({ name: 'lt-seed-resume', logDir: ws.logDir, save: src, torrent: torrent.path, trackers: [tracker.httpUrl], uploadLimit: SEED_RATE });

    const options: OurDownloadOptions = {
      name: 'ours-resume-1', logDir: ws.logDir, source: torrent.path, out: await ws.dir('out'),
      stateDir: await ws.dir('state'), peers: [seeder.address],
    };
    const first = await startOurDownload(options);
    await until(() => uploaded(seeder.proc) >= SIZE * 0.4 || first.proc.exitInfo !== undefined, 60_000, '40% uploaded by the seeder');
    expect(first.proc.exitInfo, `finished before we could kill it\n${first.proc.tail()}`).toBeUndefined();
    expect(events(first.proc, 'progress').length, 'progress lines before the kill').toBeGreaterThan(0);
    first.proc.signal('SIGKILL');
    await first.proc.waitForExit(5_000);
    const uploadedBefore = uploaded(seeder.proc);

    // Same arguments (same port, same state dir, same output folder).
    const second = await startOurDownload({ ...options, name: 'ours-resume-2', port: first.port });
    const exit = await second.proc.waitForExit(100_000);
    expect(exit, second.proc.tail()).toEqual({ code: 0, signal: null });
    expect(await compareTrees(file, join(options.out, 'resume.bin'))).toEqual([]);

    // The seeder's counter shows what the second run fetched: clearly less than the whole file.
    await new Promise((r) => setTimeout(r, 1_200)); // one more progress line from the seeder
    const fetchedAgain = uploaded(seeder.proc) - uploadedBefore;
    expect(fetchedAgain, `second run fetched ${fetchedAgain} of ${SIZE} bytes`).toBeLessThan(SIZE * 0.85);

    // And it says so at once: the first progress line already counts the verified pieces.
    const firstProgress = events(second.proc, 'progress').find((e) => e.state !== 'checking' && e.state !== 'metadata');
    expect(firstProgress?.progress, `first progress line after restart: ${JSON.stringify(firstProgress)}`).toBeGreaterThan(0.2);
    await seeder.proc.stop();
  }, 150_000);
});
