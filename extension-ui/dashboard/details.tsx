/**
 * The selected torrent in tabs (General, Files, Peers, Trackers, Pieces, Speed; arrow keys move
 * between tabs). The pane tells the engine which torrent it shows (`watchPeers`): only that
 * torrent's peers, piece map, trackers and speed history travel in the snapshot.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Command, CommandResult, Snapshot, TorrentRow } from '../../src/extension/messages.js';
import { FilesTab } from './files-tab.js';
import { GeneralTab } from './general-tab.js';
import { PeersTab } from './peers-tab.js';
import { PiecesTab } from './pieces-tab.js';
import { SpeedTab } from './speed-tab.js';
import { TrackersTab } from './trackers-tab.js';
import { SettingsTab } from './settings-tab.js';
import { t } from '../common/i18n.js';

type Send = (command: Command) => Promise<CommandResult>;

export const TABS = ['General', 'Files', 'Peers', 'Trackers', 'Pieces', 'Speed', 'Settings'] as const;
export type Tab = (typeof TABS)[number];

/** Tab names as shown (TABS stays the stable id in `#tab-<id>` and `data-tab`). */
function tabLabel(tab: Tab): string {
  switch (tab) {
    case 'General':
      return t('dash_tab_General');
    case 'Files':
      return t('dash_tab_Files');
    case 'Peers':
      return t('dash_tab_Peers');
    case 'Trackers':
      return t('dash_tab_Trackers');
    case 'Pieces':
      return t('dash_tab_Pieces');
    case 'Speed':
      return t('dash_tab_Speed');
    case 'Settings':
      return t('dash_tab_Settings');
  }
}

/** Samples the Speed graph spans (the offscreen history's length: 5 minutes a second each). */
const SPEED_SLOTS = 300;

export function Details(props: { torrent: TorrentRow | undefined; snapshot: Snapshot; send: Send; live: boolean }) {
  const [tab, setTab] = useState<Tab>('General');
  const tabRefs = useRef<(HTMLButtonElement | null)[]>([]);
  const row = props.torrent;
  const hex = row?.infoHash ?? null;
  const detail = hex ? props.snapshot.dashboard?.details?.[hex] : undefined;
  const peers = hex ? props.snapshot.peers?.[hex] : undefined;
  // Sent when the choice changes, and again when the snapshot lacks it (the service worker restarted).
  const missing = props.live && !!hex && !props.snapshot.starting && peers === undefined;
  useEffect(() => {
    if (props.live) void props.send({ type: 'watchPeers', infoHash: hex });
  }, [hex, missing, props.live]);
  useEffect(() => () => void props.send({ type: 'watchPeers', infoHash: null }), []);

  if (!row) {
    return (
      <section class="details" aria-label={t('dash_details')}>
        <p class="muted" style={{ padding: '10px' }}>
          {t('dash_selectHint')}
        </p>
      </section>
    );
  }

  const onKeyDown = (e: KeyboardEvent): void => {
    const at = TABS.indexOf(tab);
    const next = e.key === 'ArrowRight' ? (at + 1) % TABS.length : e.key === 'ArrowLeft' ? (at + TABS.length - 1) % TABS.length : e.key === 'Home' ? 0 : e.key === 'End' ? TABS.length - 1 : -1;
    if (next < 0) return;
    e.preventDefault();
    setTab(TABS[next]!);
    tabRefs.current[next]?.focus();
  };

  return (
    <section class="details" aria-labelledby="details-title" data-infohash={row.infoHash}>
      <h2 id="details-title" class="details-title" title={row.name}>
        {row.name}
      </h2>
      <div class="tabs" role="tablist" aria-label={t('dash_tabs')} onKeyDown={onKeyDown}>
        {TABS.map((name, i) => (
          <button
            key={name}
            ref={(el) => {
              tabRefs.current[i] = el;
            }}
            type="button"
            role="tab"
            id={`tab-${name}`}
            aria-selected={tab === name ? 'true' : 'false'}
            aria-controls="tab-panel"
            tabIndex={tab === name ? 0 : -1}
            onClick={() => setTab(name)}
          >
            {tabLabel(name)}
          </button>
        ))}
      </div>
      <div class="tab-panel" id="tab-panel" role="tabpanel" aria-labelledby={`tab-${tab}`} data-tab={tab} tabIndex={0}>
        {tab === 'General' && <GeneralTab torrent={row} />}
        {tab === 'Files' && <FilesTab torrent={row} send={props.send} />}
        {tab === 'Peers' && <PeersTab peers={peers} />}
        {tab === 'Trackers' && <TrackersTab infoHash={row.infoHash} trackers={detail?.trackers} send={props.send} />}
        {tab === 'Pieces' && <PiecesTab detail={detail} piecesHave={row.piecesHave} />}
        {tab === 'Speed' && <SpeedTab speed={detail?.speed} slots={SPEED_SLOTS} />}
        {tab === 'Settings' && <SettingsTab torrent={row} send={props.send} />}
      </div>
    </section>
  );
}
