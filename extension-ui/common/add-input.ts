/**
 * The first look at what the user typed or picked, before it goes to the engine: empty input, a
 * non-http scheme or a file that cannot be a .torrent is answered at once, at the field. The engine
 * (offscreen/add-source.ts) does the real parsing and answers the rest (bad infohash, unreachable
 * URL, broken .torrent) with its own message, shown at the same place. Pure: testable in Node.
 */
import type { AddSource } from '../../src/extension/messages.js';

export const ADD_INPUT_LIMITS = {
  /** Longer text is not a magnet anyone pastes (they carry a few trackers, not megabytes). */
  maxTextLength: 64 * 1024,
  /** As the engine's ADD_LIMITS.maxTorrentFileBytes. */
  maxTorrentFileBytes: 16 * 1024 * 1024,
} as const;

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

export function checkAddText(raw: string): Checked<AddSource> {
  const text = raw.trim();
  if (!text) return { ok: false, error: 'Paste a magnet link (magnet:?xt=urn:btih:…) or the address of a .torrent file.' };
  if (text.length > ADD_INPUT_LIMITS.maxTextLength) return { ok: false, error: 'That is far too long to be a magnet link or an address.' };
  if (/^magnet:/i.test(text)) return { ok: true, value: { kind: 'magnet', uri: text } };
  // A bare infohash (40 hex or 32 base32) is accepted by the engine as a magnet.
  if (/^[0-9a-f]{40}$/i.test(text) || /^[a-z2-7]{32}$/i.test(text)) return { ok: true, value: { kind: 'url', url: text } };
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text)?.[1]?.toLowerCase();
  if (scheme && scheme !== 'http' && scheme !== 'https') {
    return { ok: false, error: `"${scheme}:" addresses cannot be added: use a magnet link or an http(s) address of a .torrent file.` };
  }
  if (!scheme) return { ok: false, error: 'Not a magnet link or an address. Magnet links start with magnet:?xt=urn:btih:, addresses with https://.' };
  return { ok: true, value: { kind: 'url', url: text } };
}

export function checkTorrentFile(file: { name: string; size: number }): Checked<null> {
  if (file.size === 0) return { ok: false, error: `${file.name} is empty: not a .torrent file.` };
  if (file.size > ADD_INPUT_LIMITS.maxTorrentFileBytes) {
    return { ok: false, error: `${file.name} is ${Math.round(file.size / 1024 / 1024)} MiB: .torrent files are at most 16 MiB.` };
  }
  return { ok: true, value: null };
}

/** Base64 of bytes (runtime messaging is JSON), in chunks so large files do not overflow the stack. */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
