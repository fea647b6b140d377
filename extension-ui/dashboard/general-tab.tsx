/** Details › General: the engine's numbers for one torrent, as they come. */
import { Fragment } from 'preact';
import type { TorrentRow } from '../../src/extension/messages.js';
import { formatBytes, formatDate, formatEta, formatPercent, formatRate, formatRatio, stateLabel } from '../popup/format.js';

function deliveryWords(t: TorrentRow): string {
  const d = t.delivery;
  if (!d) return t.state === 'seeding' ? 'Kept in the extension’s storage' : 'Delivered when complete (see Options › Download location)';
  return `${d.target === 'downloads' ? 'Downloads folder' : 'Chosen folder'}: ${d.message}`;
}

export function GeneralTab(props: { torrent: TorrentRow }) {
  const t = props.torrent;
  const items: [string, string, boolean?][] = [
    ['State', stateLabel(t.state)],
    ['Progress', `${formatPercent(t.progress)} (${formatBytes(t.verifiedLength)} of ${formatBytes(t.wantedLength)})`],
    ['Size', t.totalLength > 0 ? `${formatBytes(t.totalLength)} total, ${formatBytes(t.wantedLength)} wanted` : 'Unknown until the metadata arrives'],
    ['Info hash', t.infoHash],
    ['Downloaded', formatBytes(t.downloaded)],
    ['Uploaded', formatBytes(t.uploaded)],
    ['Ratio', formatRatio(t.ratio)],
    ['Speed', `↓ ${formatRate(t.downloadRate)} · ↑ ${formatRate(t.uploadRate)}`],
    ['ETA', t.state === 'downloading' ? formatEta(t.eta) : '—'],
    ['Peers', `${t.peers} connected (${t.seeds} seeds)`],
    ['Pieces', t.pieceCount > 0 ? `${t.piecesHave} of ${t.pieceCount} × ${formatBytes(t.pieceLength)}` : '—'],
    ['Added', formatDate(t.addedAt)],
    ['Completed', formatDate(t.completedAt)],
    ['Save location', deliveryWords(t), t.delivery?.state === 'failed' || t.delivery?.state === 'needs-access'],
    ['Hash failures', String(t.hashFailures)],
  ];
  if (t.error) items.push(['Error', t.error, true]);
  return (
    <dl class="general-grid">
      {items.map(([label, value, problem]) => (
        <Fragment key={label}>
          <dt>{label}</dt>
          <dd class={problem ? 'problem' : undefined} data-field={label}>
            {value}
          </dd>
        </Fragment>
      ))}
    </dl>
  );
}
