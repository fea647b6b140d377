/// <reference types="chrome" />
/** "Play" beside a playable file: opens the player page in a new tab (it streams while downloading). */
import { isPlayable, playerUrl } from '../../src/extension/stream/media-types.js';
import { t } from '../common/i18n.js';

export function PlayButton(props: { infoHash: string; fileIndex: number; path: string }) {
  if (!isPlayable(props.path)) return null;
  const name = props.path.slice(props.path.lastIndexOf('/') + 1);
  const open = (): void => {
    const url = chrome.runtime.getURL(playerUrl(props.infoHash, props.fileIndex));
    void chrome.tabs.create({ url });
  };
  return (
    <button type="button" class="secondary play-file" data-play-index={props.fileIndex} aria-label={t('player_playFile', name)} onClick={open}>
      {t('player_play')}
    </button>
  );
}
