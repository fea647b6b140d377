/// <reference types="chrome" />
/**
 * Torrents the browser meets outside our pages: the "Download with TorrentEdge" context menu
 * item on magnet and .torrent links, and .torrent downloads taken over when the preference is on
 * (cancelled and erased from the browser's list; the extension fetches the URL itself and adds
 * the bytes). `magnet:` links reach us through the protocol handler registered from the options
 * page, which opens extension-ui/add.html?uri=… (no service worker part).
 */
import type { AddSource, Command, CommandResult } from './messages.js';
import type { Preferences } from './preferences.js';
import { CONTEXT_MENU_PATTERNS, isTorrentDownload, linkSource, type DownloadFacts } from './torrent-links.js';

export const CONTEXT_MENU_ID = 'torrentedge-add-link';

export interface InterceptionDeps {
  run(command: Command): Promise<CommandResult>;
  preferences(): Promise<Preferences>;
  /** Tell the user what happened to a torrent they handed over outside our pages. */
  notify(kind: 'added' | 'failed', title: string, message: string): void;
}

export class Interception {
  /** Downloads already being taken over (onCreated and onChanged may both see one). */
  private readonly taken = new Set<number>();

  constructor(private readonly deps: InterceptionDeps) {}

  /** Registers the listeners (at the service worker's top level, so events wake it). */
  listen(): void {
    chrome.contextMenus.onClicked.addListener((info) => void this.onContextMenuClicked(info));
    chrome.downloads.onCreated.addListener((item) => void this.onDownload(item));
    chrome.downloads.onChanged.addListener((delta) => {
      if (!delta.filename?.current && !delta.mime?.current) return;
      void chrome.downloads.search({ id: delta.id }).then(([item]) => item && this.onDownload(item));
    });
  }

  /** (Re)creates the context menu item; menus persist, so this runs on install and startup. */
  async createContextMenu(): Promise<void> {
    const title = chrome.i18n.getMessage('intercept_contextMenu') || 'Download with TorrentEdge';
    await chrome.contextMenus.removeAll();
    try {
      await create({ id: CONTEXT_MENU_ID, title, contexts: ['link'], targetUrlPatterns: CONTEXT_MENU_PATTERNS });
    } catch (error) {
      // A browser that refuses the magnet: pattern gets the item on every link; the click checks.
      console.warn(`TorrentEdge: context menu patterns refused (${(error as Error).message}); showing it on all links`);
      await create({ id: CONTEXT_MENU_ID, title, contexts: ['link'] });
    }
  }

  /** The context menu's click: add the link (the real listener calls this). */
  async onContextMenuClicked(info: Pick<chrome.contextMenus.OnClickData, 'menuItemId' | 'linkUrl'>): Promise<CommandResult> {
    if (info.menuItemId !== CONTEXT_MENU_ID) return { ok: false, error: 'not our menu item' };
    const source = linkSource(info.linkUrl);
    if (!source) {
      const error = `${String(info.linkUrl ?? '').slice(0, 200)} is not a magnet link or a .torrent address.`;
      this.deps.notify('failed', msg('intercept_addFailedTitle', 'TorrentEdge could not add this link'), error);
      return { ok: false, error };
    }
    return this.add(source);
  }

  /** A download the browser started: taken over if it is a .torrent and the preference is on. */
  async onDownload(item: chrome.downloads.DownloadItem): Promise<CommandResult | undefined> {
    if (this.taken.has(item.id)) return undefined;
    if (!isTorrentDownload(downloadFacts(item), chrome.runtime.id)) return undefined;
    if (!(await this.deps.preferences()).interceptTorrentDownloads) return undefined;
    if (this.taken.has(item.id)) return undefined;
    this.taken.add(item.id);
    const url = item.finalUrl || item.url;
    await chrome.downloads.cancel(item.id).catch(() => undefined);
    // A small file may have finished before we saw its name: remove it from the disk too.
    const [now] = await chrome.downloads.search({ id: item.id }).catch(() => [] as chrome.downloads.DownloadItem[]);
    if (now?.state === 'complete' && now.exists) await chrome.downloads.removeFile(item.id).catch(() => undefined);
    await chrome.downloads.erase({ id: item.id }).catch(() => undefined);
    return this.add({ kind: 'url', url });
  }

  private async add(source: AddSource): Promise<CommandResult> {
    const result = await this.deps.run({ type: 'add', source });
    const what = source.kind === 'magnet' ? source.uri : source.kind === 'url' ? source.url : '.torrent file';
    if (result.ok) this.deps.notify('added', msg('intercept_addedTitle', 'Added to TorrentEdge'), what.slice(0, 200));
    else this.deps.notify('failed', msg('intercept_addFailedTitle', 'TorrentEdge could not add this link'), result.error);
    return result;
  }
}

function create(properties: chrome.contextMenus.CreateProperties): Promise<void> {
  return new Promise((resolve, reject) => {
    chrome.contextMenus.create(properties, () => {
      const error = chrome.runtime.lastError;
      if (error) reject(new Error(error.message));
      else resolve();
    });
  });
}

function downloadFacts(item: chrome.downloads.DownloadItem): DownloadFacts {
  return { url: item.url, finalUrl: item.finalUrl, mime: item.mime, filename: item.filename, byExtensionId: item.byExtensionId, state: item.state };
}

function msg(key: string, fallback: string): string {
  return chrome.i18n.getMessage(key) || fallback;
}
