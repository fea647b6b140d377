/** Totals over all torrents, as the offscreen document computed them. */
import type { DashboardTotals } from '../../src/extension/messages.js';
import { formatBytes, formatRate, formatRatio } from '../popup/format.js';
import { t } from '../common/i18n.js';

export function TotalsBar(props: { totals: DashboardTotals | undefined }) {
  const totals = props.totals;
  if (!totals) return null;
  return (
    <dl class="totals" aria-label={t('dash_totals')}>
      <div>
        <dt>{t('dash_totalDown')}</dt>
        <dd data-total="downloadRate">{formatRate(totals.downloadRate)}</dd>
      </div>
      <div>
        <dt>{t('dash_totalUp')}</dt>
        <dd data-total="uploadRate">{formatRate(totals.uploadRate)}</dd>
      </div>
      <div>
        <dt>{t('dash_totalRatio')}</dt>
        <dd data-total="ratio" title={t('dash_ratioTitle', formatBytes(totals.uploaded), formatBytes(totals.downloaded))}>
          {formatRatio(totals.ratio)}
        </dd>
      </div>
      <div>
        <dt>{t('dash_totalCount')}</dt>
        <dd data-total="count">{totals.count}</dd>
      </div>
    </dl>
  );
}
