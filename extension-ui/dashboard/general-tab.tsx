/** Details › General: the engine's numbers for one torrent, as they come. */
import { Fragment } from 'preact';
import type { TorrentRow } from '../../src/extension/messages.js';
import { t } from '../common/i18n.js';
import { formatBytes, formatDate, formatEta, formatPercent, formatRate, formatRatio, stateLabel } from '../popup/format.js';

function deliveryWords(row: TorrentRow): string {
  const d = row.delivery;
  if (!d) return row.state === 'seeding' ? t('dash_keptInStorage') : t('dash_deliveredWhenComplete');
  return d.target === 'downloads' ? t('dash_deliveryDownloads', d.message) : t('dash_deliveryChosen', d.message);
}

/** One line: a stable field id (`data-field`, English, for tests), its shown label, the value. */
type Item = [field: string, label: string, value: string, problem?: boolean];

export function GeneralTab(props: { torrent: TorrentRow }) {
  const row = props.torrent;
  const items: Item[] = [
    ['State', t('dash_gen_state'), stateLabel(row.state)],
    ['Progress', t('dash_gen_progress'), t('dash_gen_progressValue', formatPercent(row.progress), formatBytes(row.verifiedLength), formatBytes(row.wantedLength))],
    ['Size', t('dash_gen_size'), row.totalLength > 0 ? t('dash_gen_sizeValue', formatBytes(row.totalLength), formatBytes(row.wantedLength)) : t('dash_gen_sizeUnknown')],
    ['Info hash', t('dash_gen_infoHash'), row.infoHash],
    ['Downloaded', t('dash_gen_downloaded'), formatBytes(row.downloaded)],
    ['Uploaded', t('dash_gen_uploaded'), formatBytes(row.uploaded)],
    ['Ratio', t('dash_gen_ratio'), formatRatio(row.ratio)],
    ['Speed', t('dash_gen_speed'), t('dash_gen_speedValue', formatRate(row.downloadRate), formatRate(row.uploadRate))],
    ['ETA', t('dash_gen_eta'), row.state === 'downloading' ? formatEta(row.eta) : '—'],
    ['Peers', t('dash_gen_peers'), t('dash_gen_peersValue', String(row.peers), String(row.seeds))],
    ['Pieces', t('dash_gen_pieces'), row.pieceCount > 0 ? t('dash_gen_piecesValue', String(row.piecesHave), String(row.pieceCount), formatBytes(row.pieceLength)) : '—'],
    ['Added', t('dash_gen_added'), formatDate(row.addedAt)],
    ['Completed', t('dash_gen_completed'), formatDate(row.completedAt)],
    ['Save location', t('dash_gen_saveLocation'), deliveryWords(row), row.delivery?.state === 'failed' || row.delivery?.state === 'needs-access'],
    ['Hash failures', t('dash_gen_hashFailures'), String(row.hashFailures)],
  ];
  if (row.error) items.push(['Error', t('dash_gen_error'), row.error, true]);
  return (
    <dl class="general-grid">
      {items.map(([field, label, value, problem]) => (
        <Fragment key={field}>
          <dt>{label}</dt>
          <dd class={problem ? 'problem' : undefined} data-field={field}>
            {value}
          </dd>
        </Fragment>
      ))}
    </dl>
  );
}
