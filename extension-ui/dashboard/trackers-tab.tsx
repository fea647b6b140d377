/**
 * Details › Trackers: each tracker's status, last and next announce, seeders/leechers and errors
 * as the engine reports them; add a tracker (refusals shown at the field) or remove one.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Command, CommandResult, TrackerView } from '../../src/extension/messages.js';
import { formatRelative } from '../popup/format.js';
import { t } from '../common/i18n.js';

const STATE_WORDS: Record<TrackerView['state'], () => string> = {
  idle: () => t('dash_tracker_idle'),
  announcing: () => t('dash_tracker_announcing'),
  working: () => t('dash_tracker_working'),
  error: () => t('dash_tracker_error'),
  disabled: () => t('dash_tracker_disabled'),
};

export function TrackersTab(props: { infoHash: string; trackers: TrackerView[] | undefined; send: (c: Command) => Promise<CommandResult> }) {
  const [url, setUrl] = useState('');
  const [error, setError] = useState('');
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const add = async (e: Event): Promise<void> => {
    e.preventDefault();
    const result = await props.send({ type: 'addTracker', infoHash: props.infoHash, url });
    if (result.ok) {
      setUrl('');
      setError('');
    } else setError(result.error);
  };
  const remove = async (trackerUrl: string): Promise<void> => {
    const result = await props.send({ type: 'removeTracker', infoHash: props.infoHash, url: trackerUrl });
    setError(result.ok ? '' : result.error);
  };
  const trackers = props.trackers;
  return (
    <div>
      {!trackers ? (
        <p class="muted">{t('dash_loadingTrackers')}</p>
      ) : trackers.length === 0 ? (
        <p class="muted">{t('dash_noTrackers')}</p>
      ) : (
        <table class="grid trackers-table" aria-label={t('dash_trackers')}>
          <thead>
            <tr>
              <th scope="col">{t('dash_col_url')}</th>
              <th scope="col" class="num">{t('dash_col_tier')}</th>
              <th scope="col">{t('dash_col_status')}</th>
              <th scope="col">{t('dash_col_lastAnnounce')}</th>
              <th scope="col">{t('dash_col_nextAnnounce')}</th>
              <th scope="col" class="num">{t('dash_col_seeders')}</th>
              <th scope="col" class="num">{t('dash_col_leechers')}</th>
              <th scope="col" class="num">{t('dash_col_peers')}</th>
              <th scope="col">
                <span class="visually-hidden">{t('dash_col_actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {trackers.map((tracker) => (
              <tr key={tracker.url} class="tracker" data-url={tracker.url} data-state={tracker.state}>
                <td class="url">{tracker.url}</td>
                <td class="num">{tracker.tier + 1}</td>
                <td>
                  {STATE_WORDS[tracker.state]()}
                  {tracker.error && <div class="tracker-error">{tracker.error}</div>}
                  {tracker.warning && <div class="muted">{tracker.warning}</div>}
                </td>
                <td>{formatRelative(tracker.lastAnnounceAt, now)}</td>
                <td>{formatRelative(tracker.nextAnnounceAt, now)}</td>
                <td class="num">{tracker.seeders ?? '—'}</td>
                <td class="num">{tracker.leechers ?? '—'}</td>
                <td class="num">{tracker.peersReceived}</td>
                <td>
                  <button type="button" class="danger" aria-label={t('dash_removeTracker', tracker.url)} onClick={() => void remove(tracker.url)}>
                    {t('dash_remove')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form class="tracker-add" onSubmit={(e) => void add(e)}>
        <label for="tracker-url">{t('dash_addTrackerLabel')}</label>
        <input
          id="tracker-url"
          type="url"
          placeholder="udp://tracker.example:6969/announce"
          value={url}
          aria-invalid={error ? 'true' : 'false'}
          aria-describedby="tracker-add-error"
          onInput={(e) => {
            setUrl((e.currentTarget as HTMLInputElement).value);
            if (error) setError('');
          }}
        />
        <button type="submit">{t('dash_addTracker')}</button>
      </form>
      <p id="tracker-add-error" class="field-error" role="alert">
        {error}
      </p>
    </div>
  );
}
