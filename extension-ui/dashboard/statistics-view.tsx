/**
 * Statistics: payload moved, ratio and time active for this session and for all time, as the
 * engine keeps them (in IndexedDB, across restarts). Shown as they come; nothing computed here.
 */
import type { SessionStatistics } from '../../src/extension/messages.js';
import { t } from '../common/i18n.js';
import { formatBytes, formatRatio } from '../popup/format.js';

function duration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (days > 0) return t('dash_statDays', String(days), String(hours), String(mins));
  if (hours > 0) return t('dash_statHours', String(hours), String(mins));
  return t('dash_statMinutes', String(mins));
}

export function StatisticsView(props: { statistics: SessionStatistics | undefined }) {
  const s = props.statistics;
  return (
    <section class="stats-view" aria-labelledby="stats-title">
      <h2 id="stats-title">{t('dash_statistics')}</h2>
      {!s ? (
        <p class="muted">{t('dash_statNotRunning')}</p>
      ) : (
        <table class="grid stats-table">
          <thead>
            <tr>
              <th scope="col">
                <span class="visually-hidden">{t('dash_statWhat')}</span>
              </th>
              <th scope="col" class="num">
                {t('dash_statSession')}
              </th>
              <th scope="col" class="num">
                {t('dash_statAllTime')}
              </th>
            </tr>
          </thead>
          <tbody>
            <tr data-stat="downloaded">
              <th scope="row">{t('dash_statDownloaded')}</th>
              <td class="num" data-scope="session">{formatBytes(s.session.downloaded)}</td>
              <td class="num" data-scope="allTime">{formatBytes(s.allTime.downloaded)}</td>
            </tr>
            <tr data-stat="uploaded">
              <th scope="row">{t('dash_statUploaded')}</th>
              <td class="num" data-scope="session">{formatBytes(s.session.uploaded)}</td>
              <td class="num" data-scope="allTime">{formatBytes(s.allTime.uploaded)}</td>
            </tr>
            <tr data-stat="ratio">
              <th scope="row">{t('dash_statRatio')}</th>
              <td class="num" data-scope="session">{formatRatio(s.session.ratio)}</td>
              <td class="num" data-scope="allTime">{formatRatio(s.allTime.ratio)}</td>
            </tr>
            <tr data-stat="active">
              <th scope="row">{t('dash_statActive')}</th>
              <td class="num" data-scope="session">{duration(s.session.activeMs)}</td>
              <td class="num" data-scope="allTime">{duration(s.allTime.activeMs)}</td>
            </tr>
          </tbody>
        </table>
      )}
      {s && <p class="muted">{t('dash_statSessions', String(s.sessionCount))}</p>}
    </section>
  );
}
