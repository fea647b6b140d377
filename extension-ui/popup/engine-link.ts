/// <reference types="chrome" />
/**
 * The pages' one connection to the extension: a runtime port to the service worker that brings
 * snapshots (rendered as they are) and carries commands. Reconnects when the worker restarts.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import {
  INSTALL_COMMAND,
  UI_PORT,
  type Command,
  type CommandResult,
  type Snapshot,
  type UiEvent,
  type UiRequest,
} from '../../src/extension/messages.js';

const RECONNECT_DELAY_MS = 500;

export const INITIAL_SNAPSHOT: Snapshot = {
  torrents: [],
  host: { state: 'connecting', installCommand: INSTALL_COMMAND },
  starting: true,
};

export interface EngineLink {
  send(command: Command): Promise<CommandResult>;
  close(): void;
}

export function connectEngine(onSnapshot: (snapshot: Snapshot) => void): EngineLink {
  let port: chrome.runtime.Port | null = null;
  let closed = false;
  let nextId = 1;
  const waiting = new Map<number, (result: CommandResult) => void>();

  const open = (): void => {
    if (closed) return;
    const p = chrome.runtime.connect({ name: UI_PORT });
    port = p;
    p.onMessage.addListener((event: UiEvent) => {
      if (event.type === 'snapshot') onSnapshot(event.snapshot);
      else if (event.type === 'result') {
        waiting.get(event.id)?.(event.result);
        waiting.delete(event.id);
      }
    });
    p.onDisconnect.addListener(() => {
      port = null;
      for (const resolve of waiting.values()) resolve({ ok: false, error: 'Lost contact with TorrentEdge. Try again.' });
      waiting.clear();
      setTimeout(open, RECONNECT_DELAY_MS);
    });
  };
  open();

  return {
    send(command) {
      return new Promise((resolve) => {
        if (!port) return resolve({ ok: false, error: 'TorrentEdge is restarting. Try again in a moment.' });
        const id = nextId++;
        waiting.set(id, resolve);
        port.postMessage({ type: 'command', id, command } satisfies UiRequest);
      });
    },
    close() {
      closed = true;
      port?.disconnect();
    },
  };
}

/** The latest snapshot and a way to send commands, for a page's lifetime. */
export function useEngine(): { snapshot: Snapshot; send: (command: Command) => Promise<CommandResult> } {
  const [snapshot, setSnapshot] = useState<Snapshot>(INITIAL_SNAPSHOT);
  const link = useMemo(() => connectEngine(setSnapshot), []);
  useEffect(() => () => link.close(), [link]);
  return { snapshot, send: (command) => link.send(command) };
}
