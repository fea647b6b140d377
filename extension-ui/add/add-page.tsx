/// <reference types="chrome" />
/**
 * The magnet: handler page: the browser opens extension-ui/add.html?uri=<magnet link> when the
 * user clicks a magnet: link (after registering TorrentEdge in the options). It shows what the
 * link is and adds it when the user says so (or adds it with nothing wanted and opens the
 * dashboard, whose add dialog lets the user pick files once the metadata is in): a web page cannot add torrents by navigating to
 * magnet: links on its own. Then it shows the torrent's row and a way to the dashboard.
 */
import { useState } from 'preact/hooks';
import { mount } from '../popup/mount.js';
import { useEngine } from '../popup/engine-link.js';
import { HostBanner } from '../popup/host-banner.js';
import { TorrentList } from '../popup/torrent-list.js';
import { t } from '../common/i18n.js';
import { useTheme } from '../common/theme.js';
import { checkMagnet, MagnetPreview } from './magnet-preview.js';
import { dashboardUrl } from '../../src/extension/dashboard-url.js';

/** The link from ?uri= (URLSearchParams decodes the browser's %-encoding once). */
export function uriFromLocation(search: string): string {
  return new URLSearchParams(search).get('uri')?.trim() ?? '';
}

function AddPage() {
  const { snapshot, send } = useEngine();
  useTheme(snapshot);
  const uri = uriFromLocation(location.search);
  const checked = checkMagnet(uri);
  const [added, setAdded] = useState<string | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const add = async (): Promise<void> => {
    setBusy(true);
    const result = await send({ type: 'add', source: { kind: 'magnet', uri } });
    setBusy(false);
    if (result.ok) {
      setError('');
      setAdded('infoHash' in result && result.infoHash ? result.infoHash : '');
    } else setError(result.error);
  };

  // Nothing wanted until the user picks files: the dashboard's add dialog opens for it once the
  // metadata is in (the engine marks the row chooseFiles, across restarts too).
  const addAndChoose = async (): Promise<void> => {
    setBusy(true);
    const result = await send({ type: 'addWithFiles', source: { kind: 'magnet', uri }, files: 'choose-later' });
    setBusy(false);
    if (!result.ok) return setError(result.error);
    const hex = 'infoHash' in result && result.infoHash ? result.infoHash : '';
    void chrome.tabs.update({ url: dashboardUrl(hex) });
  };

  const row = added ? { ...snapshot, torrents: snapshot.torrents.filter((tor) => tor.infoHash === added) } : null;
  return (
    <main class="add-page">
      <h1>{t('intercept_addTitle')}</h1>
      <HostBanner host={snapshot.host} />
      {!checked.ok ? (
        <p class="field-error" role="alert">
          {uri ? checked.error : t('intercept_noUri')}
        </p>
      ) : (
        <>
          <MagnetPreview magnet={checked.magnet} />
          {added === null ? (
            <div class="torrent-actions">
              <button type="button" disabled={busy} onClick={() => void add()}>
                {t('intercept_addButton')}
              </button>
              <button type="button" class="secondary" disabled={busy} onClick={() => void addAndChoose()}>
                {t('intercept_addChooseButton')}
              </button>
              <button type="button" class="secondary" onClick={() => (history.length > 1 ? history.back() : window.close())}>
                {t('popup_cancel')}
              </button>
            </div>
          ) : (
            <>
              <p class="add-done" role="status">
                {t('intercept_addedTitle')}
              </p>
              {row && <TorrentList snapshot={row} send={send} />}
              <button type="button" class="secondary" onClick={() => void chrome.tabs.update({ url: dashboardUrl(added) })}>
                {t('popup_openDashboard')}
              </button>
            </>
          )}
          <p class="field-error" role="alert">
            {error}
          </p>
        </>
      )}
    </main>
  );
}

// add.html is web-accessible (a magnet: link clicked on a web page navigates to it), so a page
// could frame it and trick a click on "Add torrent": it only works as a top-level page.
if (window.top === window) mount(<AddPage />);
else document.getElementById('app')!.textContent = 'TorrentEdge cannot be used inside another page.';
