/// <reference types="chrome" />
/**
 * The offscreen document's port to the service worker. Reconnecting wakes a worker the browser
 * stopped; the periodic keepalive keeps it awake (Chrome 110+ resets its idle timer on each
 * message) so it can retry the native host and deliver files while no page is open.
 */
import { OFFSCREEN_PORT, hasType, type OffscreenToWorker, type WorkerToOffscreen } from '../messages.js';

const RECONNECT_DELAY_MS = 500;
const KEEPALIVE_MS = 20_000;

export class WorkerLink {
  private port: chrome.runtime.Port | null = null;
  private readonly keepalive: ReturnType<typeof setInterval>;

  constructor(
    private readonly onMessage: (message: WorkerToOffscreen) => void,
    private readonly onConnect: () => void,
  ) {
    this.connect();
    this.keepalive = setInterval(() => {
      if (!this.port) this.connect();
      else this.send({ type: 'keepalive' });
    }, KEEPALIVE_MS);
  }

  get connected(): boolean {
    return this.port !== null;
  }

  send(message: OffscreenToWorker): boolean {
    if (!this.port) return false;
    try {
      this.port.postMessage(message);
      return true;
    } catch {
      return false;
    }
  }

  close(): void {
    clearInterval(this.keepalive);
    this.port?.disconnect();
    this.port = null;
  }

  private connect(): void {
    const port = chrome.runtime.connect({ name: OFFSCREEN_PORT });
    this.port = port;
    port.onMessage.addListener((message: unknown) => {
      if (hasType<WorkerToOffscreen>(message)) this.onMessage(message);
    });
    port.onDisconnect.addListener(() => {
      if (this.port !== port) return;
      this.port = null;
      setTimeout(() => {
        if (!this.port) this.connect();
      }, RECONNECT_DELAY_MS);
    });
    this.send({ type: 'hello' });
    this.onConnect();
  }
}
