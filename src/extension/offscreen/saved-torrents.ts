/**
 * What the user added, kept by the extension beside the engine's resume data: the source as
 * given (magnet or .torrent bytes), which of its files were delivered (Downloads or the picked
 * folder), and whether the user chose to pick its files once the metadata arrives. The engine
 * writes a resume record only once a torrent changes state, so a magnet still fetching its
 * metadata, or one added while the native host is missing, lives here until the engine has it.
 * Nothing here is torrent *state*: it is the user's intent, and it survives restarts.
 */
import type { KeyValueStore } from '../../platform/interfaces/index.js';
import { fromUtf8, utf8 } from '../../engine/util/bytes.js';
import type { TorrentSource } from '../../engine/session/types.js';

const SOURCE_PREFIX = 'ext-source-';
const DELIVERED_PREFIX = 'ext-delivered-';

export interface SavedSource {
  source: TorrentSource;
  addedAt: number;
}

interface StoredSource {
  kind: 'magnet' | 'torrent';
  /** The magnet URI, or the .torrent bytes in base64. */
  data: string;
  addedAt: number;
  /** Added with "choose files later": the file chooser is due once the metadata is known. */
  chooseLater?: boolean;
}

/**
 * Files delivered so far, by index. `'before-marks'`: delivered by a version that marked the
 * whole torrent once; which files it had then is not known, so the files wanted now count as
 * delivered (none is delivered twice; ones enabled from now on are delivered when complete).
 */
export type DeliveredFiles = ReadonlySet<number> | 'before-marks';

export class SavedTorrents {
  constructor(private readonly kv: KeyValueStore) {}

  async save(infoHash: string, source: TorrentSource, addedAt = Date.now(), options: { chooseLater?: boolean } = {}): Promise<void> {
    const stored: StoredSource =
      source.kind === 'magnet' ? { kind: 'magnet', data: source.uri, addedAt } : { kind: 'torrent', data: toBase64(source.bytes), addedAt };
    if (options.chooseLater) stored.chooseLater = true;
    await this.kv.set(SOURCE_PREFIX + infoHash, utf8(JSON.stringify(stored)));
  }

  /** Set or clear "choose files later" on a saved torrent (nothing happens for an unknown one). */
  async setChooseLater(infoHash: string, on: boolean): Promise<void> {
    const stored = await this.stored(infoHash);
    if (!stored || Boolean(stored.chooseLater) === on) return;
    if (on) stored.chooseLater = true;
    else delete stored.chooseLater;
    await this.kv.set(SOURCE_PREFIX + infoHash, utf8(JSON.stringify(stored)));
  }

  /** The torrents whose files the user is still to choose. */
  async chooseLaterList(): Promise<string[]> {
    const out: string[] = [];
    for (const hex of await this.list()) if ((await this.stored(hex))?.chooseLater) out.push(hex);
    return out;
  }

  private async stored(infoHash: string): Promise<StoredSource | undefined> {
    const bytes = await this.kv.get(SOURCE_PREFIX + infoHash);
    if (!bytes) return undefined;
    try {
      return JSON.parse(fromUtf8(bytes)) as StoredSource;
    } catch {
      return undefined;
    }
  }

  async load(infoHash: string): Promise<SavedSource | undefined> {
    const stored = await this.stored(infoHash);
    if (!stored) return undefined;
    try {
      const source: TorrentSource =
        stored.kind === 'magnet' ? { kind: 'magnet', uri: String(stored.data) } : { kind: 'torrent', bytes: fromBase64(String(stored.data)) };
      return { source, addedAt: Number(stored.addedAt) || 0 };
    } catch {
      return undefined; // unreadable: the engine's resume record (if any) still brings it back
    }
  }

  async list(): Promise<string[]> {
    return (await this.kv.keys(SOURCE_PREFIX)).map((k) => k.slice(SOURCE_PREFIX.length));
  }

  async deliveredFiles(infoHash: string): Promise<DeliveredFiles> {
    const bytes = await this.kv.get(DELIVERED_PREFIX + infoHash);
    if (!bytes) return new Set();
    try {
      const value = JSON.parse(fromUtf8(bytes)) as unknown;
      if (Array.isArray(value)) return new Set(value.filter((i): i is number => Number.isInteger(i) && i >= 0));
    } catch {
      // not JSON: the old whole-torrent mark (a time)
    }
    return 'before-marks';
  }

  /** These files (by index) reached the user, in addition to the ones marked before. */
  async markDelivered(infoHash: string, indexes: readonly number[]): Promise<void> {
    const before = await this.deliveredFiles(infoHash);
    const all = new Set(before === 'before-marks' ? [] : before);
    for (const i of indexes) all.add(i);
    await this.kv.set(DELIVERED_PREFIX + infoHash, utf8(JSON.stringify([...all].sort((a, b) => a - b))));
  }

  async forget(infoHash: string): Promise<void> {
    await this.kv.delete(SOURCE_PREFIX + infoHash);
    await this.kv.delete(DELIVERED_PREFIX + infoHash);
  }
}

export function toBase64(bytes: Uint8Array): string {
  let text = '';
  const CHUNK = 0x8000; // String.fromCharCode's argument count is bounded
  for (let i = 0; i < bytes.length; i += CHUNK) text += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(text);
}

export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
