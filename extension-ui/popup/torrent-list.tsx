/**
 * The compact torrent list (popup): name, progress bar, state, down/up speed, ETA; pause/resume;
 * remove, which asks whether to delete the data. Names come from torrents: rendered as text,
 * never as markup. Every value shown is the engine's (TorrentStats).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Command, CommandResult, Snapshot, TorrentRow } from '../../src/extension/messages.js';
import { t } from '../common/i18n.js';
import { DeliveryLine } from './delivery-line.js';
import { dashboardUrl } from '../../src/extension/dashboard-url.js';
import { formatBytes, formatEta, formatPercent, formatRate, stateLabel } from './format.js';

type Send = (command: Command) => Promise<CommandResult>;

/** "Remove this torrent?" with the choice to delete its data; focus moves in and back out. */
function RemoveConfirm(props: { torrent: TorrentRow; onDone: (result?: CommandResult) => void; send: Send }) {
  const [deleteData, setDeleteData] = useState(false);
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);
  const id = `remove-${props.torrent.infoHash}`;
  const remove = async (): Promise<void> => {
    setBusy(true);
    const result = await props.send({ type: 'remove', infoHash: props.torrent.infoHash, deleteData });
    setBusy(false);
    props.onDone(result);
  };
  return (
    <div
      class="remove-confirm"
      role="group"
      aria-labelledby={`${id}-title`}
      onKeyDown={(e) => {
        if (e.key === 'Escape') props.onDone();
      }}
    >
      <p id={`${id}-title`}>{t('popup_removeQuestion')}</p>
      <label>
        <input ref={first} type="checkbox" name="deleteData" checked={deleteData} onChange={(e) => setDeleteData((e.currentTarget as HTMLInputElement).checked)} />{' '}
        {t('popup_removeDeleteData')}
      </label>
      <p class="muted hint">{t('popup_removeHint')}</p>
      <div class="torrent-actions">
        <button type="button" class="danger" disabled={busy} onClick={() => void remove()}>
          {t('popup_removeConfirm')}
        </button>
        <button type="button" class="secondary" disabled={busy} onClick={() => props.onDone()}>
          {t('popup_cancel')}
        </button>
      </div>
    </div>
  );
}

function TorrentItem(props: { torrent: TorrentRow; send: Send }) {
  const tor = props.torrent;
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState('');
  const removeButton = useRef<HTMLButtonElement>(null);
  const paused = tor.state === 'paused';
  const nameId = `name-${tor.infoHash}`;
  const act = async (command: Command): Promise<void> => {
    const result = await props.send(command);
    setError(result.ok ? '' : result.error);
  };
  const downloading = tor.state === 'downloading' || tor.state === 'metadata';
  return (
    <li class="torrent" data-infohash={tor.infoHash} data-state={tor.state} aria-labelledby={nameId}>
      <div class="torrent-head">
        <span class="torrent-name" id={nameId} title={tor.name}>
          {tor.name}
        </span>
        <span class="torrent-state">{tor.chooseFiles ? t('popup_chooseFilesState') : stateLabel(tor.state)}</span>
      </div>
      <progress class="torrent-progress" max={1} value={tor.progress} aria-labelledby={nameId} />
      <div class="torrent-meta">
        <span class="torrent-percent">{formatPercent(tor.progress)}</span>
        {tor.totalLength > 0 && <span>{formatBytes(tor.wantedLength)}</span>}
        <span class="torrent-down" aria-label={t('popup_downSpeed')}>
          ↓ {formatRate(tor.downloadRate)}
        </span>
        <span class="torrent-up" aria-label={t('popup_upSpeed')}>
          ↑ {formatRate(tor.uploadRate)}
        </span>
        {downloading && (
          <span class="torrent-eta" aria-label={t('popup_eta')}>
            ⏱ {formatEta(tor.eta)}
          </span>
        )}
        <span>{t('popup_peers', String(tor.peers))}</span>
      </div>
      {tor.error && <p class="torrent-error">{tor.error}</p>}
      <DeliveryLine delivery={tor.delivery} />
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      {confirming ? (
        <RemoveConfirm
          torrent={tor}
          send={props.send}
          onDone={(result) => {
            if (result && !result.ok) setError(result.error);
            setConfirming(false);
            if (!result?.ok) setTimeout(() => removeButton.current?.focus(), 0);
          }}
        />
      ) : (
        <div class="torrent-actions">
          {tor.chooseFiles && (
            // The dashboard opens its file chooser for this torrent once the metadata is in.
            <button type="button" onClick={() => void chrome.tabs.create({ url: dashboardUrl(tor.infoHash) })} aria-describedby={nameId}>
              {t('popup_chooseFiles')}
            </button>
          )}
          {paused || tor.state === 'error' ? (
            <button type="button" onClick={() => void act({ type: 'resume', infoHash: tor.infoHash })} aria-describedby={nameId}>
              {t('popup_resume')}
            </button>
          ) : (
            <button type="button" onClick={() => void act({ type: 'pause', infoHash: tor.infoHash })} aria-describedby={nameId}>
              {t('popup_pause')}
            </button>
          )}
          <button ref={removeButton} type="button" class="danger" onClick={() => setConfirming(true)} aria-describedby={nameId}>
            {t('popup_remove')}
          </button>
        </div>
      )}
    </li>
  );
}

export function TorrentList(props: { snapshot: Snapshot; send: Send }) {
  const { torrents, starting } = props.snapshot;
  if (torrents.length === 0) {
    return <p class="muted empty">{starting ? t('popup_loading') : t('popup_empty')}</p>;
  }
  return (
    <ul class="torrents" aria-label={t('popup_torrents')}>
      {torrents.map((tor) => (
        <TorrentItem key={tor.infoHash} torrent={tor} send={props.send} />
      ))}
    </ul>
  );
}
