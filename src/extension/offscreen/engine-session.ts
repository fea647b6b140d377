/**
 * The engine's life in the offscreen document. The platform (OPFS worker, IndexedDB) lives as
 * long as the document; a `Client` lives as long as one relay connection to the native host.
 * Without a host the torrents are still listed (from saved data) with the reason they wait, and
 * new ones are kept; all of them start when the host appears.
 */
import type { Client } from '../../engine/session/client.js';
import type { Torrent } from '../../engine/session/torrent.js';
import type { AddTorrentOptions, TorrentStats } from '../../engine/session/types.js';
import { ResumeStore } from '../../engine/storage/resume-store.js';
import { errorMessage, TorrentError } from '../../engine/util/errors.js';
import type { BrowserPlatform } from '../../platform/browser/index.js';
import { RelayNetwork } from '../../platform/browser/relay-network.js';
import { isDashboardCommandType, isTorrentControlCommandType, type Command, type CommandResult, type DashboardCommand, type DashboardData, type HostStatus, type PeerView, type RelayInfo, type TorrentControlCommand } from '../messages.js';
import { AltSwitchMemory, controlData, runTorrentControlCommand } from './torrent-control.js';
import { sameSettings, type NetworkSettings } from '../settings.js';
import { createClient } from './create-client.js';
import { FileChoices } from './file-choices.js';
import { altSpeedChanged, clientTransferOptions, transferNeedsRestart, type TransferSettings } from '../preferences.js';
import { parseAddSource } from './add-source.js';
import { runDashboardCommand } from './dashboard-commands.js';
import { seedCreated } from './created-torrent.js';
import type { DetailSource } from './dashboard-data.js';
import type { Deliveries } from './deliveries.js';
import { offlineReason, WaitingTorrents } from './waiting-torrents.js';
import { TorrentWatch } from './torrent-watch.js';
import type { SavedTorrents } from './saved-torrents.js';
import { peerViews } from './peer-view.js';
import type { SwitchableNetwork } from './switchable-network.js';

export const ENGINE_LIMITS = {
  /** Client.close announces `stopped`; do not wait longer than this for a dead relay. */
  closeTimeoutMs: 6_000,
  /** After losing the relay, ask for it again after this long (doubling, up to the max). */
  relayRetryMs: 1_000,
  relayRetryMaxMs: 15_000,
} as const;

/** The dashboard's add dialog: which files, and whether to start paused. */
type AddOptions = Pick<AddTorrentOptions, 'selectedFiles' | 'paused'>;

export interface EngineDeps {
  platform: BrowserPlatform;
  network: SwitchableNetwork;
  saved: SavedTorrents;
  deliveries: Deliveries;
  choices: FileChoices;
  /** Something changed: publish the list soon. */
  changed(): void;
  /** Ask the service worker for the relay again (after losing it). */
  requestRelay(): void;
  /** A torrent finished downloading just now (for the completion notification). */
  completed?(infoHash: string, name: string): void;
}

/** Each torrent's files live under their own storage root: no clash between equal names. */
export function destinationOf(infoHash: string): string {
  return infoHash;
}

export class EngineSession {
  private client: Client | null = null;
  private relay: RelayNetwork | null = null;
  private relayKey = '';
  private host: HostStatus | null = null;
  private starting: Promise<void> = Promise.resolve();
  private readonly resume: ResumeStore;
  private readonly adding = new Map<string, Promise<Torrent>>();
  /** Saved torrents the running client does not have (failed, or not started yet), or all of them offline. */
  private readonly waiting: WaitingTorrents;
  private relayRetryMs: number = ENGINE_LIMITS.relayRetryMs;
  private relayInfo: RelayInfo | null = null;
  /** The service worker's network settings; no Client starts before they are known. */
  private settings: NetworkSettings | undefined;
  private settingsKnown!: () => void;
  private readonly settingsReady = new Promise<void>((resolve) => (this.settingsKnown = resolve));
  /** Transfer limits (preferences.ts); like the network settings, known before a Client starts. */
  private transfer: TransferSettings | undefined;
  private transferKnown!: () => void;
  private readonly transferReady = new Promise<void>((resolve) => (this.transferKnown = resolve));
  /** The turtle as the user last switched it, carried over Client and browser restarts. */
  private readonly altSwitch: AltSwitchMemory;
  private readonly watcher: TorrentWatch;

  constructor(private readonly deps: EngineDeps) {
    this.resume = new ResumeStore(deps.platform.kv);
    this.waiting = new WaitingTorrents(this.resume, deps.saved, destinationOf);
    this.altSwitch = new AltSwitchMemory(deps.platform.kv);
    this.watcher = new TorrentWatch(deps);
  }

  /** The service worker's word on the native host; (re)connects when the relay changed. */
  setRelay(relay: RelayInfo | null, host: HostStatus): Promise<void> {
    this.host = host;
    const key = relay ? `${relay.port}:${relay.secret}` : '';
    if (key === this.relayKey) {
      void this.refreshWaiting();
      return this.starting;
    }
    this.relayKey = key;
    this.relayInfo = relay;
    this.starting = this.starting.then(async () => {
      await this.stopClient();
      if (relay && this.relayKey === key) await this.startClient(relay, key);
      await this.refreshWaiting();
    });
    return this.starting;
  }

  /**
   * The Client takes these only at creation (the engine has no live switch for DHT, uTP, PEX,
   * encryption or the port), so a change restarts it over the same relay connection: torrents
   * stop (resume data saved, `stopped` announced) and come back from their resume records.
   */
  setNetworkSettings(settings: NetworkSettings): Promise<void> {
    const before = this.settings;
    this.settings = settings;
    this.settingsKnown();
    if (!before || sameSettings(before, settings)) return this.starting;
    return this.restartClient();
  }

  /**
   * Rate limits, seeding goals, queue limits and the global connection cap apply to the running
   * Client at once (its setters); the per-torrent peer cap is taken only at creation, so
   * changing it restarts the Client as network settings do.
   */
  setTransferSettings(transfer: TransferSettings): Promise<void> {
    const before = this.transfer;
    this.transfer = transfer;
    this.transferKnown();
    if (!before) return this.starting;
    const client = this.client;
    if (client) {
      const o = clientTransferOptions(transfer);
      client.setLimits({ download: o.downloadLimit, upload: o.uploadLimit });
      client.setSeedGoals(o.seedGoals, o.seedGoalAction);
      client.setQueueLimits(o.queue);
      client.setMaxConnections(o.maxConnections);
      if (altSpeedChanged(before, transfer)) {
        const status = client.altSpeedStatus();
        client.setAltSpeed(o.altSpeed);
        if (status?.by === 'user') client.setAltSpeedManual(status.active);
      }
    }
    if (!transferNeedsRestart(before, transfer)) return this.starting;
    return this.restartClient();
  }

  private restartClient(): Promise<void> {
    const key = this.relayKey;
    const relay = this.relayInfo;
    this.starting = this.starting.then(async () => {
      if (!this.client || !relay || this.relayKey !== key) return;
      await this.stopClient({ keepRelay: true });
      if (this.relayKey === key) await this.startClient(relay, key);
      await this.refreshWaiting();
    });
    return this.starting;
  }

  /** The connected peers of these torrents (the ones some page shows). */
  peers(infoHashes: readonly string[]): Record<string, PeerView[]> | undefined {
    if (infoHashes.length === 0) return undefined;
    const out: Record<string, PeerView[]> = {};
    for (const hex of infoHashes) out[hex] = peerViews(this.client?.get(hex)?.peerStats() ?? []);
    return out;
  }

  /** What the dashboard's detail tabs need of one torrent (undefined: not listed). */
  detail(hex: string, listed: readonly TorrentStats[]): DetailSource | undefined {
    const torrent = this.client?.get(hex);
    if (torrent) return { stats: torrent.stats(), bitfield: torrent.pieceBitfield() };
    const stats = listed.find((t) => t.infoHash === hex);
    return stats ? { stats, bitfield: undefined } : undefined;
  }

  /** The turtle's state and the session statistics (nothing while the engine is not running). */
  controlData(): Pick<DashboardData, 'altSpeed' | 'statistics'> {
    // A hand switch ends when the schedule changes: what is remembered follows.
    if (this.client) this.altSwitch.rememberFrom(this.client);
    return controlData(this.client);
  }

  stats(): TorrentStats[] {
    return this.waiting.withLive(this.client ? this.client.list().map((t) => t.stats()) : []);
  }

  async run(command: Command): Promise<CommandResult> {
    try {
      if (isTorrentControlCommandType(command.type)) {
        return runTorrentControlCommand(command as TorrentControlCommand, {
          client: () => {
            if (this.client) return this.client;
            throw new TorrentError('usage', this.offlineReason());
          },
          changed: () => this.deps.changed(),
          altSwitched: (on) => this.altSwitch.remember(on),
        });
      }
      if (isDashboardCommandType(command.type)) {
        const result = await runDashboardCommand(command as DashboardCommand, {
          http: this.deps.platform.http,
          need: (hex) => this.need(hex),
          add: (source, options) => this.add(source, options),
          changed: () => this.deps.changed(),
        });
        if (result.ok && command.type === 'setFilePriorities') await this.filesChosen(command.infoHash);
        return result;
      }
      switch (command.type) {
        case 'add':
          return await this.add(command.source);
        case 'pause':
          this.need(command.infoHash).pause();
          this.deps.changed();
          return { ok: true };
        case 'resume':
          this.need(command.infoHash).resume();
          this.deps.changed();
          return { ok: true };
        case 'remove':
          await this.remove(command.infoHash.toLowerCase(), command.deleteData);
          return { ok: true };
        case 'getSnapshot':
          this.deps.changed();
          return { ok: true };
        case 'seedCreated': {
          const known = async (hex: string): Promise<boolean> => !!this.client?.get(hex) || !!(await this.deps.saved.load(hex));
          return await seedCreated(command, { resume: this.resume, saved: this.deps.saved, known, destinationOf, add: () => this.add({ kind: 'torrent', base64: command.torrent }) });
        }
        case 'deliveryFolderChanged':
          this.deps.deliveries.retryAll();
          this.reconsiderDeliveries();
          return { ok: true };
        case 'setNetworkSettings':
        case 'watchPeers':
        case 'setPreferences':
          return { ok: false, error: `${command.type} is handled by the service worker` };
        default:
          return { ok: false, error: 'unknown command' };
      }
    } catch (error) {
      return { ok: false, error: errorMessage(error) };
    }
  }

  // --- commands -------------------------------------------------------------------------------

  private async add(input: Parameters<typeof parseAddSource>[0], options: AddOptions = {}): Promise<CommandResult> {
    const parsed = await parseAddSource(input, this.deps.platform.http);
    // Kept before starting: nothing the user added is lost, whatever happens next.
    if (!(await this.deps.saved.load(parsed.infoHash))) await this.deps.saved.save(parsed.infoHash, parsed.source);
    if (FileChoices.isChooseLater(parsed.source, options)) await this.deps.choices.added(parsed.infoHash);
    // A start or a settings restart under way finishes first: the torrent runs under the
    // settings just saved, never briefly under the old Client's (its first peers would be dialed
    // with the old encryption policy).
    await this.starting.catch(() => undefined);
    if (this.client) {
      try {
        await this.addOnce(this.client, parsed.infoHash, parsed.source, options);
      } catch (error) {
        this.waiting.failed(parsed.infoHash, errorMessage(error));
      }
    }
    await this.refreshWaiting();
    return { ok: true, infoHash: parsed.infoHash };
  }

  /** A running torrent (streaming opens its files); undefined while the engine is not up. */
  find(infoHash: string): Torrent | undefined {
    return this.client?.get(infoHash);
  }

  /** Files (re)chosen: the choice is made, and files enabled in a delivered torrent may be due. */
  private async filesChosen(infoHash: string): Promise<void> {
    await this.deps.choices.chosen(infoHash);
    const torrent = this.client?.get(infoHash);
    if (torrent) void this.deps.deliveries.consider(torrent);
  }

  private need(infoHash: string): Torrent {
    const torrent = this.client?.get(infoHash);
    if (torrent) return torrent;
    throw new TorrentError('usage', this.host?.state === 'ready' ? 'That torrent is not running.' : (this.offlineReason()));
  }

  private async remove(hex: string, deleteData: boolean): Promise<void> {
    if (this.client?.get(hex)) await this.client.remove(hex, { deleteData });
    else await this.resume.delete(hex);
    if (deleteData) await this.deps.platform.storage.removeRoot(destinationOf(hex));
    await this.deps.saved.forget(hex);
    this.deps.choices.forget(hex);
    this.waiting.clearError(hex);
    await this.refreshWaiting();
  }

  // --- client lifecycle -------------------------------------------------------------------------

  private async startClient(info: RelayInfo, key: string): Promise<void> {
    await Promise.all([this.settingsReady, this.transferReady]);
    let relay = this.relay;
    if (!relay) {
      try {
        relay = await RelayNetwork.connect({ url: `ws://127.0.0.1:${info.port}`, secret: info.secret });
      } catch (error) {
        console.warn(`TorrentEdge: cannot reach the relay: ${errorMessage(error)}`);
        this.onRelayLost(key);
        return;
      }
      if (this.relayKey !== key) return relay.close();
      this.relay = relay;
      relay.onDisconnect(() => this.onRelayLost(key));
      this.deps.network.use(relay);
    }
    let client: Client;
    try {
      client = await createClient(this.deps.platform, this.settings!, this.transfer!);
    } catch (error) {
      console.warn(`TorrentEdge: cannot start the engine: ${errorMessage(error)}`);
      this.deps.network.use(null);
      relay.close();
      this.relay = null;
      this.onRelayLost(key);
      return;
    }
    this.relayRetryMs = ENGINE_LIMITS.relayRetryMs;
    const altSwitch = await this.altSwitch.current();
    if (altSwitch !== undefined) client.setAltSpeedManual(altSwitch);
    this.client = client;
    client.on('added', (torrent) => this.watcher.watch(torrent));
    // Also removed by the engine itself (a seeding goal with the 'remove' action): then it is
    // forgotten here too, or it would come back from the saved list (its files stay).
    client.on('removed', (hex) => void this.deps.saved.forget(hex).then(() => this.refreshWaiting()));
    await this.deps.choices.load();
    await client.restore();
    // Torrents the engine has no record of yet: magnets still without metadata, adds made offline.
    for (const hex of await this.deps.saved.list()) {
      if (client.get(hex)) continue;
      const saved = await this.deps.saved.load(hex);
      if (!saved) continue;
      try {
        await this.addOnce(client, hex, saved.source, this.deps.choices.addOptions(hex));
        this.waiting.clearError(hex);
      } catch (error) {
        this.waiting.failed(hex, errorMessage(error));
      }
    }
    for (const torrent of client.list()) this.watcher.watch(torrent);
    this.deps.changed();
  }

  private addOnce(client: Client, hex: string, source: Parameters<Client['add']>[0], options: AddOptions = {}): Promise<Torrent> {
    const existing = client.get(hex);
    if (existing) return Promise.resolve(existing);
    let adding = this.adding.get(hex);
    if (!adding) {
      adding = client.add(source, { ...options, destination: destinationOf(hex) }).finally(() => this.adding.delete(hex));
      this.adding.set(hex, adding);
    }
    return adding;
  }

  /** Deliveries that were lost (service worker restarted) are tried again. */
  reconsiderDeliveries(): void {
    for (const torrent of this.client?.list() ?? []) void this.deps.deliveries.consider(torrent);
  }

  private onRelayLost(key: string): void {
    if (this.relayKey !== key) return;
    this.relayKey = '';
    this.starting = this.starting.then(() => this.stopClient()).then(() => this.refreshWaiting());
    const delay = this.relayRetryMs;
    this.relayRetryMs = Math.min(ENGINE_LIMITS.relayRetryMaxMs, this.relayRetryMs * 2);
    setTimeout(() => this.deps.requestRelay(), delay);
  }

  /**
   * `keepRelay`: a restart over a live relay waits for the whole close, so the old Client's
   * listening TCP and UDP sockets are closed (in order, on the same WebSocket) before the new
   * one binds the same port.
   */
  private async stopClient(options: { keepRelay?: boolean } = {}): Promise<void> {
    const client = this.client;
    this.client = null;
    if (client) this.altSwitch.rememberFrom(client);
    if (options.keepRelay && this.relay) {
      await client?.close();
      this.deps.changed();
      return;
    }
    const relay = this.relay;
    this.relay = null;
    if (client) await Promise.race([client.close(), new Promise((r) => setTimeout(r, ENGINE_LIMITS.closeTimeoutMs))]);
    this.deps.network.use(null);
    relay?.close();
    this.deps.changed();
  }

  private offlineReason(): string {
    return offlineReason(this.host);
  }

  /** Recompute the saved torrents the running client does not show. */
  private async refreshWaiting(): Promise<void> {
    await this.waiting.refresh(this.client, this.adding, this.offlineReason());
    this.deps.changed();
  }
}
