/**
 * The dashboard's queue, per-torrent settings and turtle commands (messages.ts,
 * TorrentControlCommand), run against the engine's Client; and what the dashboard shows of
 * the alternative speeds and the session statistics. Refusals come back as messages the page
 * shows as they are.
 */
import type { Client } from '../../engine/session/client.js';
import type { KeyValueStore } from '../../platform/interfaces/index.js';
import { fromUtf8, utf8 } from '../../engine/util/bytes.js';
import { TorrentError } from '../../engine/util/errors.js';
import type { AltSpeedView, CommandResult, DashboardData, QueueMove, TorrentControlCommand } from '../messages.js';
import { parseTorrentSettingsInput } from '../torrent-settings-input.js';

export const CONTROL_LIMITS = {
  /** Torrents in one queue or force-start command at most. */
  maxTorrentsPerCommand: 10_000,
} as const;

const MOVES: readonly QueueMove[] = ['up', 'down', 'top', 'bottom'];

export interface TorrentControlDeps {
  /** The running Client, or a usage error saying why there is none. */
  client(): Client;
  changed(): void;
  /** The turtle was switched by hand (undefined: back to the schedule). */
  altSwitched?(on: boolean | undefined): void;
}

/** Key in the platform's key-value store (IndexedDB) of the turtle's hand switch. */
export const ALT_SWITCH_KEY = 'alt-speed-switch';

/**
 * The turtle as the user last switched it, kept in IndexedDB so a new Client (settings change,
 * browser restart) starts with it, as Transmission keeps its turtle mode. Undefined: the
 * schedule decides (also once the schedule itself changed, which ends a hand switch).
 */
export class AltSwitchMemory {
  private value: boolean | undefined;
  private loaded = false;

  constructor(private readonly kv: KeyValueStore) {}

  async current(): Promise<boolean | undefined> {
    if (!this.loaded) {
      this.loaded = true;
      const bytes = await this.kv.get(ALT_SWITCH_KEY).catch(() => undefined);
      const text = bytes ? fromUtf8(bytes) : '';
      this.value = text === 'on' ? true : text === 'off' ? false : undefined;
    }
    return this.value;
  }

  remember(on: boolean | undefined): void {
    this.loaded = true;
    if (on === this.value) return;
    this.value = on;
    void this.kv.set(ALT_SWITCH_KEY, utf8(on === undefined ? '' : on ? 'on' : 'off')).catch(() => undefined);
  }

  /** What a closing Client says of it: a hand switch still in force, or none. */
  rememberFrom(client: Client): void {
    const status = client.altSpeedStatus();
    if (status) this.remember(status.by === 'user' ? status.active : undefined);
  }
}

export function runTorrentControlCommand(command: TorrentControlCommand, deps: TorrentControlDeps): CommandResult {
  const client = deps.client();
  switch (command.type) {
    case 'queueMove': {
      if (!MOVES.includes(command.where)) throw new TorrentError('usage', `a queue move is one of ${MOVES.join(', ')}`);
      client.moveInQueue(known(client, command.infoHashes), command.where);
      break;
    }
    case 'forceStart': {
      if (typeof command.forced !== 'boolean') throw new TorrentError('usage', 'forced must be true or false');
      for (const hex of known(client, command.infoHashes)) client.forceStart(hex, command.forced);
      break;
    }
    case 'setTorrentSettings': {
      const checked = parseTorrentSettingsInput(command.input);
      if (!checked.ok) return { ok: false, error: Object.values(checked.errors)[0] ?? 'Invalid settings.', fieldErrors: checked.errors };
      client.setTorrentSettings(known(client, [command.infoHash])[0]!, checked.change);
      break;
    }
    case 'setAltSpeed': {
      if (command.on !== null && typeof command.on !== 'boolean') throw new TorrentError('usage', 'the alternative speeds are switched on, off or back to the schedule (null)');
      client.setAltSpeedManual(command.on ?? undefined);
      deps.altSwitched?.(command.on ?? undefined);
      break;
    }
  }
  deps.changed();
  return { ok: true };
}

/** What the dashboard shows beside the list: the turtle's state and the session statistics. */
export function controlData(client: Client | null): Pick<DashboardData, 'altSpeed' | 'statistics'> {
  if (!client) return {};
  const altSpeed: AltSpeedView | undefined = client.altSpeedStatus();
  const stats = client.sessionStats();
  // Time active in whole minutes: an idle engine then publishes nothing new for a minute.
  const minutes = (ms: number): number => Math.floor(ms / 60_000) * 60_000;
  const statistics = { ...stats, session: { ...stats.session, activeMs: minutes(stats.session.activeMs) }, allTime: { ...stats.allTime, activeMs: minutes(stats.allTime.activeMs) } };
  return { ...(altSpeed ? { altSpeed } : {}), statistics };
}

function known(client: Client, infoHashes: unknown): string[] {
  if (!Array.isArray(infoHashes) || infoHashes.length === 0 || infoHashes.length > CONTROL_LIMITS.maxTorrentsPerCommand) {
    throw new TorrentError('usage', 'choose one or more torrents');
  }
  return infoHashes.map((hex) => {
    if (typeof hex !== 'string' || !client.get(hex)) throw new TorrentError('usage', 'That torrent is not running.');
    return hex.toLowerCase();
  });
}
