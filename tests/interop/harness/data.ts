// Deterministic pseudo-random content: an AES-128-CTR keystream keyed by a seed string, so
// every run (and every machine) makes the same bytes, fast enough for a 1 GiB benchmark file.
import { createCipheriv, createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { once } from 'node:events';

const CHUNK = 4 * 1024 * 1024;

export interface FileSpec {
  /** Path inside the torrent's folder, '/'-separated. */
  path: string;
  size: number;
}

/**
 * A multi-file layout full of traps: sizes that are not multiples of any piece size, a file
 * one byte over a 32 KiB piece, a 7-byte file, an empty file, nested folders, a space in a name.
 */
export const MULTI_FILE_LAYOUT: readonly FileSpec[] = [
  { path: 'a.bin', size: 100_003 },
  { path: 'empty.txt', size: 0 },
  { path: 'sub/b.bin', size: 1_234_567 },
  { path: 'sub/deeper/c.dat', size: 32_769 },
  { path: 'sub/deeper/d one.txt', size: 7 },
  { path: 'z/last.bin', size: 2_000_001 },
];

function keystream(seed: string) {
  const key = createHash('sha256').update(`key:${seed}`).digest().subarray(0, 16);
  const iv = createHash('sha256').update(`iv:${seed}`).digest().subarray(0, 16);
  return createCipheriv('aes-128-ctr', key, iv);
}

/** Writes `size` deterministic bytes for `seed` to `path` (folders created). */
export async function writePseudoRandomFile(path: string, size: number, seed: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const cipher = keystream(seed);
  const zeros = Buffer.alloc(CHUNK);
  const out = createWriteStream(path);
  let left = size;
  while (left > 0) {
    const n = Math.min(CHUNK, left);
    if (!out.write(cipher.update(zeros.subarray(0, n)))) await once(out, 'drain');
    left -= n;
  }
  out.end();
  await once(out, 'close');
}

/** A single file `<dir>/<name>`; returns its path. */
export async function makeSingleFile(dir: string, name: string, size: number, seed = name): Promise<string> {
  const path = join(dir, name);
  await writePseudoRandomFile(path, size, seed);
  return path;
}

/** A folder `<dir>/<name>/` holding `layout`; returns the folder's path. */
export async function makeMultiFile(
  dir: string,
  name: string,
  layout: readonly FileSpec[] = MULTI_FILE_LAYOUT,
  seed = name,
): Promise<string> {
  const root = join(dir, name);
  for (const file of layout) await writePseudoRandomFile(join(root, ...file.path.split('/')), file.size, `${seed}/${file.path}`);
  return root;
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else out.push(relative(root, full).split('\\').join('/'));
    }
  };
  await walk(root);
  return out.sort();
}

/**
 * Differences between two files or two folders, as human-readable lines (empty when
 * identical). Folders must hold the same set of files with the same bytes.
 */
export async function compareTrees(expected: string, actual: string): Promise<string[]> {
  const problems: string[] = [];
  let actualStat;
  try {
    actualStat = await stat(actual);
  } catch {
    return [`missing: ${actual}`];
  }
  const expectedStat = await stat(expected);
  if (expectedStat.isFile()) {
    if (!actualStat.isFile()) return [`not a file: ${actual}`];
    if (expectedStat.size !== actualStat.size) return [`size ${actualStat.size} != ${expectedStat.size}: ${actual}`];
    if ((await sha256File(expected)) !== (await sha256File(actual))) return [`content differs: ${actual}`];
    return [];
  }
  const want = await listFiles(expected);
  const have = new Set(await listFiles(actual));
  for (const path of want) {
    if (!have.has(path)) problems.push(`missing: ${path}`);
    else problems.push(...(await compareTrees(join(expected, path), join(actual, path))));
    have.delete(path);
  }
  for (const extra of have) problems.push(`unexpected file: ${extra}`);
  return problems;
}
