/// <reference types="chrome" />
/**
 * The offscreen document: hosts the engine. Gets the relay's address from the service worker
 * (which owns the native port), runs the Client over it, answers commands and publishes the
 * torrent list. Created by the service worker at browser start, with no page open.
 */
import { createBrowserPlatform } from '../../platform/browser/index.js';
import { errorMessage } from '../../engine/util/errors.js';
import type { TorrentDetail, WorkerToOffscreen } from '../messages.js';
import { torrentDetail, totalsOf } from './dashboard-data.js';
import { SpeedHistory } from './speed-history.js';
import { Deliveries } from './deliveries.js';
import { EngineSession } from './engine-session.js';
import { FileChoices } from './file-choices.js';
import { SavedTorrents } from './saved-torrents.js';
import { SnapshotPublisher } from './snapshot-publisher.js';
import { StreamService } from './stream-service.js';
import { SwitchableNetwork } from './switchable-network.js';
import { WorkerLink } from './worker-link.js';

async function main(): Promise<void> {
  const network = new SwitchableNetwork();
  const platform = await createBrowserPlatform({ network });
  const saved = new SavedTorrents(platform.kv);
  let link: WorkerLink | null = null;
  const send: WorkerLink['send'] = (message) => link?.send(message) ?? false;

  let engine: EngineSession | null = null;
  const choices = new FileChoices(saved);
  const deliveries = new Deliveries({ getFile: (root, path) => platform.storage.getFile(root, path), saved, send, changed: () => publisher.soon(), current: (hex) => engine?.find(hex) });
  /** Torrents whose peers some page shows: only those travel in the snapshot. */
  let watchedPeers: string[] = [];
  const history = new SpeedHistory();
  const publisher = new SnapshotPublisher(
    () => (engine?.stats() ?? []).map((t) => choices.decorate(deliveries.decorate(t))),
    (torrents, peers, dashboard) => send({ type: 'torrents', torrents, ...(peers ? { peers } : {}), ...(dashboard ? { dashboard } : {}) }),
    () => engine?.peers(watchedPeers),
    (torrents) => {
      // The watched torrent (peers view) is the one the dashboard details: only its details travel.
      history.record(Date.now(), torrents);
      const details: Record<string, TorrentDetail> = {};
      for (const hex of watchedPeers) {
        const source = engine?.detail(hex, torrents);
        if (source) details[hex] = torrentDetail(source, history, performance.now(), Date.now());
      }
      return { totals: totalsOf(torrents), ...(watchedPeers.length > 0 ? { details } : {}), ...(engine?.controlData() ?? {}) };
    },
  );
  engine = new EngineSession({
    platform,
    network,
    saved,
    deliveries,
    choices,
    changed: () => publisher.soon(),
    requestRelay: () => send({ type: 'hello' }),
    completed: (infoHash, name) => send({ type: 'completed', infoHash, name }),
  });
  const session = engine;
  // Players' range requests, from the service worker (src/extension/stream/).
  new StreamService((hex) => session.find(hex));

  const onMessage = (message: WorkerToOffscreen): void => {
    switch (message.type) {
      case 'relay':
        void session.setRelay(message.relay, message.host).finally(() => publisher.force());
        return;
      case 'command':
        void session.run(message.command).then((result) => {
          send({ type: 'result', id: message.id, result });
          if (message.command.type === 'getSnapshot') publisher.force();
        });
        return;
      case 'delivered':
        void deliveries.onDelivered(message.deliveryId, message.ok, message.error);
        return;
      case 'networkSettings':
        void session.setNetworkSettings(message.settings).finally(() => publisher.force());
        return;
      case 'transferSettings':
        void session.setTransferSettings(message.settings).finally(() => publisher.force());
        return;
      case 'watchPeers':
        watchedPeers = message.infoHashes;
        publisher.force();
        return;
    }
  };
  let firstConnect = true;
  link = new WorkerLink(onMessage, () => {
    if (firstConnect) {
      firstConnect = false;
      return;
    }
    // A new service worker never heard of the deliveries the old one was running.
    deliveries.abandonInFlight();
    session.reconsiderDeliveries();
  });
}

main().catch((error) => console.error(`TorrentEdge: the engine could not start: ${errorMessage(error)}`));
