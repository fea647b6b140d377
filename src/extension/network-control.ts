/// <reference types="chrome" />
/**
 * The service worker's side of the network settings and the peers view: reads and writes the
 * settings in chrome.storage.local (the offscreen document has no chrome.storage), refuses bad
 * values with a message per field, forwards good ones to the offscreen document (which restarts
 * its Client with them), and tells it which torrents' peers the open pages show.
 */
import type { Command, CommandResult, WorkerToOffscreen } from './messages.js';
import { readStoredSettings, sameSettings, validateNetworkSettings, type NetworkSettings } from './settings.js';

export const SETTINGS_STORAGE_KEY = 'networkSettings';

export interface NetworkControlDeps {
  /** False when no offscreen document is connected (it gets everything again on connect). */
  sendOffscreen(message: WorkerToOffscreen): boolean;
  /** Settings changed: pages should get a fresh snapshot. */
  changed(): void;
}

export class NetworkControl {
  private settings: NetworkSettings | undefined;
  private readonly loading: Promise<NetworkSettings>;
  /** The torrent each open page shows peers for. */
  private readonly watching = new Map<chrome.runtime.Port, string>();

  constructor(private readonly deps: NetworkControlDeps) {
    this.loading = chrome.storage.local
      .get(SETTINGS_STORAGE_KEY)
      .then((items) => readStoredSettings(items[SETTINGS_STORAGE_KEY]))
      .catch(() => readStoredSettings(undefined))
      .then((settings) => (this.settings = settings));
  }

  /** The settings in force, once read from storage. */
  get current(): NetworkSettings | undefined {
    return this.settings;
  }

  /** A (new) offscreen document connected: it needs the settings before it starts its Client. */
  async offscreenConnected(): Promise<void> {
    const settings = await this.loading;
    this.deps.sendOffscreen({ type: 'networkSettings', settings: this.settings ?? settings });
    this.sendWatched();
  }

  /** Answers the commands this module owns; undefined for the others. */
  handle(port: chrome.runtime.Port, command: Command): Promise<CommandResult> | undefined {
    if (command.type === 'watchPeers') {
      const hex = typeof command.infoHash === 'string' && /^[0-9a-fA-F]{40}$/.test(command.infoHash) ? command.infoHash.toLowerCase() : null;
      if (hex) this.watching.set(port, hex);
      else this.watching.delete(port);
      this.sendWatched();
      return Promise.resolve({ ok: true });
    }
    if (command.type === 'setNetworkSettings') return this.set(command.input);
    return undefined;
  }

  /** A page closed: stop publishing the peers it showed. */
  forget(port: chrome.runtime.Port): void {
    if (this.watching.delete(port)) this.sendWatched();
  }

  private async set(input: unknown): Promise<CommandResult> {
    const base = await this.loading.then(() => this.settings!);
    const checked = validateNetworkSettings(input, base);
    if (!checked.ok) {
      const fieldErrors = checked.errors;
      return { ok: false, error: Object.values(fieldErrors)[0] ?? 'Invalid settings.', fieldErrors };
    }
    if (sameSettings(checked.settings, base)) return { ok: true };
    try {
      await chrome.storage.local.set({ [SETTINGS_STORAGE_KEY]: checked.settings });
    } catch (error) {
      return { ok: false, error: `The settings could not be saved: ${(error as Error).message}` };
    }
    this.settings = checked.settings;
    this.deps.sendOffscreen({ type: 'networkSettings', settings: checked.settings });
    this.deps.changed();
    return { ok: true };
  }

  private sendWatched(): void {
    this.deps.sendOffscreen({ type: 'watchPeers', infoHashes: [...new Set(this.watching.values())] });
  }
}
