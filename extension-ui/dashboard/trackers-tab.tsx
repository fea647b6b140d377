/**
 * Details › Trackers: each tracker's status, last and next announce, seeders/leechers and errors
 * as the engine reports them; add a tracker (refusals shown at the field) or remove one.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Command, CommandResult, TrackerView } from '../../src/extension/messages.js';
import { formatRelative } from '../popup/format.js';

const STATE_WORDS: Record<TrackerView['state'], string> = {
  idle: 'Not contacted yet',
  announcing: 'Announcing…',
  working: 'Working',
  error: 'Error',
  disabled: 'Not usable',
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
        <p class="muted">Loading trackers…</p>
      ) : trackers.length === 0 ? (
        <p class="muted">No trackers: peers come from DHT, PEX and the magnet link.</p>
      ) : (
        <table class="grid trackers-table" aria-label="Trackers">
          <thead>
            <tr>
              <th scope="col">URL</th>
              <th scope="col" class="num">Tier</th>
              <th scope="col">Status</th>
              <th scope="col">Last announce</th>
              <th scope="col">Next announce</th>
              <th scope="col" class="num">Seeders</th>
              <th scope="col" class="num">Leechers</th>
              <th scope="col" class="num">Peers</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {trackers.map((t) => (
              <tr key={t.url} class="tracker" data-url={t.url} data-state={t.state}>
                <td class="url">{t.url}</td>
                <td class="num">{t.tier + 1}</td>
                <td>
                  {STATE_WORDS[t.state]}
                  {t.error && <div class="tracker-error">{t.error}</div>}
                  {t.warning && <div class="muted">{t.warning}</div>}
                </td>
                <td>{formatRelative(t.lastAnnounceAt, now)}</td>
                <td>{formatRelative(t.nextAnnounceAt, now)}</td>
                <td class="num">{t.seeders ?? '—'}</td>
                <td class="num">{t.leechers ?? '—'}</td>
                <td class="num">{t.peersReceived}</td>
                <td>
                  <button type="button" class="danger" aria-label={`Remove tracker ${t.url}`} onClick={() => void remove(t.url)}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form class="tracker-add" onSubmit={(e) => void add(e)}>
        <label for="tracker-url">Add tracker URL</label>
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
        <button type="submit">Add tracker</button>
      </form>
      <p id="tracker-add-error" class="field-error" role="alert">
        {error}
      </p>
    </div>
  );
}
