/** `torrentedge create <path>`: hash a file or folder into a v1 .torrent, or a hybrid v1 + v2 one (BEP 52) with --hybrid. */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createTorrent, parseTorrent, toMagnet } from '../../engine/metainfo/index.js';
import { NodeHasher } from '../../platform/node/node-hasher.js';
import { boolFlag, listFlag, parseArgs, stringFlag, UsageError, type CommandSpec } from '../args.js';
import { walkPath, WalkedFileReader } from '../file-walk.js';
import { describeFsError } from '../source.js';
import { parsePieceLength } from '../units.js';
import { cliVersion } from '../version.js';
import type { CommandContext } from './context.js';

export const createSpec: CommandSpec = {
  flags: {
    tracker: { type: 'string', repeatable: true, short: 't' },
    output: { type: 'string', short: 'o' },
    'piece-length': { type: 'string' },
    'web-seed': { type: 'string', repeatable: true },
    private: { type: 'boolean' },
    comment: { type: 'string' },
    hybrid: { type: 'boolean' },
  },
  positionals: ['<path>'],
};

export const createHelp = `usage: torrentedge create <path> [-t TRACKER]... [-o OUT.torrent] [options]

Hashes a file (single-file torrent) or a folder (every file in it, empty ones
too, sorted by path) into a .torrent named after it, and prints its infohash
and magnet link. Writes a v1 torrent (BEP 3) unless --hybrid is given.

  -t, --tracker URL      announce URL; repeat for more (each its own tier)
  -o, --output FILE      where to write (default: <name>.torrent here)
  --piece-length N       power of two from 16K to 16M (default: picked by size)
  --web-seed URL         web seed (BEP 19); repeatable
  --private              private torrent (BEP 27: trackers only)
  --comment TEXT         comment stored in the torrent
  --hybrid               hybrid v1 + v2 torrent (BEP 52): v2 file tree and merkle
                         hashes too, each file padded to a piece boundary (BEP 47);
                         prints both infohashes`;

const TRACKER_PROTOCOLS = new Set(['http:', 'https:', 'udp:', 'ws:', 'wss:']);
const WEB_SEED_PROTOCOLS = new Set(['http:', 'https:']);

export function checkUrl(text: string, protocols: Set<string>, what: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`${what} is not a URL: '${text}'`);
  }
  if (!protocols.has(url.protocol)) throw new UsageError(`${what} must be ${[...protocols].map((p) => p.slice(0, -1)).join(', ')}: '${text}'`);
  return text;
}

export async function runCreate(argv: string[], ctx: CommandContext): Promise<number> {
  const args = parseArgs(argv, createSpec);
  const trackers = listFlag(args, 'tracker').map((t) => checkUrl(t, TRACKER_PROTOCOLS, 'tracker'));
  const webSeeds = listFlag(args, 'web-seed').map((u) => checkUrl(u, WEB_SEED_PROTOCOLS, '--web-seed'));
  const pieceLengthText = stringFlag(args, 'piece-length');
  const pieceLength = pieceLengthText === undefined ? undefined : parsePieceLength(pieceLengthText);

  const walked = await walkPath(args.positionals[0]!, ctx.warn);
  const output = resolve(stringFlag(args, 'output') ?? `${walked.name}.torrent`);
  const reader = new WalkedFileReader(walked.files);
  const showProgress = ctx.stderrIsTTY;
  let bytes: Uint8Array;
  try {
    bytes = await createTorrent({
      name: walked.name,
      files: walked.files.map((f) => ({ path: f.path, length: f.length })),
      singleFile: walked.singleFile,
      version: boolFlag(args, 'hybrid') ? 'hybrid' : 'v1',
      read: (index, offset, length) => reader.read(index, offset, length),
      hasher: new NodeHasher(),
      pieceLength,
      announce: trackers.map((t) => [t]),
      urlList: webSeeds,
      private: boolFlag(args, 'private'),
      comment: stringFlag(args, 'comment'),
      createdBy: `TorrentEdge/${cliVersion()}`,
      creationDate: Math.floor(Date.now() / 1000),
      onProgress: showProgress ? (hashed, total) => process.stderr.write(`\rhashing ${Math.floor((hashed / Math.max(1, total)) * 100)}%`) : undefined,
    });
  } finally {
    if (showProgress) process.stderr.write('\r\u001b[K');
    await reader.close();
  }
  try {
    await writeFile(output, bytes);
  } catch (error) {
    const reason = (error as { code?: string }).code === 'ENOENT' ? 'its folder does not exist' : describeFsError(error, output);
    throw new Error(`cannot write ${output}: ${reason}`);
  }
  const meta = parseTorrent(bytes);
  const v2Line = meta.infoHashV2Hex === undefined ? '' : `infohash v2: ${meta.infoHashV2Hex}\n`;
  ctx.out(`wrote ${output}\ninfohash: ${meta.infoHashHex}\n${v2Line}magnet: ${toMagnet(meta)}\n`);
  return 0;
}
