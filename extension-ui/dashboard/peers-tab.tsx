/**
 * Details › Peers: the connected peers of the selected torrent (address, client, where we learned
 * of it, TCP or uTP, encrypted or not, rates, how much it has). The page tells the engine which
 * torrent it shows (`watchPeers`, sent by the details pane), so only that torrent's peers travel
 * in the snapshot. Client names come from peers and are rendered as text only.
 */
import type { PeerView } from '../../src/extension/messages.js';
import { formatPercent, formatRate } from '../popup/format.js';

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
      <td>
        <abbr title="D/d: downloading from (d: interested, choked) · U/u: uploading to · S: snubbed · I: incoming · E: encrypted · P: uTP">{p.flags}</abbr>
      </td>
    </tr>
  );
}

export function PeersTab(props: { peers: PeerView[] | undefined }) {
  const { peers } = props;
  if (!peers || peers.length === 0) return <p class="muted">{peers ? 'No peers connected.' : 'Loading peers…'}</p>;
  return (
    <table class="grid peers-table" aria-label="Connected peers">
      <thead>
        <tr>
          <th scope="col">Address</th>
          <th scope="col">Client</th>
          <th scope="col">Source</th>
          <th scope="col">Transport</th>
          <th scope="col">Encrypted</th>
          <th scope="col" class="num">Down</th>
          <th scope="col" class="num">Up</th>
          <th scope="col" class="num">Has</th>
          <th scope="col">Flags</th>
        </tr>
      </thead>
      <tbody>
        {peers.map((p) => (
          <PeerRow key={p.address} peer={p} />
        ))}
      </tbody>
    </table>
  );
}
