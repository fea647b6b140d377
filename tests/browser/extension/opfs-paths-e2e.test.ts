// Hostile paths on OPFS (issue 6: "never escapes the destination, on Node and in OPFS"). A
// libtorrent seeder seeds a multi-file torrent whose name and paths are a corpus of hostile file
// names (harness/hostile-torrent.ts); the extension downloads it by magnet (metadata from
// libtorrent, pieces through the relay). Then the whole origin-private file system is listed
// from an extension page: everything new sits under torrents/<infohash>/, every name is a plain
// name (no '.', '..', separators, controls, bidi marks, overlong names), the files are exactly
// the engine's sanitized paths (duplicates kept under new names) with the right bytes, and in
// Downloads every file arrives (under a name Chromium accepts) and nothing lands outside it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Page } from 'puppeteer';
import { parseTorrent } from '../../../src/engine/metainfo/index.js';
import { downloadPath } from '../../../src/extension/download-names.js';
import { PYTHON, startLibtorrentSeeder } from '../../interop/harness/libtorrent.js';
import { startTracker, type Tracker } from '../../interop/harness/tracker.js';
import { createWorkspace, type Workspace } from '../../interop/harness/workspace.js';
import { ensureBuilt } from './harness/build.js';
import { installHost, launchBrowser, makeProfile, type ExtensionBrowser, type Profile } from './harness/extension-browser.js';
import { listTree, until } from './harness/files.js';
import { HOSTILE_PATHS, hostileTorrent } from './harness/hostile-torrent.js';
import { addByTyping, waitForRow } from './harness/popup.js';

const run = promisify(execFile);
const LT_PLACE = fileURLToPath(new URL('./harness/lt_place.py', import.meta.url));

let ws: Workspace;
let tracker: Tracker;
let browser: ExtensionBrowser | undefined;
let profile: Profile | undefined;

beforeAll(async () => {
  await ensureBuilt();
  ws = await createWorkspace('opfs-paths');
  tracker = await startTracker({ intervalMs: 2_000 });
  ws.onCleanup(() => tracker.close());
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await profile?.remove();
  await ws?.cleanup();
});

interface OpfsEntry {
  path: string;
  kind: 'file' | 'directory';
  size?: number;
  sha256?: string;
}

/** Every entry of the extension's OPFS, with sizes and SHA-256 of files. */
function listOpfs(page: Page): Promise<OpfsEntry[]> {
  return page.evaluate(async () => {
    const out: { path: string; kind: 'file' | 'directory'; size?: number; sha256?: string }[] = [];
    const walk = async (dir: FileSystemDirectoryHandle, prefix: string): Promise<void> => {
      // @ts-expect-error entries() is in Chromium, not yet in TypeScript's DOM types
      for await (const [name, handle] of dir.entries() as AsyncIterable<[string, FileSystemHandle]>) {
        const path = prefix ? `${prefix}/${name}` : name;
        if (handle.kind === 'directory') {
          out.push({ path, kind: 'directory' });
          await walk(handle as FileSystemDirectoryHandle, path);
        } else {
          const file = await (handle as FileSystemFileHandle).getFile();
          const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await file.arrayBuffer()));
          out.push({ path, kind: 'file', size: file.size, sha256: [...digest].map((b) => b.toString(16).padStart(2, '0')).join('') });
        }
      }
    };
    await walk(await navigator.storage.getDirectory(), '');
    return out;
  });
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f\u200e\u200f\u202a-\u202e\u2066-\u2069/\\]/;

describe('hostile paths in OPFS', () => {
  it('a torrent of hostile names from a libtorrent seeder stays under torrents/<infohash>/, one plain file per entry, byte-identical', async () => {
    const { bytes, contents } = hostileTorrent([tracker.udpUrl]);
    const meta = parseTorrent(bytes);
    const torrentPath = join(ws.root, 'hostile.torrent');
    await writeFile(torrentPath, bytes);
    const blob = join(ws.root, 'hostile.blob');
    await writeFile(blob, Buffer.concat(contents));
    // The seeder's copy, where libtorrent itself (after its own sanitizing) looks for each file.
    const save = await ws.dir('lt-save');
    await run(PYTHON, [LT_PLACE, torrentPath, blob, save], { timeout: 30_000 });
    const seeder = await startLibtorrentSeeder({ name: 'lt-seed-hostile', logDir: ws.logDir, save, torrent: torrentPath, trackers: [tracker.udpUrl] });

    profile = await makeProfile('opfs-paths');
    await installHost(profile);
    browser = await launchBrowser(profile);
    const popup = await browser.openPage('extension-ui/popup.html');
    const before = new Set((await listOpfs(popup)).map((e) => e.path));
    await addByTyping(popup, `magnet:?xt=urn:btih:${meta.infoHashHex}&dn=hostile&tr=${encodeURIComponent(tracker.udpUrl)}`);
    await waitForRow(popup, (r) => r.infoHash === meta.infoHashHex && r.state === 'seeding', 90_000, 'the hostile torrent to complete');

    const after = await listOpfs(popup);
    const added = after.filter((e) => !before.has(e.path));
    const root = `torrents/${encodeURIComponent(meta.infoHashHex)}`;
    // Nothing outside the torrent's own folder.
    expect(added.filter((e) => e.path !== 'torrents' && e.path !== root && !e.path.startsWith(`${root}/`)), 'new OPFS entries outside torrents/<infohash>/').toEqual([]);
    // Every name is plain.
    for (const entry of after) {
      for (const part of entry.path.split('/')) {
        expect(part === '' || part === '.' || part === '..', `${JSON.stringify(entry.path)}: a '.', '..' or empty part`).toBe(false);
        expect(UNSAFE.test(part), `${JSON.stringify(entry.path)}: a control, bidi or separator character`).toBe(false);
        expect(new TextEncoder().encode(part).length, `${JSON.stringify(entry.path)}: a part over 255 bytes`).toBeLessThanOrEqual(255);
      }
    }
    // Exactly the engine's sanitized paths, each with its own bytes (duplicates kept apart).
    const files = added.filter((e) => e.kind === 'file');
    const expected = meta.files.filter((f) => !f.padding).map((f) => ({ path: `${root}/${f.path}`, size: contents[f.index]!.length, sha256: sha256(contents[f.index]!) }));
    expect(expected).toHaveLength(HOSTILE_PATHS.length);
    expect(files.map((f) => ({ path: f.path, size: f.size, sha256: f.sha256 })).sort((a, b) => a.path.localeCompare(b.path)))
      .toEqual(expected.sort((a, b) => a.path.localeCompare(b.path)));
    expect(new Set(files.map((f) => f.path.toLowerCase())).size, 'no two files that differ only in case').toBe(files.length);

    // Delivery to Downloads: every file arrives under the name download-names.ts gives it (Chromium
    // refuses some the engine keeps), with its bytes, and nothing lands outside the downloads folder.
    const settled = (): Promise<string[][]> => popup.evaluate(() => new Promise<string[][]>((done) => chrome.downloads.search({}, (items) => done(items.map((i) => [i.filename, i.state, i.error ?? ''])))));
    await until(async () => {
      const items = await settled();
      return items.length === expected.length && items.every((i) => i[1] === 'complete');
    }, 60_000, `${expected.length} completed downloads`).catch(async (error: Error) => {
      throw new Error(`${error.message}; Downloads holds ${JSON.stringify(await listTree(profile!.downloads))}; chrome.downloads: ${JSON.stringify(await settled())}`);
    });
    const base = dirname(profile.downloads);
    expect((await readdir(base)).sort(), 'only the profile and downloads folders in the base folder').toEqual(['downloads', 'profile']);
    const delivered = await listTree(profile.downloads);
    const byDownloadName = new Map(meta.files.filter((f) => !f.padding).map((f) => [downloadPath(f.path), contents[f.index]!]));
    expect(delivered).toEqual([...byDownloadName.keys()].sort());
    for (const path of delivered) {
      for (const part of path.split('/')) expect(UNSAFE.test(part) || part === '..' || part.startsWith('.'), `Downloads/${JSON.stringify(path)}`).toBe(false);
      expect(sha256(await readFile(join(profile.downloads, path))), `Downloads/${path}`).toBe(sha256(byDownloadName.get(path)!));
    }
    console.log(`hostile paths: ${files.length} files in OPFS under ${root}/${meta.name}, ${delivered.length} in Downloads:\n  ${delivered.join('\n  ')}`);
    expect(browser.pageErrors).toEqual([]);
    await seeder.proc.stop();
  }, 200_000);
});
