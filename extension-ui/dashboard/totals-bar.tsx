/** Totals over all torrents, as the offscreen document computed them. */
import type { DashboardTotals } from '../../src/extension/messages.js';
import { formatBytes, formatRate, formatRatio } from '../popup/format.js';

export function TotalsBar(props: { totals: DashboardTotals | undefined }) {
  const t = props.totals;
  if (!t) return null;
  return (
    <dl class="totals" aria-label="Totals">
      <div>
        <dt>Down</dt>
        <dd data-total="downloadRate">{formatRate(t.downloadRate)}</dd>
      </div>
      <div>
        <dt>Up</dt>
        <dd data-total="uploadRate">{formatRate(t.uploadRate)}</dd>
      </div>
      <div>
        <dt>Ratio</dt>
        <dd data-total="ratio" title={`${formatBytes(t.uploaded)} up / ${formatBytes(t.downloaded)} down`}>
          {formatRatio(t.ratio)}
        </dd>
      </div>
      <div>
        <dt>Torrents</dt>
        <dd data-total="count">{t.count}</dd>
      </div>
    </dl>
  );
}
