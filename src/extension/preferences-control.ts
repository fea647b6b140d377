/// <reference types="chrome" />
/**
 * The service worker's side of the preferences (preferences.ts): reads and writes them in
 * chrome.storage.local, refuses bad values with a message per field, forwards the transfer
 * limits to the offscreen document (which has no chrome.storage) and tells the rest of the
 * worker (badge, interception) when they change.
 */
import type { Command, CommandResult, WorkerToOffscreen } from './messages.js';
import { readStoredPreferences, transferOf, validatePreferences, type Preferences } from './preferences.js';

export const PREFERENCES_STORAGE_KEY = 'preferences';

export interface PreferencesControlDeps {
  sendOffscreen(message: WorkerToOffscreen): boolean;
  /** Preferences changed (or were read): badge, interception and pages follow. */
  changed(preferences: Preferences): void;
}

export class PreferencesControl {
  private prefs: Preferences | undefined;
  readonly loaded: Promise<Preferences>;

  constructor(private readonly deps: PreferencesControlDeps) {
    this.loaded = chrome.storage.local
      .get(PREFERENCES_STORAGE_KEY)
      .then((items) => readStoredPreferences(items[PREFERENCES_STORAGE_KEY]))
      .catch(() => readStoredPreferences(undefined))
      .then((prefs) => {
        this.prefs ??= prefs;
        deps.changed(this.prefs);
        return this.prefs;
      });
  }

  get current(): Preferences | undefined {
    return this.prefs;
  }

  /** A (new) offscreen document connected: its Client starts with these limits. */
  async offscreenConnected(): Promise<void> {
    await this.loaded;
    this.deps.sendOffscreen({ type: 'transferSettings', settings: transferOf(this.prefs!) });
  }

  handle(command: Command): Promise<CommandResult> | undefined {
    return command.type === 'setPreferences' ? this.set(command.input) : undefined;
  }

  private async set(input: unknown): Promise<CommandResult> {
    await this.loaded;
    const base = this.prefs!;
    const checked = validatePreferences(input, base);
    if (!checked.ok) return { ok: false, error: Object.values(checked.errors)[0] ?? 'Invalid preferences.', fieldErrors: checked.errors };
    if (JSON.stringify(checked.preferences) === JSON.stringify(base)) return { ok: true };
    try {
      await chrome.storage.local.set({ [PREFERENCES_STORAGE_KEY]: checked.preferences });
    } catch (error) {
      return { ok: false, error: `The preferences could not be saved: ${(error as Error).message}` };
    }
    this.prefs = checked.preferences;
    if (JSON.stringify(transferOf(base)) !== JSON.stringify(transferOf(checked.preferences))) {
      this.deps.sendOffscreen({ type: 'transferSettings', settings: transferOf(checked.preferences) });
    }
    this.deps.changed(checked.preferences);
    return { ok: true };
  }
}
