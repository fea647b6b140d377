/**
 * Details › Peers: the connected peers of the selected torrent (address, client, where we learned
 * of it, TCP or uTP, encrypted or not, rates, how much it has). The page tells the engine which
 * torrent it shows (`watchPeers`, sent by the details pane), so only that torrent's peers travel
 * in the snapshot. Client names come from peers and are rendered as text only.
 */
import type { PeerView } from '../../src/extension/messages.js';
import { formatPercent, formatRate } from '../popup/format.js';
import { t } from '../common/i18n.js';

const SOURCE_LABELS: Record<PeerView['source'], () => string> = {
  tracker: () => t('dash_source_tracker'),
  dht: () => t('dash_source_dht'),
  pex: () => t('dash_source_pex'),
  lsd: () => t('dash_source_lsd'),
  incoming: () => t('dash_source_incoming'),
  manual: () => t('dash_source_manual'),
};

function PeerRow(props: { peer: PeerView }) {
  const p = props.peer;
  return (
    <tr class="peer" data-address={p.address} data-source={p.source} data-transport={p.transport} data-encrypted={String(p.encrypted)}>
      <td>{p.address}</td>
      <td>{p.client ?? ''}</td>
      <td>{SOURCE_LABELS[p.source]?.() ?? p.source}</td>
      <td>{p.transport === 'utp' ? 'uTP' : 'TCP'}</td>
      <td>{p.encrypted ? t('dash_yes') : t('dash_no')}</td>
      <td class="num">{formatRate(p.downloadRate)}</td>
      <td class="num">{formatRate(p.uploadRate)}</td>
      <td class="num">{formatPercent(p.progress)}</td>
      <td>
        <abbr title={t('dash_flagsHelp')}>{p.flags}</abbr>
      </td>
    </tr>
  );
}

export function PeersTab(props: { peers: PeerView[] | undefined }) {
  const { peers } = props;
  if (!peers || peers.length === 0) return <p class="muted">{peers ? t('dash_noPeers') : t('dash_loadingPeers')}</p>;
  return (
    <table class="grid peers-table" aria-label={t('dash_connectedPeers')}>
      <thead>
        <tr>
          <th scope="col">{t('dash_col_address')}</th>
          <th scope="col">{t('dash_col_client')}</th>
          <th scope="col">{t('dash_col_source')}</th>
          <th scope="col">{t('dash_col_transport')}</th>
          <th scope="col">{t('dash_col_encrypted')}</th>
          <th scope="col" class="num">{t('dash_col_down')}</th>
          <th scope="col" class="num">{t('dash_col_up')}</th>
          <th scope="col" class="num">{t('dash_col_has')}</th>
          <th scope="col">{t('dash_col_flags')}</th>
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
