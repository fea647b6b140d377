/**
 * The player: a <video> whose src is the service worker's stream endpoint
 * (`/stream/<infohash>/<file>`, HTTP Range). The browser asks for byte ranges as it plays and
 * seeks; the engine fetches the pieces under the playhead first. The page shows the file's name
 * (text only), what the player is doing, and the file's progress as the engine publishes it.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { streamPath } from '../../src/extension/stream/media-types.js';
import { formatBytes, formatPercent, formatRate } from '../popup/format.js';
import { useEngine } from '../popup/engine-link.js';
import { mount } from '../popup/mount.js';
import { useTheme } from '../common/theme.js';
import { t } from '../common/i18n.js';

interface FileInfo {
  name: string;
  path: string;
  torrentName: string;
  size: number;
  type: string;
}

type PlayerState = 'loading' | 'buffering' | 'playing' | 'paused' | 'ended' | 'error';

function target(): { infoHash: string; fileIndex: number } | null {
  const params = new URLSearchParams(location.search);
  const infoHash = (params.get('ih') ?? '').toLowerCase();
  const fileIndex = Number(params.get('file'));
  if (!/^[0-9a-f]{40}$/.test(infoHash) || !Number.isInteger(fileIndex) || fileIndex < 0) return null;
  return { infoHash, fileIndex };
}

function stateText(state: PlayerState): string {
  return t(`player_state_${state}`);
}

function Player(props: { infoHash: string; fileIndex: number }) {
  const { snapshot, send } = useEngine();
  useTheme(snapshot);
  const [info, setInfo] = useState<FileInfo | null>(null);
  const [error, setError] = useState('');
  const [state, setState] = useState<PlayerState>('loading');
  const video = useRef<HTMLVideoElement>(null);
  /** Bumped to make a new <video> (at the same time) after the stream failed while the torrent was stopped. */
  const [generation, setGeneration] = useState(0);
  const lastTime = useRef(0);
  const src = streamPath(props.infoHash, props.fileIndex);

  useEffect(() => {
    let live = true;
    void fetch(`${src}/info`)
      .then(async (r) => (r.ok ? ((await r.json()) as FileInfo) : Promise.reject(new Error(await r.text()))))
      .then((i) => {
        if (!live) return;
        setInfo(i);
        document.title = t('player_pageTitle', i.name);
      })
      .catch((e: Error) => live && setError(e.message || t('player_cannotOpen')));
    return () => void (live = false);
  }, [src]);

  useEffect(() => {
    const v = video.current;
    if (!v) return;
    const on = (type: string, next: () => PlayerState) => {
      const handler = (): void => setState(next());
      v.addEventListener(type, handler);
      return () => v.removeEventListener(type, handler);
    };
    const offs = [
      on('playing', () => 'playing'),
      on('pause', () => (v.ended ? 'ended' : 'paused')),
      on('waiting', () => 'buffering'),
      on('seeking', () => 'buffering'),
      on('seeked', () => (v.paused ? 'paused' : 'playing')),
      on('ended', () => 'ended'),
      on('canplay', () => (v.paused ? 'paused' : 'playing')),
      on('error', () => 'error'),
    ];
    const remember = (): void => void (lastTime.current = v.currentTime);
    const restore = (): void => void (lastTime.current > 0 && (v.currentTime = lastTime.current));
    v.addEventListener('timeupdate', remember);
    v.addEventListener('loadedmetadata', restore);
    offs.push(() => v.removeEventListener('timeupdate', remember), () => v.removeEventListener('loadedmetadata', restore));
    return () => offs.forEach((off) => off());
  }, [info, generation]);

  const row = snapshot.torrents.find((r) => r.infoHash === props.infoHash);
  const file = row?.files.find((f) => f.index === props.fileIndex);
  const fileProgress = file && file.length > 0 ? file.downloaded / file.length : undefined;
  // The engine refuses reads of missing pieces while the torrent is paused or failed.
  const stopped = !!row && (row.state === 'paused' || row.state === 'error') && fileProgress !== undefined && fileProgress < 1;

  // Running again after the stream failed: a new player picks up where the old one stopped.
  useEffect(() => {
    if (!stopped && state === 'error' && row && row.state !== 'paused' && row.state !== 'error') setGeneration((g) => g + 1);
  }, [stopped, state, row?.state]);
  const name = info?.name ?? '';

  return (
    <main>
      <h1 class="player-title">{name || t('player_title')}</h1>
      {info && info.torrentName !== info.name && <p class="player-torrent muted">{t('player_fromTorrent', info.torrentName)}</p>}
      {error && (
        <p role="alert" class="player-error">
          {t('player_cannotOpen')} {error}
        </p>
      )}
      {info && (
        <video key={generation} ref={video} class="player-video" controls autoplay preload="auto" src={src} aria-label={t('player_videoLabel', name)}>
          {t('player_noVideo')}
        </video>
      )}
      <div class="player-status">
        <span role="status" aria-live="polite" id="player-state" data-state={state}>
          {stateText(state)}
        </span>
        {fileProgress !== undefined && (
          <span>
            <progress max={1} value={fileProgress} aria-label={t('player_fileProgress')} /> {formatPercent(fileProgress)}
            {info && ` · ${formatBytes(info.size)}`}
          </span>
        )}
        {row && row.state === 'downloading' && <span class="muted">{t('player_downloading', formatRate(row.downloadRate))}</span>}
        {state === 'error' && !stopped && <span class="player-error">{t('player_playError')}</span>}
      </div>
      {stopped && (
        <p role="status" class="player-stopped">
          {row.state === 'paused' ? t('player_torrentPaused') : t('player_torrentFailed')}{' '}
          <button type="button" onClick={() => void send({ type: 'resume', infoHash: props.infoHash })}>
            {t('player_resume')}
          </button>
        </p>
      )}
    </main>
  );
}

function PlayerPage() {
  const which = target();
  if (!which) {
    return (
      <main>
        <h1>{t('player_title')}</h1>
        <p role="alert" class="player-error">
          {t('player_badLink')}
        </p>
      </main>
    );
  }
  return <Player infoHash={which.infoHash} fileIndex={which.fileIndex} />;
}

mount(<PlayerPage />);
