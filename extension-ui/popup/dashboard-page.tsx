/** The side-panel dashboard (minimal for now: the full dashboard is a later milestone). */
import { mount } from './mount.js';
import { AddForm } from './add-form.js';
import { useEngine } from './engine-link.js';
import { HostBanner } from './host-banner.js';
import { TorrentList } from './torrent-list.js';
import { PeersPanel } from './peers-panel.js';

function Dashboard() {
  const { snapshot, send } = useEngine();
  return (
    <main>
      <h1>TorrentEdge</h1>
      <HostBanner host={snapshot.host} />
      <AddForm send={send} />
      <TorrentList snapshot={snapshot} send={send} />
      <PeersPanel snapshot={snapshot} send={send} />
    </main>
  );
}

mount(<Dashboard />);
