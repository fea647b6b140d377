/**
 * Dashboard: the connected peers of one torrent (address, client, where we learned of it, TCP
 * or uTP, encrypted or not, rates, how much it has). The page tells the engine which torrent it
 * shows (`watchPeers`), so only that torrent's peers travel in the snapshot. Rendered as given:
 * client names come from peers and are text only.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Command, CommandResult, PeerView, Snapshot } from '../../src/extension/messages.js';
import { formatPercent, formatRate } from './format.js';
import './network-settings.css';

type Send = (command: Command) => Promise<CommandResult>;

const SOURCE_LABELS: Record<PeerView['source'], string> = {
  tracker: 'Tracker',
  dht: 'DHT',
  pex: 'PEX',
  lsd: 'LSD',
  incoming: 'Incoming',
  manual: 'Magnet / manual',
};

function PeerRow(props: { peer: PeerView }) {
  const p = props.peer;
  return (
    <tr class="peer" data-address={p.address} data-source={p.source} data-transport={p.transport} data-encrypted={String(p.encrypted)}>
      <td>{p.address}</td>
      <td>{p.client ?? ''}</td>
      <td>{SOURCE_LABELS[p.source] ?? p.source}</td>
      <td>{p.transport === 'utp' ? 'uTP' : 'TCP'}</td>
      <td>{p.encrypted ? 'Yes' : 'No'}</td>
      <td class="num">{formatRate(p.downloadRate)}</td>
      <td class="num">{formatRate(p.uploadRate)}</td>
      <td class="num">{formatPercent(p.progress)}</td>
    </tr>
  );
}

export function PeersPanel(props: { snapshot: Snapshot; send: Send }) {
  const { torrents, starting } = props.snapshot;
  const [selected, setSelected] = useState<string | null>(null);
  const current = selected && torrents.some((t) => t.infoHash === selected) ? selected : (torrents[0]?.infoHash ?? null);
  const peers = current ? props.snapshot.peers?.[current] : undefined;
  // Sent when the choice changes, and again when the snapshot lacks it (the service worker restarted).
  const missing = !!current && !starting && peers === undefined;
  useEffect(() => {
    void props.send({ type: 'watchPeers', infoHash: current });
  }, [current, missing]);
  useEffect(() => () => void props.send({ type: 'watchPeers', infoHash: null }), []);

  if (torrents.length === 0) return null;
  return (
    <section class="peers-panel" aria-labelledby="peers-title">
      <h2 id="peers-title">Peers</h2>
      <label for="peers-of">Show peers of</label>
      <select id="peers-of" value={current ?? ''} onChange={(e) => setSelected((e.currentTarget as HTMLSelectElement).value)}>
        {torrents.map((t) => (
          <option key={t.infoHash} value={t.infoHash}>
            {t.name}
          </option>
        ))}
      </select>
      {!peers || peers.length === 0 ? (
        <p class="muted">{peers ? 'No peers connected.' : 'Loading peers…'}</p>
      ) : (
        <table class="peers-table" aria-labelledby="peers-title">
          <thead>
            <tr>
              <th scope="col">Address</th>
              <th scope="col">Client</th>
              <th scope="col">Source</th>
              <th scope="col">Transport</th>
              <th scope="col">Encrypted</th>
              <th scope="col">Down</th>
              <th scope="col">Up</th>
              <th scope="col">Has</th>
            </tr>
          </thead>
          <tbody>
            {peers.map((p) => (
              <PeerRow key={p.address} peer={p} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
