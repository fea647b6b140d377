// .torrent files made by mktorrent, not by our own `create`, so the interop tests do not
// depend on the code they test. The infohash comes from a tiny bencode walker here (SHA-1 of
// the raw `info` value, BEP 3).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface MadeTorrent {
  path: string;
  name: string;
  infoHash: string; // 40 lowercase hex digits
  pieceLength: number;
  /** A magnet with the infohash, name and the given trackers (possibly none). */
  magnet(trackers?: readonly string[]): string;
}

export interface MakeTorrentOptions {
  /** File or folder to describe. */
  target: string;
  /** Where to write the .torrent. */
  output: string;
  /** At least one; mktorrent refuses to work without an announce URL. */
  trackers: readonly string[];
  /** log2 of the piece size: 15 = 32 KiB, 18 = 256 KiB (mktorrent's default), 20 = 1 MiB, 22 = 4 MiB. */
  pieceSizeLog2?: number;
  webSeeds?: readonly string[];
}

export async function makeTorrent(options: MakeTorrentOptions): Promise<MadeTorrent> {
  const log2 = options.pieceSizeLog2 ?? 18;
  const args = ['-d', '-l', String(log2), '-o', options.output];
  for (const url of options.trackers) args.push('-a', url);
  if (options.webSeeds?.length) args.push('-w', options.webSeeds.join(','));
  args.push(options.target);
  await run('mktorrent', args, { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 });
  return describeTorrent(options.output, basename(options.target));
}

export async function describeTorrent(path: string, name?: string): Promise<MadeTorrent> {
  const bytes = await readFile(path);
  const info = rawInfo(bytes);
  const infoHash = createHash('sha1').update(info).digest('hex');
  const torrentName = name ?? basename(path).replace(/\.torrent$/, '');
  return {
    path,
    name: torrentName,
    infoHash,
    pieceLength: pieceLengthOf(bytes),
    magnet(trackers: readonly string[] = []) {
      const parts = [`xt=urn:btih:${infoHash}`, `dn=${encodeURIComponent(torrentName)}`];
      for (const url of trackers) parts.push(`tr=${encodeURIComponent(url)}`);
      return `magnet:?${parts.join('&')}`;
    },
  };
}

// --- a minimal bencode walker (enough to find `info` and `piece length`) ---

/** Index just past the bencoded value starting at `at`. */
function skip(bytes: Uint8Array, at: number): number {
  const c = bytes[at];
  if (c === 0x69 /* i */) return bytes.indexOf(0x65, at) + 1;
  if (c === 0x6c /* l */ || c === 0x64 /* d */) {
    let i = at + 1;
    while (bytes[i] !== 0x65 /* e */) i = skip(bytes, i);
    return i + 1;
  }
  const colon = bytes.indexOf(0x3a /* : */, at);
  const length = Number(Buffer.from(bytes.subarray(at, colon)).toString('ascii'));
  if (colon < 0 || !Number.isInteger(length)) throw new Error(`bad bencode at ${at}`);
  return colon + 1 + length;
}

function dictEntry(bytes: Uint8Array, at: number, wanted: string): [number, number] | undefined {
  if (bytes[at] !== 0x64) throw new Error('not a dictionary');
  let i = at + 1;
  while (bytes[i] !== 0x65) {
    const keyEnd = skip(bytes, i);
    const key = Buffer.from(bytes.subarray(bytes.indexOf(0x3a, i) + 1, keyEnd)).toString('latin1');
    const valueEnd = skip(bytes, keyEnd);
    if (key === wanted) return [keyEnd, valueEnd];
    i = valueEnd;
  }
  return undefined;
}

function rawInfo(bytes: Uint8Array): Uint8Array {
  const span = dictEntry(bytes, 0, 'info');
  if (!span) throw new Error('no info dictionary');
  return bytes.subarray(span[0], span[1]);
}

function pieceLengthOf(bytes: Uint8Array): number {
  const info = dictEntry(bytes, 0, 'info');
  if (!info) return 0;
  const span = dictEntry(bytes, info[0], 'piece length');
  if (!span) return 0;
  return Number(Buffer.from(bytes.subarray(span[0] + 1, span[1] - 1)).toString('ascii'));
}
