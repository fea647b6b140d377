/** Options (minimal for now): the native host's status with its install command. */
import { mount } from './mount.js';
import { useEngine } from './engine-link.js';
import { HostStatusLine } from './host-banner.js';
import { DownloadLocation } from './download-location.js';
import { NetworkSettingsSection } from './network-settings.js';

function Options() {
  const { snapshot, send } = useEngine();
  return (
    <main>
      <h1>TorrentEdge options</h1>
      <section aria-labelledby="host-title">
        <h2 id="host-title">Native host</h2>
        <HostStatusLine host={snapshot.host} />
      </section>
      <DownloadLocation snapshot={snapshot} send={send} />
      <NetworkSettingsSection snapshot={snapshot} send={send} />
    </main>
  );
}

mount(<Options />);
