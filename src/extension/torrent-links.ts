/**
 * Which links and downloads are torrents, what the context menu offers, and the toolbar badge.
 * Pure: no chrome.*, testable in Node; the service worker (interception.ts) applies them.
 */
import type { AddSource, TorrentRow } from './messages.js';
import type { BadgeMode } from './preferences.js';

export const TORRENT_MIME = 'application/x-bittorrent';

/**
 * The context menu's link patterns. Chromium accepts `magnet:*` here (not a web match pattern, but
 * its URLPattern takes any scheme for contextMenus); the service worker falls back to every link
 * if a browser refuses them, and the click handler checks the link again.
 */
export const CONTEXT_MENU_PATTERNS = ['magnet:*', '*://*/*.torrent', '*://*/*.torrent?*', '*://*/*.torrent#*'];

/** A link the context menu may add: a magnet, or an http(s) URL whose path ends in .torrent. */
export function linkSource(url: string | undefined): AddSource | null {
  if (!url) return null;
  if (/^magnet:\?/i.test(url)) return { kind: 'magnet', uri: url };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  return /\.torrent$/i.test(decodeURIComponentSafe(parsed.pathname)) ? { kind: 'url', url: parsed.href } : null;
}

/** The parts of a chrome.downloads item the decision needs. */
export interface DownloadFacts {
  url: string;
  finalUrl?: string;
  mime?: string;
  filename?: string;
  byExtensionId?: string;
  state?: string;
}

/**
 * True when this download is a .torrent file to take over: by its MIME type, its chosen file
 * name, or its URL's path. Our own deliveries (blob: URLs we start) are never taken, nor are
 * URLs the extension cannot fetch again (data:, blob:, file:).
 */
export function isTorrentDownload(item: DownloadFacts, ownExtensionId: string): boolean {
  if (item.byExtensionId === ownExtensionId) return false;
  const url = item.finalUrl || item.url;
  if (!/^https?:/i.test(url)) return false;
  if ((item.mime ?? '').toLowerCase().split(';')[0]!.trim() === TORRENT_MIME) return true;
  if (item.filename && /\.torrent$/i.test(item.filename)) return true;
  try {
    return /\.torrent$/i.test(decodeURIComponentSafe(new URL(url).pathname));
  } catch {
    return false;
  }
}

/** States that count as an active download on the badge. */
const ACTIVE_STATES = new Set(['metadata', 'checking', 'downloading']);

/** The badge text: the number of active downloads ('' hides the badge). */
export function badgeText(torrents: readonly Pick<TorrentRow, 'state'>[], mode: BadgeMode): string {
  if (mode === 'off') return '';
  const active = torrents.filter((t) => ACTIVE_STATES.has(t.state)).length;
  if (active === 0) return '';
  return active > 999 ? '999+' : String(active);
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
