/** The toolbar popup (also works as a tab at chrome-extension://<id>/extension-ui/popup.html). */
import { mount } from './mount.js';
import { AddForm } from './add-form.js';
import { useEngine } from './engine-link.js';
import { HostBanner } from './host-banner.js';
import { TorrentList } from './torrent-list.js';
import { SidePanelButton } from './side-panel-button.js';
import { t } from '../common/i18n.js';
import { useTheme } from '../common/theme.js';

function Popup() {
  const { snapshot, send } = useEngine();
  useTheme(snapshot);
  return (
    <main>
      <header class="popup-head">
        <h1>TorrentEdge</h1>
        <div class="head-actions">
          <SidePanelButton />
          <button type="button" class="secondary" onClick={() => void chrome.tabs.create({ url: chrome.runtime.getURL('extension-ui/create.html') })}>
            {t('create_open')}
          </button>
          <button type="button" class="secondary" onClick={() => void chrome.runtime.openOptionsPage()}>
            {t('popup_options')}
          </button>
        </div>
      </header>
      <HostBanner host={snapshot.host} />
      <AddForm send={send} />
      <TorrentList snapshot={snapshot} send={send} />
    </main>
  );
}

mount(<Popup />);
