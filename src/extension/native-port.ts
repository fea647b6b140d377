/// <reference types="chrome" />
/**
 * The service worker's native port to the relay host (native-host/). The host answers the
 * connection with one message `{type:'ready', port, secret, version}`: where its WebSocket relay
 * listens and the secret it demands. Both live only in this object's memory; they are handed to
 * the offscreen document over runtime messaging and never stored or logged.
 *
 * An open native port also keeps the service worker alive (Chrome 105+).
 */
import { INSTALL_COMMAND, NATIVE_HOST_NAME, type HostStatus, type RelayInfo } from './messages.js';

/** Retry delays: a host that exits is restarted quickly, then less often. */
export const RECONNECT_LIMITS = {
  firstDelayMs: 500,
  maxDelayMs: 30_000,
  /** While the host is not installed: check often enough that torrents start soon after. */
  missingDelayMs: 3_000,
  /** The host must say `ready` within this time after connectNative. */
  readyTimeoutMs: 10_000,
} as const;

export type NativeListener = (relay: RelayInfo | null, host: HostStatus) => void;

interface ReadyMessage {
  type: 'ready';
  port: number;
  secret: string;
  version?: unknown;
}

function isReady(message: unknown): message is ReadyMessage {
  if (!message || typeof message !== 'object') return false;
  const m = message as Record<string, unknown>;
  return m.type === 'ready' && typeof m.port === 'number' && Number.isInteger(m.port) && m.port > 0 && m.port < 65536 && typeof m.secret === 'string' && m.secret.length > 0;
}

/** Chrome's words when the host manifest is absent (see native_message_process_host.cc). */
function isNotInstalled(text: string): boolean {
  return /not found/i.test(text);
}

export class NativeHost {
  private port: chrome.runtime.Port | null = null;
  private relay: RelayInfo | null = null;
  private status: HostStatus = { state: 'connecting', installCommand: INSTALL_COMMAND };
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private readyTimer: ReturnType<typeof setTimeout> | null = null;
  private failures = 0;
  private readonly listeners = new Set<NativeListener>();

  get current(): { relay: RelayInfo | null; host: HostStatus } {
    return { relay: this.relay, host: this.status };
  }

  onChange(listener: NativeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Connect unless connected or a retry is already scheduled sooner. Safe to call often. */
  start(): void {
    if (this.port) return;
    if (this.retryTimer !== null) {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
    }
    this.connect();
  }

  private connect(): void {
    let port: chrome.runtime.Port;
    try {
      port = chrome.runtime.connectNative(NATIVE_HOST_NAME);
    } catch (error) {
      this.onFailure((error as Error).message ?? String(error));
      return;
    }
    this.port = port;
    if (this.status.state !== 'missing') this.publish(null, { state: 'connecting', installCommand: INSTALL_COMMAND });
    this.readyTimer = setTimeout(() => {
      this.readyTimer = null;
      if (this.port !== port || this.relay) return;
      port.disconnect();
      this.port = null;
      this.onFailure('the native host did not answer within 10 seconds');
    }, RECONNECT_LIMITS.readyTimeoutMs);
    port.onMessage.addListener((message: unknown) => {
      if (this.port !== port) return;
      if (isReady(message)) {
        this.clearReadyTimer();
        this.failures = 0;
        this.publish({ port: message.port, secret: message.secret }, { state: 'ready', installCommand: INSTALL_COMMAND });
      }
      // Other messages (pong, logs) need no action here.
    });
    port.onDisconnect.addListener(() => {
      const text = chrome.runtime.lastError?.message ?? 'the native host exited';
      if (this.port !== port) return;
      this.port = null;
      this.clearReadyTimer();
      this.onFailure(text);
    });
  }

  private onFailure(text: string): void {
    if (isNotInstalled(text)) {
      this.publish(null, {
        state: 'missing',
        message: `The TorrentEdge native host is not installed. Run \`${INSTALL_COMMAND}\` in the TorrentEdge folder; torrents start as soon as it is there.`,
        installCommand: INSTALL_COMMAND,
      });
      this.schedule(RECONNECT_LIMITS.missingDelayMs);
      return;
    }
    this.failures++;
    this.publish(null, { state: 'error', message: `Native host: ${text.replace(/\.$/, '')}. Retrying.`, installCommand: INSTALL_COMMAND });
    const delay = Math.min(RECONNECT_LIMITS.maxDelayMs, RECONNECT_LIMITS.firstDelayMs * 2 ** Math.min(this.failures - 1, 16));
    this.schedule(delay);
  }

  private schedule(delayMs: number): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.start();
    }, delayMs);
  }

  private clearReadyTimer(): void {
    if (this.readyTimer !== null) clearTimeout(this.readyTimer);
    this.readyTimer = null;
  }

  private publish(relay: RelayInfo | null, host: HostStatus): void {
    this.relay = relay;
    this.status = host;
    for (const listener of [...this.listeners]) listener(relay, host);
  }
}
