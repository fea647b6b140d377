/**
 * What a finished creation offers: the magnet link (copy button) and the .torrent (saved through
 * an object URL), and the torrent's row as the engine reports it (seeding).
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { parseTorrent, toMagnet } from '../../src/engine/metainfo/index.js';
import type { Command, CommandResult, Snapshot } from '../../src/extension/messages.js';
import { t } from '../common/i18n.js';
import { TorrentList } from '../popup/torrent-list.js';

export function CreateResult(props: { torrent: Uint8Array; infoHash: string; snapshot: Snapshot; send: (command: Command) => Promise<CommandResult> }) {
  const meta = useMemo(() => parseTorrent(props.torrent), [props.torrent]);
  const magnet = useMemo(() => toMagnet(meta), [meta]);
  const url = useMemo(() => URL.createObjectURL(new Blob([props.torrent as Uint8Array<ArrayBuffer>], { type: 'application/x-bittorrent' })), [props.torrent]);
  useEffect(() => () => URL.revokeObjectURL(url), [url]);
  const [copied, setCopied] = useState('');
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(magnet);
      setCopied(t('create_copied'));
    } catch {
      // Clipboard refused (no focus, policy): the field is selected for Ctrl+C instead.
      (document.getElementById('create-magnet') as HTMLInputElement | null)?.select();
      setCopied(t('create_copyFailed'));
    }
  };
  const row = { ...props.snapshot, torrents: props.snapshot.torrents.filter((tor) => tor.infoHash === props.infoHash) };
  return (
    <section class="create-result" aria-labelledby="create-result-title">
      <h2 id="create-result-title">{t('create_resultTitle')}</h2>
      <p>
        {t('create_infoHash')} <code id="create-infohash">{props.infoHash}</code>
      </p>
      <label for="create-magnet">{t('create_magnet')}</label>
      <div class="add-row">
        <input id="create-magnet" type="text" readOnly value={magnet} />
        <button type="button" onClick={() => void copy()}>
          {t('create_copyMagnet')}
        </button>
      </div>
      <p class="magnet-note" role="status">
        {copied}
      </p>
      <p>
        <a id="create-download" class="button-link" href={url} download={`${meta.name}.torrent`}>
          {t('create_saveTorrent')}
        </a>
      </p>
      <TorrentList snapshot={row} send={props.send} />
    </section>
  );
}
