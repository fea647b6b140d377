/** The compact torrent list. Names come from torrents: rendered as text, never as markup. */
import type { Command, CommandResult, Snapshot, TorrentRow } from '../../src/extension/messages.js';
import { DeliveryLine } from './delivery-line.js';
import { formatBytes, formatPercent, formatRate, stateLabel } from './format.js';

type Send = (command: Command) => Promise<CommandResult>;

function TorrentItem(props: { torrent: TorrentRow; send: Send }) {
  const t = props.torrent;
  const paused = t.state === 'paused';
  const nameId = `name-${t.infoHash}`;
  const act = (command: Command): void => void props.send(command);
  return (
    <li class="torrent" data-infohash={t.infoHash} data-state={t.state} aria-labelledby={nameId}>
      <div class="torrent-head">
        <span class="torrent-name" id={nameId} title={t.name}>
          {t.name}
        </span>
        <span class="torrent-state">{stateLabel(t.state)}</span>
      </div>
      <progress class="torrent-progress" max={1} value={t.progress} aria-labelledby={nameId} />
      <div class="torrent-meta">
        <span>{formatPercent(t.progress)}</span>
        {t.totalLength > 0 && <span>{formatBytes(t.wantedLength)}</span>}
        <span aria-label="download speed">↓ {formatRate(t.downloadRate)}</span>
        <span aria-label="upload speed">↑ {formatRate(t.uploadRate)}</span>
        <span>{t.peers} peers</span>
      </div>
      {t.error && <p class="torrent-error">{t.error}</p>}
      <DeliveryLine delivery={t.delivery} />
      <div class="torrent-actions">
        {paused || t.state === 'error' ? (
          <button type="button" onClick={() => act({ type: 'resume', infoHash: t.infoHash })} aria-describedby={nameId}>
            Resume
          </button>
        ) : (
          <button type="button" onClick={() => act({ type: 'pause', infoHash: t.infoHash })} aria-describedby={nameId}>
            Pause
          </button>
        )}
        <button
          type="button"
          class="danger"
          title="Remove the torrent and its internal copy (files already in Downloads stay)"
          onClick={() => act({ type: 'remove', infoHash: t.infoHash, deleteData: true })}
          aria-describedby={nameId}
        >
          Remove
        </button>
      </div>
    </li>
  );
}

export function TorrentList(props: { snapshot: Snapshot; send: Send }) {
  const { torrents, starting } = props.snapshot;
  if (torrents.length === 0) {
    return <p class="muted empty">{starting ? 'Loading torrents…' : 'No torrents yet. Paste a magnet link above.'}</p>;
  }
  return (
    <ul class="torrents" aria-label="Torrents">
      {torrents.map((t) => (
        <TorrentItem key={t.infoHash} torrent={t} send={props.send} />
      ))}
    </ul>
  );
}
