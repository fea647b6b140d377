/// <reference types="chrome" />
/**
 * The service worker: owns the native port (relay host), keeps one offscreen document (the
 * engine) alive, relays UI commands down and torrent lists up, and downloads finished files.
 * It holds no torrent state: the offscreen document is the only source of truth, so a worker
 * restarted by the browser at any moment loses nothing.
 */
import { deliverFiles } from './download-delivery.js';
import {
  OFFSCREEN_PORT,
  UI_PORT,
  hasType,
  isCommand,
  type Command,
  type CommandResult,
  type OffscreenToWorker,
  type Snapshot,
  type UiEvent,
  type UiRequest,
  type WorkerToOffscreen,
} from './messages.js';
import { NativeHost } from './native-port.js';
import { NetworkControl } from './network-control.js';
import { ensureOffscreen } from './offscreen-lifecycle.js';
import { Interception } from './interception.js';
import { Notices } from './notices.js';
import { PreferencesControl } from './preferences-control.js';
import { StreamServer } from './stream/stream-server.js';

/** A command not answered in this time (engine not up) is reported to the page as failed. */
const COMMAND_TIMEOUT_MS = 60_000;
/** After the offscreen document vanished, wait this long before creating it again. */
const RECREATE_DELAY_MS = 1_000;
const WATCHDOG_ALARM = 'torrentedge-watchdog';

const native = new NativeHost();
// Settings changes reach pages in the next snapshot, which the offscreen document sends on request.
const network = new NetworkControl({ sendOffscreen, changed: () => relayCommand(null, 0, { type: 'getSnapshot' }) });
// --- popup + options + interception: preferences, badge, notifications, context menu, downloads ---
const notices = new Notices(() => preferences.current);
const preferences = new PreferencesControl({
  sendOffscreen,
  changed: () => {
    notices.updateBadge();
    relayCommand(null, 0, { type: 'getSnapshot' });
  },
});
const interception = new Interception({
  run: runCommand,
  preferences: () => preferences.loaded.then(() => preferences.current!),
  notify: (kind, title, message) => notices.notify(kind, title, message),
});
interception.listen();
notices.listen();
// For tests and debugging from the service worker's console: the real handlers, as the events call them.
(globalThis as unknown as { torrentEdge: unknown }).torrentEdge = { interception, notices };
const uiPorts = new Set<chrome.runtime.Port>();
let offscreen: chrome.runtime.Port | null = null;

interface Pending {
  /** The page that sent it; null for commands the worker itself sends (context menu, downloads). */
  ui: chrome.runtime.Port | null;
  uiId: number;
  resolve?: (result: CommandResult) => void;
  command: Command;
  timer: ReturnType<typeof setTimeout>;
}
const pending = new Map<number, Pending>();
let nextId = 1;

function start(): void {
  native.start();
  void ensureOffscreen().catch((error) => console.error('TorrentEdge: cannot create the offscreen document:', (error as Error).message));
}

// --- native host ------------------------------------------------------------------------------

native.onChange((relay, host) => {
  sendOffscreen({ type: 'relay', relay, host });
  // Pages learn the new host state at once; the torrent list follows from the offscreen document.
  if (!offscreen) broadcast({ type: 'snapshot', snapshot: { torrents: [], host, starting: true, ...networkFields() } });
});

// --- offscreen document -----------------------------------------------------------------------

function sendOffscreen(message: WorkerToOffscreen): boolean {
  if (!offscreen) return false;
  try {
    offscreen.postMessage(message);
    return true;
  } catch {
    return false;
  }
}

function onOffscreenConnect(port: chrome.runtime.Port): void {
  offscreen?.disconnect();
  offscreen = port;
  void network.offscreenConnected();
  void preferences.offscreenConnected();
  for (const [id, p] of pending) port.postMessage({ type: 'command', id, command: p.command } satisfies WorkerToOffscreen);
  port.onMessage.addListener((message: unknown) => {
    if (hasType<OffscreenToWorker>(message)) onOffscreenMessage(port, message);
  });
  port.onDisconnect.addListener(() => {
    if (offscreen !== port) return;
    offscreen = null;
    // The document died (crash, closed) or is reconnecting; make sure one exists.
    setTimeout(() => void ensureOffscreen().catch(() => undefined), RECREATE_DELAY_MS);
  });
}

function onOffscreenMessage(port: chrome.runtime.Port, message: OffscreenToWorker): void {
  switch (message.type) {
    case 'torrents':
      notices.setTorrents(message.torrents);
      broadcast({
        type: 'snapshot',
        snapshot: { torrents: message.torrents, host: native.current.host, starting: false, ...networkFields(message.peers), ...(message.dashboard ? { dashboard: message.dashboard } : {}) },
      });
      return;
    case 'result': {
      const p = pending.get(message.id);
      if (!p) return;
      pending.delete(message.id);
      clearTimeout(p.timer);
      if (p.ui) sendUi(p.ui, { type: 'result', id: p.uiId, result: message.result });
      p.resolve?.(message.result);
      return;
    }
    case 'deliver':
      void deliverFiles(message.files).then((outcome) => {
        if (offscreen === port) sendOffscreen({ type: 'delivered', deliveryId: message.deliveryId, ...outcome });
      });
      return;
    case 'hello': {
      // The offscreen document lost its relay (or just started): tell it what we know now.
      native.start();
      const { relay, host } = native.current;
      sendOffscreen({ type: 'relay', relay, host });
      return;
    }
    case 'keepalive':
      native.start();
      return;
    case 'completed':
      notices.completed(message.infoHash, message.name);
      return;
  }
}

// --- UI pages -------------------------------------------------------------------------------

function sendUi(port: chrome.runtime.Port, event: UiEvent): void {
  try {
    port.postMessage(event);
  } catch {
    uiPorts.delete(port);
  }
}

/** The parts of a snapshot the network settings and the peers view add. */
function networkFields(peers?: Snapshot['peers']): Pick<Snapshot, 'networkSettings' | 'peers' | 'preferences'> {
  const settings = network.current;
  const prefs = preferences.current;
  return { ...(settings ? { networkSettings: settings } : {}), ...(peers ? { peers } : {}), ...(prefs ? { preferences: prefs } : {}) };
}

function broadcast(event: UiEvent): void {
  for (const port of [...uiPorts]) sendUi(port, event);
}

function onUiConnect(port: chrome.runtime.Port): void {
  uiPorts.add(port);
  sendUi(port, { type: 'snapshot', snapshot: { torrents: [], host: native.current.host, starting: true, ...networkFields() } });
  relayCommand(null, 0, { type: 'getSnapshot' });
  port.onMessage.addListener((message: unknown) => {
    if (!hasType<UiRequest>(message) || message.type !== 'command' || typeof message.id !== 'number') return;
    if (!isCommand(message.command)) {
      sendUi(port, { type: 'result', id: message.id, result: { ok: false, error: 'unknown command' } });
      return;
    }
    const own = network.handle(port, message.command) ?? preferences.handle(message.command);
    if (own) void own.then((result) => sendUi(port, { type: 'result', id: message.id, result }));
    else relayCommand(port, message.id, message.command);
  });
  port.onDisconnect.addListener(() => {
    uiPorts.delete(port);
    network.forget(port);
    for (const [id, p] of pending) {
      if (p.ui !== port) continue;
      clearTimeout(p.timer);
      pending.delete(id);
    }
  });
  start();
}

function relayCommand(ui: chrome.runtime.Port | null, uiId: number, command: Command): void {
  const id = nextId++;
  if (ui) {
    const timer = setTimeout(() => {
      pending.delete(id);
      const result: CommandResult = { ok: false, error: 'The TorrentEdge engine did not answer. Try again in a moment.' };
      sendUi(ui, { type: 'result', id: uiId, result });
    }, COMMAND_TIMEOUT_MS);
    pending.set(id, { ui, uiId, command, timer });
  }
  // Without a live offscreen document the command waits in `pending` and is sent on connect.
  sendOffscreen({ type: 'command', id, command });
}

/** A command the worker sends itself (context menu, taken-over download), answered like a page's. */
function runCommand(command: Command): Promise<CommandResult> {
  start();
  return new Promise((resolve) => {
    const id = nextId++;
    const timer = setTimeout(() => {
      pending.delete(id);
      resolve({ ok: false, error: 'The TorrentEdge engine did not answer. Try again in a moment.' });
    }, COMMAND_TIMEOUT_MS);
    pending.set(id, { ui: null, uiId: 0, command, timer, resolve });
    sendOffscreen({ type: 'command', id, command });
  });
}

// --- wiring ---------------------------------------------------------------------------------

chrome.runtime.onConnect.addListener((port) => {
  if (port.sender?.id !== chrome.runtime.id) return port.disconnect();
  if (port.name === OFFSCREEN_PORT) onOffscreenConnect(port);
  else if (port.name === UI_PORT) onUiConnect(port);
});

// Torrents come back after a browser restart with no page open.
chrome.runtime.onStartup.addListener(start);
chrome.runtime.onInstalled.addListener(start);
// Context menu items persist with the extension; created again on install/update and startup.
const createMenu = (): void => void interception.createContextMenu().catch((error) => console.error('TorrentEdge: context menu:', (error as Error).message));
chrome.runtime.onInstalled.addListener(createMenu);
chrome.runtime.onStartup.addListener(createMenu);
chrome.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === WATCHDOG_ALARM) start();
});
void chrome.alarms.create(WATCHDOG_ALARM, { periodInMinutes: 1 });
// Players' <video src>: /stream/<infohash>/<file> with HTTP Range, fed by the engine (src/extension/stream/).
const streams = new StreamServer(start);
interface StreamFetchEvent {
  readonly request: Request;
  respondWith(response: Promise<Response>): void;
}
(self as unknown as { addEventListener(type: 'fetch', listener: (event: StreamFetchEvent) => void): void }).addEventListener('fetch', (event) => {
  const response = streams.route(event.request);
  if (response) event.respondWith(response);
});
start();
