/** Options: native host, download location, network, transfer limits, browser integration, appearance. */
import { mount } from './mount.js';
import { useEngine } from './engine-link.js';
import { HostStatusLine } from './host-banner.js';
import { DownloadLocation } from './download-location.js';
import { NetworkSettingsSection } from './network-settings.js';
import { AppearanceSection, IntegrationSection, TransferSection } from '../options/preferences-sections.js';
import { t } from '../common/i18n.js';
import { useTheme } from '../common/theme.js';

function Options() {
  const { snapshot, send } = useEngine();
  useTheme(snapshot);
  return (
    <main>
      <h1>{t('options_title')}</h1>
      <section aria-labelledby="host-title">
        <h2 id="host-title">{t('options_hostTitle')}</h2>
        <HostStatusLine host={snapshot.host} />
      </section>
      <DownloadLocation snapshot={snapshot} send={send} />
      <NetworkSettingsSection snapshot={snapshot} send={send} />
      {/* Below the network form: sections that render when preferences arrive never shift it. */}
      <TransferSection snapshot={snapshot} send={send} />
      <IntegrationSection snapshot={snapshot} send={send} />
      <AppearanceSection snapshot={snapshot} send={send} />
    </main>
  );
}

mount(<Options />);
