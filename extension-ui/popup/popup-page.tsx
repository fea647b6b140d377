/** The toolbar popup (also works as a tab at chrome-extension://<id>/extension-ui/popup.html). */
import { mount } from './mount.js';
import { AddForm } from './add-form.js';
import { useEngine } from './engine-link.js';
import { HostBanner } from './host-banner.js';
import { TorrentList } from './torrent-list.js';

function Popup() {
  const { snapshot, send } = useEngine();
  return (
    <main>
      <h1 class="visually-hidden">TorrentEdge</h1>
      <HostBanner host={snapshot.host} />
      <AddForm send={send} />
      <TorrentList snapshot={snapshot} send={send} />
    </main>
  );
}

mount(<Popup />);
