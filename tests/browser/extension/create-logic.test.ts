// The "Create torrent" page's pure parts, without a browser: what the form refuses (each limit
// named in CREATE_LIMITS), the file order (the CLI's, so both give one infohash), and the
// engine's side of "seed at once": a record vouching for every piece makes a torrent whose files
// have their full lengths seed without a byte read, and does nothing for files that fall short.
import { describe, expect, it } from 'vitest';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createTorrent, parseTorrent } from '../../../src/engine/metainfo/index.js';
import { Client } from '../../../src/engine/session/client.js';
import { ResumeStore } from '../../../src/engine/storage/resume-store.js';
import { createMemoryPlatform, MemoryHub } from '../../../src/platform/memory/index.js';
import { WebCryptoHasher } from '../../../src/platform/webcrypto-hasher.js';
import { comparePaths as cliComparePaths } from '../../../src/cli/file-walk.js';
import { checkCreateForm, CREATE_LIMITS, parseTiers, suggestName, type CreateForm, type PickedFile } from '../../../src/extension/create/create-input.js';
import { completeRecord, fullBitfield } from '../../../src/extension/offscreen/created-torrent.js';
import { ROOT } from './harness/build.js';

const FORM: CreateForm = { files: [{ path: 'a.txt', length: 10 }], name: 'a.txt', trackers: '', webSeeds: '', private: false, pieceLength: 0 };

function errors(patch: Partial<CreateForm>): Record<string, string> {
  const checked = checkCreateForm({ ...FORM, ...patch });
  return checked.ok ? {} : (checked.errors as Record<string, string>);
}

describe('create form: refusals', () => {
  it('no files', () => {
    expect(errors({ files: [] }).files).toBe('Choose the files or the folder to share.');
  });

  it('a 0-byte set', () => {
    expect(errors({ files: [{ path: 'd/a', length: 0 }, { path: 'd/b', length: 0 }] }).files).toBe('Every file is empty (0 bytes): there is nothing to share.');
  });

  it('empty files beside data are fine', () => {
    expect(errors({ files: [{ path: 'd/a', length: 0 }, { path: 'd/b', length: 1 }], name: 'd' })).toEqual({});
  });

  it('too many files', () => {
    const files = Array.from({ length: CREATE_LIMITS.maxFiles + 1 }, (_, i) => ({ path: `d/${i}`, length: 1 }));
    expect(errors({ files, name: 'd' }).files).toBe('Too many files: 10001 (at most 10,000). Share a smaller folder, or pack the files into an archive.');
    expect(errors({ files: files.slice(1), name: 'd' })).toEqual({});
  });

  it('a file picked twice', () => {
    expect(errors({ files: [{ path: 'a', length: 1 }, { path: 'a', length: 1 }] }).files).toBe('a was picked twice.');
  });

  it('invalid tracker URLs: not a URL, a wrong scheme, no host, a duplicate, too long', () => {
    expect(errors({ trackers: 'tracker.example.com' }).trackers).toBe('"tracker.example.com" is not a valid tracker URL.');
    expect(errors({ trackers: 'ftp://t.example/announce' }).trackers).toBe('"ftp://t.example/announce" is not a valid tracker URL: use http, https, udp.');
    expect(errors({ trackers: 'wss://t.example/announce' }).trackers).toMatch(/use http, https, udp/);
    expect(errors({ trackers: 'udp://t.example:80\n\nudp://t.example:80' }).trackers).toBe('"udp://t.example:80" is listed twice.');
    expect(errors({ trackers: `http://t.example/${'a'.repeat(CREATE_LIMITS.maxUrlLength)}` }).trackers).toMatch(/longer than 2048/);
    const many = Array.from({ length: CREATE_LIMITS.maxTrackers + 1 }, (_, i) => `udp://t${i}.example:80`).join('\n');
    expect(errors({ trackers: many }).trackers).toBe('Too many trackers: 101 (at most 100).');
    expect(errors({ trackers: 'udp://t.example:80/announce\nhttps://t.example/announce' })).toEqual({});
  });

  it('web seeds are http(s) only', () => {
    expect(errors({ webSeeds: 'udp://w.example/' }).webSeeds).toBe('"udp://w.example/" is not a valid web seed URL: use http, https.');
    expect(errors({ webSeeds: 'https://w.example/files/' })).toEqual({});
  });

  it('names: empty, separators, dot names, control characters, too long', () => {
    expect(errors({ name: '  ' }).name).toBe('Give the torrent a name.');
    expect(errors({ name: 'a/b' }).name).toMatch(/cannot contain "\/"/);
    expect(errors({ name: '..' }).name).toMatch(/nor be "\." or "\.\."/);
    expect(errors({ name: 'a\u0007b' }).name).toBe('The name cannot contain control characters.');
    expect(errors({ name: 'é'.repeat(128) }).name).toBe('The name is too long (at most 255 bytes).');
  });

  it('piece sizes: powers of two from 16 KiB to 16 MiB, and not so small that the .torrent would be too big', () => {
    expect(errors({ pieceLength: 3 * 16384 }).pieceLength).toMatch(/power of two/);
    expect(errors({ pieceLength: 8192 }).pieceLength).toMatch(/power of two/);
    expect(errors({ pieceLength: 32 * 1024 * 1024 }).pieceLength).toMatch(/power of two/);
    const huge = [{ path: 'big', length: 16384 * (CREATE_LIMITS.maxPieces + 1) }];
    expect(errors({ files: huge, name: 'big', pieceLength: 16384 }).pieceLength).toMatch(/choose a larger one/);
    expect(errors({ files: huge, name: 'big', pieceLength: 0 })).toEqual({});
  });

  it('every refusal at once, one message per field', () => {
    expect(Object.keys(errors({ files: [], name: '', trackers: 'x', webSeeds: 'y', pieceLength: 5 })).sort()).toEqual(['files', 'name', 'pieceLength', 'trackers', 'webSeeds']);
  });
});

describe('create form: the torrent it plans', () => {
  it('a picked folder becomes a multi-file torrent named after it, files in the CLI\'s order', () => {
    const files: PickedFile[] = [
      { path: 'Photos/z.jpg', length: 1 },
      { path: 'Photos/B/x.jpg', length: 2 },
      { path: 'Photos/a.jpg', length: 3 },
      { path: 'Photos/B.jpg', length: 4 },
      { path: 'Photos/é.jpg', length: 5 },
    ];
    expect(suggestName(files)).toBe('Photos');
    const checked = checkCreateForm({ ...FORM, files, name: 'Photos' });
    if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
    const paths = checked.plan.files.map((f) => f.path);
    expect(paths).toEqual([...paths].sort(cliComparePaths));
    expect(paths).toEqual([['B', 'x.jpg'], ['B.jpg'], ['a.jpg'], ['z.jpg'], ['é.jpg']]);
    // order maps the torrent's files back to the picked ones.
    expect(checked.plan.order.map((i) => files[i]!.length)).toEqual(checked.plan.files.map((f) => f.length));
    expect(checked.plan.singleFile).toBe(false);
    expect(checked.plan.totalLength).toBe(15);
  });

  it('one picked file is a single-file torrent; several loose files keep their names under the given name', () => {
    const single = checkCreateForm({ ...FORM, files: [{ path: 'movie.mkv', length: 9 }], name: 'movie.mkv' });
    expect(single.ok && single.plan).toMatchObject({ singleFile: true, files: [{ path: ['movie.mkv'], length: 9 }] });
    const loose = [{ path: 'b.txt', length: 1 }, { path: 'a.txt', length: 1 }];
    expect(suggestName(loose)).toBe('b');
    const multi = checkCreateForm({ ...FORM, files: loose, name: 'notes' });
    expect(multi.ok && multi.plan).toMatchObject({ singleFile: false, name: 'notes', files: [{ path: ['a.txt'] }, { path: ['b.txt'] }] });
  });

  it('trackers: one per line, an empty line between tiers', () => {
    expect(parseTiers('udp://a:1\nhttp://b/announce\n\n\n  udp://c:3  \r\n')).toEqual([['udp://a:1', 'http://b/announce'], ['udp://c:3']]);
    expect(parseTiers('  \n')).toEqual([]);
  });
});

describe('seeding what was just created, without reading it again', () => {
  it('fullBitfield sets exactly pieceCount bits', () => {
    expect([...fullBitfield(1)]).toEqual([0x80]);
    expect([...fullBitfield(8)]).toEqual([0xff]);
    expect([...fullBitfield(11)]).toEqual([0xff, 0xe0]);
  });

  async function made() {
    const data = [new Uint8Array(70_000).map((_, i) => i * 7), new Uint8Array(0), new Uint8Array(33_333).map((_, i) => i * 13)];
    const bytes = await createTorrent({
      name: 'made',
      files: [{ path: ['a.bin'], length: data[0]!.length }, { path: ['empty'], length: 0 }, { path: ['sub', 'b.bin'], length: data[2]!.length }],
      singleFile: false,
      pieceLength: 16384,
      read: async (index, offset, length) => data[index]!.slice(offset, offset + length),
      hasher: new WebCryptoHasher(),
    });
    return { bytes, meta: parseTorrent(bytes), data };
  }

  async function addWith(options: { vouch: boolean; shortBy?: number }): Promise<{ state: string; reads: number; progress: number }> {
    const { bytes, meta, data } = await made();
    const platform = createMemoryPlatform(new MemoryHub(), '10.0.9.1');
    const storage = await platform.openStorage('root');
    for (const file of meta.files) {
      const content = data[file.index]!;
      await storage.write(file.path, 0, content.subarray(0, file.index === 2 ? content.length - (options.shortBy ?? 0) : content.length));
    }
    let reads = 0;
    const read = storage.read.bind(storage);
    storage.read = (...args) => {
      reads++;
      return read(...args);
    };
    if (options.vouch) {
      const resume = new ResumeStore(platform.kv);
      await resume.saveInfo(meta.infoHashHex, meta.infoBytes);
      await resume.save(completeRecord(meta, 'root', Date.now()));
    }
    const client = await Client.create({ platform, port: 7400, dht: false, lsd: false });
    const torrent = await client.add({ kind: 'torrent', bytes }, { destination: 'root' });
    const result = { state: torrent.state, reads, progress: torrent.stats().progress };
    await client.close();
    return result;
  }

  it('vouched and whole: seeding at once, no byte read', async () => {
    expect(await addWith({ vouch: true })).toEqual({ state: 'seeding', reads: 0, progress: 1 });
  });

  it('not vouched (the control): the engine reads every piece to check it', async () => {
    const result = await addWith({ vouch: false });
    expect(result.state).toBe('seeding');
    expect(result.reads).toBeGreaterThan(0);
  });

  it('vouched but a file fell short: its pieces are not trusted', async () => {
    const result = await addWith({ vouch: true, shortBy: 100 });
    expect(result.state).not.toBe('seeding');
    expect(result.progress).toBeLessThan(1);
  });
});

describe('texts', () => {
  it('every create_ key the code uses exists, and every create_ key in messages.json is used', async () => {
    const messages = JSON.parse(await readFile(join(ROOT, '_locales/en/messages.json'), 'utf8')) as Record<string, { message: string }>;
    const used = new Set<string>();
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) await walk(join(dir, entry.name));
        else if (/\.tsx?$/.test(entry.name)) for (const m of (await readFile(join(dir, entry.name), 'utf8')).matchAll(/\bt\('(create_[A-Za-z]+)'/g)) used.add(m[1]!);
      }
    };
    await walk(join(ROOT, 'extension-ui'));
    expect(used.size).toBeGreaterThan(25);
    expect([...used].filter((k) => !messages[k]?.message)).toEqual([]);
    expect(Object.keys(messages).filter((k) => k.startsWith('create_') && !used.has(k))).toEqual([]);
  });
});
