/**
 * What the user added, kept by the extension beside the engine's resume data: the source as
 * given (magnet or .torrent bytes) and whether the finished files reached Downloads. The engine
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
}

export class SavedTorrents {
  constructor(private readonly kv: KeyValueStore) {}

  async save(infoHash: string, source: TorrentSource, addedAt = Date.now()): Promise<void> {
    const stored: StoredSource =
      source.kind === 'magnet' ? { kind: 'magnet', data: source.uri, addedAt } : { kind: 'torrent', data: toBase64(source.bytes), addedAt };
    await this.kv.set(SOURCE_PREFIX + infoHash, utf8(JSON.stringify(stored)));
  }

  async load(infoHash: string): Promise<SavedSource | undefined> {
    const bytes = await this.kv.get(SOURCE_PREFIX + infoHash);
    if (!bytes) return undefined;
    try {
      const stored = JSON.parse(fromUtf8(bytes)) as StoredSource;
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

  async isDelivered(infoHash: string): Promise<boolean> {
    return (await this.kv.get(DELIVERED_PREFIX + infoHash)) !== undefined;
  }

  async markDelivered(infoHash: string): Promise<void> {
    await this.kv.set(DELIVERED_PREFIX + infoHash, utf8(String(Date.now())));
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
