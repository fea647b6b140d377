/// <reference types="chrome" />
/**
 * What the service worker shows outside pages: the toolbar badge (active downloads, from the
 * snapshot the offscreen document publishes) and notifications (a torrent finished; a link or
 * download handed over outside our pages was added or refused). A click on a "finished"
 * notification opens the dashboard at that torrent: the side panel when the browser allows it
 * from a notification click, else a tab (`dashboard.html?torrent=<infohash>`).
 */
import type { TorrentRow } from './messages.js';
import type { Preferences } from './preferences.js';
import { badgeText } from './torrent-links.js';
import { DASHBOARD_PATH, dashboardUrl } from './dashboard-url.js';

const DONE_PREFIX = 'torrentedge-done-';
const NOTICE_PREFIX = 'torrentedge-notice-';
const BADGE_COLOR = '#0f766e';

export class Notices {
  private torrents: readonly Pick<TorrentRow, 'state'>[] = [];
  private shownBadge: string | null = null;
  private nextNotice = 1;

  constructor(private readonly preferences: () => Preferences | undefined) {}

  listen(): void {
    chrome.notifications.onClicked.addListener((id) => void this.onClicked(id));
    void chrome.action.setBadgeBackgroundColor({ color: BADGE_COLOR }).catch(() => undefined);
  }

  /** The latest torrent list (from the snapshot). */
  setTorrents(torrents: readonly Pick<TorrentRow, 'state'>[]): void {
    this.torrents = torrents;
    this.updateBadge();
  }

  updateBadge(): void {
    const prefs = this.preferences();
    if (!prefs) return;
    const text = badgeText(this.torrents, prefs.badge);
    if (text === this.shownBadge) return;
    this.shownBadge = text;
    void chrome.action.setBadgeText({ text }).catch(() => (this.shownBadge = null));
  }

  /** A torrent finished downloading (sent by the offscreen document only for fresh completions). */
  completed(infoHash: string, name: string): void {
    if (!this.preferences()?.notifications) return;
    void chrome.notifications
      .create(`${DONE_PREFIX}${infoHash}`, {
        type: 'basic',
        iconUrl: chrome.runtime.getURL('icons/icon-128.png'),
        title: chrome.i18n.getMessage('intercept_doneTitle') || 'Download finished',
        // Plain text: notifications render no markup.
        message: name,
        contextMessage: chrome.i18n.getMessage('intercept_doneContext') || 'Click to open it in TorrentEdge',
      })
      .catch((error) => console.warn(`TorrentEdge: notification failed: ${(error as Error).message}`));
  }

  /** Outcome of an add made outside our pages; refusals are shown even with notifications off. */
  notify(kind: 'added' | 'failed', title: string, message: string): void {
    if (kind === 'added' && !this.preferences()?.notifications) return;
    void chrome.notifications
      .create(`${NOTICE_PREFIX}${this.nextNotice++}`, { type: 'basic', iconUrl: chrome.runtime.getURL('icons/icon-128.png'), title, message })
      .catch(() => undefined);
  }

  /** Opens the dashboard at a torrent: side panel if allowed here, else a tab. */
  async onClicked(id: string): Promise<'side-panel' | 'tab' | 'none'> {
    if (!id.startsWith(DONE_PREFIX) && !id.startsWith(NOTICE_PREFIX)) return 'none';
    const infoHash = id.startsWith(DONE_PREFIX) ? id.slice(DONE_PREFIX.length) : undefined;
    void chrome.notifications.clear(id).catch(() => undefined);
    try {
      const win = await chrome.windows.getLastFocused();
      if (win.id === undefined) throw new Error('no window');
      // Not awaited: sidePanel.open must stay in the click's user-gesture window; calls are ordered.
      void chrome.sidePanel.setOptions({ path: infoHash ? `${DASHBOARD_PATH}?torrent=${infoHash}` : DASHBOARD_PATH, enabled: true });
      await chrome.sidePanel.open({ windowId: win.id });
      return 'side-panel';
    } catch {
      await chrome.tabs.create({ url: dashboardUrl(infoHash) });
      return 'tab';
    }
  }
}
