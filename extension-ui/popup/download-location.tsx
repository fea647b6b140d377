/**
 * Options: where finished files go. The browser's Downloads folder (default), or a folder the
 * user picks (Choose folder, or drops one from a file manager). Only a page can ask for the
 * folder's write permission (it needs the user's click); the engine copies into the folder
 * while it has that permission, so torrents waiting for access are listed here with the button
 * that grants it again.
 */
import { useEffect, useState } from 'preact/hooks';
import {
  folderPermission,
  loadDeliverySetting,
  READ_WRITE,
  saveDeliverySetting,
  type DeliveryMode,
  type PermissionAwareHandle,
} from '../../src/extension/delivery-folder.js';
import type { Command, CommandResult, Snapshot } from '../../src/extension/messages.js';
import { formatPercent } from './format.js';

type Send = (command: Command) => Promise<CommandResult>;
type Picker = (options: { mode: 'readwrite'; id?: string }) => Promise<PermissionAwareHandle>;

const ACCESS_WORDS: Record<PermissionState, string> = {
  granted: 'TorrentEdge may write into this folder.',
  prompt: 'TorrentEdge needs your permission again to write into this folder.',
  denied: 'Writing into this folder was refused. Grant access again or choose the folder again.',
};

export function DownloadLocation(props: { snapshot: Snapshot; send: Send }) {
  const [loaded, setLoaded] = useState(false);
  const [mode, setMode] = useState<DeliveryMode>('downloads');
  const [folder, setFolder] = useState<PermissionAwareHandle | undefined>(undefined);
  const [access, setAccess] = useState<PermissionState | null>(null);
  const [message, setMessage] = useState('');

  const refresh = async (handle: PermissionAwareHandle | undefined): Promise<PermissionState | null> => {
    const state = handle ? await folderPermission(handle) : null;
    setAccess(state);
    return state;
  };

  useEffect(() => {
    void loadDeliverySetting().then(async (setting) => {
      setMode(setting.mode);
      setFolder(setting.folder);
      setLoaded(true);
      // While this page is open the engine may write: let waiting torrents go now.
      if ((await refresh(setting.folder)) === 'granted' && setting.mode === 'folder') void props.send({ type: 'deliveryFolderChanged' });
    });
  }, []);

  const apply = async (nextMode: DeliveryMode, handle: PermissionAwareHandle | undefined): Promise<void> => {
    setMode(nextMode);
    setFolder(handle);
    const state = await refresh(handle);
    if (nextMode === 'folder' && !handle) return; // nothing to save until a folder is chosen
    await saveDeliverySetting({ mode: nextMode, folder: handle });
    if (nextMode === 'downloads' || state === 'granted') await props.send({ type: 'deliveryFolderChanged' });
  };

  const choose = async (): Promise<void> => {
    setMessage('');
    const picker = (window as unknown as { showDirectoryPicker?: Picker }).showDirectoryPicker;
    if (!picker) return setMessage('This browser cannot pick folders: files go to Downloads.');
    try {
      await apply('folder', await picker({ mode: 'readwrite', id: 'torrentedge-downloads' }));
    } catch (error) {
      const name = (error as DOMException)?.name;
      setMessage(name === 'AbortError' ? 'No folder chosen.' : `Could not use that folder: ${(error as Error).message}`);
    }
  };

  const grantAgain = async (): Promise<void> => {
    if (!folder) return;
    setMessage('');
    try {
      const state = await folder.requestPermission(READ_WRITE);
      setAccess(state);
      if (state === 'granted') await props.send({ type: 'deliveryFolderChanged' });
      else setMessage('Access was not granted: the torrents keep waiting in TorrentEdge.');
    } catch (error) {
      setMessage(`Could not ask for access: ${(error as Error).message}`);
    }
  };

  const onDrop = async (event: DragEvent): Promise<void> => {
    event.preventDefault();
    setMessage('');
    const item = Array.from(event.dataTransfer?.items ?? []).find((i) => i.kind === 'file') as
      | (DataTransferItem & { getAsFileSystemHandle?: () => Promise<FileSystemHandle | null> })
      | undefined;
    const handle = item?.getAsFileSystemHandle ? await item.getAsFileSystemHandle() : null;
    if (!handle || handle.kind !== 'directory') return setMessage('Drop a folder, not a file.');
    await apply('folder', handle as PermissionAwareHandle);
  };

  const waiting = props.snapshot.torrents.filter((t) => t.delivery?.target === 'folder' && t.delivery.state !== 'delivered');
  return (
    <section aria-labelledby="location-title" class="download-location" data-mode={mode} data-access={access ?? ''}>
      <h2 id="location-title">Download location</h2>
      <fieldset disabled={!loaded}>
        <legend class="visually-hidden">Where finished files go</legend>
        <label>
          <input type="radio" name="location" value="downloads" checked={mode === 'downloads'} onChange={() => void apply('downloads', folder)} />{' '}
          Browser Downloads folder
        </label>
        <label>
          <input type="radio" name="location" value="folder" checked={mode === 'folder'} onChange={() => void apply('folder', folder)} /> A folder I
          pick
        </label>
      </fieldset>
      {mode === 'folder' && (
        <div class="folder-choice">
          <p>
            Folder: <strong class="folder-name">{folder ? folder.name : 'none chosen yet'}</strong>
          </p>
          {folder && access && <p class="folder-access">{ACCESS_WORDS[access]}</p>}
          <div class="torrent-actions">
            <button type="button" onClick={() => void choose()}>
              Choose folder
            </button>
            {folder && access !== 'granted' && (
              <button type="button" onClick={() => void grantAgain()}>
                Grant access again
              </button>
            )}
          </div>
          <div
            class="drop-zone"
            onDragOver={(e) => e.preventDefault()}
            onDragEnter={(e) => e.preventDefault()}
            onDrop={(e) => void onDrop(e)}
          >
            …or drop a folder here from your file manager.
          </div>
          <p class="muted">
            Browsers let TorrentEdge write into the folder only while one of its pages is open (unless you allowed it on every visit), so
            finished torrents wait here until you grant access; keep this page open while they are copied.
          </p>
        </div>
      )}
      <p role="status" class="location-message">
        {message}
      </p>
      {waiting.length > 0 && (
        <ul class="folder-waiting" aria-label="Torrents going to the folder">
          {waiting.map((t) => (
            <li key={t.infoHash} data-infohash={t.infoHash} data-delivery={t.delivery!.state}>
              <strong>{t.name}</strong>: {t.delivery!.message}
              {t.delivery!.state === 'copying' && t.delivery!.total ? ` ${formatPercent((t.delivery!.copied ?? 0) / t.delivery!.total)}` : ''}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
