/** `torrentedge info <file.torrent | magnet | URL>`: what is in it, as text or one JSON object. */
import { toMagnet } from '../../engine/metainfo/index.js';
import type { MagnetLink, TorrentMeta } from '../../engine/metainfo/types.js';
import { NodeHttpClient } from '../../platform/node/node-http.js';
import { boolFlag, parseArgs, type CommandSpec } from '../args.js';
import { safeText } from '../progress-output.js';
import { loadSource } from '../source.js';
import { formatBytes } from '../units.js';
import type { CommandContext } from './context.js';
import { formatEndpoint } from '../../engine/util/endpoint.js';

export const infoSpec: CommandSpec = {
  flags: { json: { type: 'boolean' } },
  positionals: ['<file.torrent | magnet>'],
};

export const infoHelp = `usage: torrentedge info <file.torrent | magnet | URL> [--json]

Prints the name, infohash (40 hex; for a hybrid torrent also the v2 infohash,
64 hex, on its own line), piece length and count, total size, private flag,
files (index, size, path) and trackers. --json prints one JSON object
(infoHashV2 only for hybrid torrents).`;

export async function runInfo(argv: string[], ctx: CommandContext): Promise<number> {
  const args = parseArgs(argv, infoSpec);
  const loaded = await loadSource(args.positionals[0]!, new NodeHttpClient());
  const json = boolFlag(args, 'json');
  if (loaded.kind === 'torrent') {
    ctx.out(json ? `${JSON.stringify(torrentInfoJson(loaded.meta))}\n` : torrentInfoText(loaded.meta));
  } else {
    ctx.out(json ? `${JSON.stringify(magnetInfoJson(loaded.magnet))}\n` : magnetInfoText(loaded.magnet));
  }
  return 0;
}

export function torrentInfoJson(meta: TorrentMeta): Record<string, unknown> {
  return {
    type: 'torrent',
    name: meta.name,
    infoHash: meta.infoHashHex,
    infoHashV2: meta.infoHashV2Hex,
    pieceLength: meta.pieceLength,
    pieceCount: meta.pieceCount,
    totalLength: meta.totalLength,
    private: meta.private,
    multiFile: meta.multiFile,
    comment: meta.comment,
    createdBy: meta.createdBy,
    creationDate: meta.creationDate,
    files: meta.files.map((f) => ({ index: f.index, length: f.length, path: f.path, padding: f.padding })),
    trackers: meta.announce,
    webSeeds: meta.urlList,
    magnet: toMagnet(meta),
  };
}

export function torrentInfoText(meta: TorrentMeta): string {
  const padding = meta.files.reduce((sum, f) => sum + (f.padding ? f.length : 0), 0);
  const lines = [
    `name: ${safeText(meta.name)}`,
    `infohash: ${meta.infoHashHex}`,
    ...(meta.infoHashV2Hex === undefined ? [] : [`infohash v2: ${meta.infoHashV2Hex}`]),
    `piece length: ${meta.pieceLength} (${formatBytes(meta.pieceLength)})`,
    `pieces: ${meta.pieceCount}`,
    `total size: ${meta.totalLength} (${formatBytes(meta.totalLength)})`,
    // Hybrid torrents (BEP 52) pad files to piece boundaries; the total size includes it.
    ...(padding > 0 ? [`padding: ${padding} (${formatBytes(padding)} in BEP 47 padding files, never stored)`] : []),
    `private: ${meta.private ? 'yes' : 'no'}`,
  ];
  if (meta.comment !== undefined) lines.push(`comment: ${safeText(meta.comment)}`);
  if (meta.createdBy !== undefined) lines.push(`created by: ${safeText(meta.createdBy)}`);
  if (meta.creationDate !== undefined) lines.push(`creation date: ${formatDate(meta.creationDate)}`);
  lines.push(`files: ${meta.files.length}`);
  const sizeWidth = Math.max(...meta.files.map((f) => String(f.length).length), 1);
  const indexWidth = String(Math.max(0, meta.files.length - 1)).length;
  for (const f of meta.files) {
    const pad = f.padding ? ' (padding)' : '';
    lines.push(`  ${String(f.index).padStart(indexWidth)}  ${String(f.length).padStart(sizeWidth)}  ${safeText(f.path)}${pad}`);
  }
  lines.push(...trackerLines(meta.announce));
  if (meta.urlList.length > 0) lines.push('web seeds:', ...meta.urlList.map((u) => `  ${safeText(u)}`));
  lines.push(`magnet: ${toMagnet(meta)}`);
  return `${lines.join('\n')}\n`;
}

export function magnetInfoJson(magnet: MagnetLink): Record<string, unknown> {
  return {
    type: 'magnet',
    name: magnet.name,
    infoHash: magnet.infoHashHex,
    infoHashV2: magnet.infoHashV2Hex,
    trackers: magnet.trackers.map((t) => [t]),
    webSeeds: magnet.webSeeds,
    peers: magnet.peers.map((p) => formatEndpoint(p.host, p.port)),
    selectOnly: magnet.selectOnly,
  };
}

export function magnetInfoText(magnet: MagnetLink): string {
  const lines = [`name: ${magnet.name === undefined ? '(unknown until metadata)' : safeText(magnet.name)}`, `infohash: ${magnet.infoHashHex}`];
  if (magnet.infoHashV2Hex !== undefined) lines.push(`infohash v2: ${magnet.infoHashV2Hex}`);
  lines.push(...trackerLines(magnet.trackers.map((t) => [t])));
  if (magnet.webSeeds.length > 0) lines.push('web seeds:', ...magnet.webSeeds.map((u) => `  ${safeText(u)}`));
  if (magnet.peers.length > 0) lines.push('peers:', ...magnet.peers.map((p) => `  ${p.host}:${p.port}`));
  if (magnet.selectOnly) lines.push(`select only: ${magnet.selectOnly.join(',')}`);
  return `${lines.join('\n')}\n`;
}

function trackerLines(tiers: string[][]): string[] {
  if (tiers.length === 0) return ['trackers: none'];
  const lines = ['trackers:'];
  tiers.forEach((tier, i) => tier.forEach((url) => lines.push(`  tier ${i}: ${safeText(url)}`)));
  return lines;
}

function formatDate(seconds: number): string {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? String(seconds) : date.toISOString();
}
