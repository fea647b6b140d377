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

type Send = (command: Command) => Promise<CommandResult>;

export const TABS = ['General', 'Files', 'Peers', 'Trackers', 'Pieces', 'Speed'] as const;
export type Tab = (typeof TABS)[number];

/** Samples the Speed graph spans (the offscreen history's length: 5 minutes a second each). */
const SPEED_SLOTS = 300;

export function Details(props: { torrent: TorrentRow | undefined; snapshot: Snapshot; send: Send; live: boolean }) {
  const [tab, setTab] = useState<Tab>('General');
  const tabRefs = useRef<(HTMLButtonElement | null)[]>([]);
  const t = props.torrent;
  const hex = t?.infoHash ?? null;
  const detail = hex ? props.snapshot.dashboard?.details?.[hex] : undefined;
  const peers = hex ? props.snapshot.peers?.[hex] : undefined;
  // Sent when the choice changes, and again when the snapshot lacks it (the service worker restarted).
  const missing = props.live && !!hex && !props.snapshot.starting && peers === undefined;
  useEffect(() => {
    if (props.live) void props.send({ type: 'watchPeers', infoHash: hex });
  }, [hex, missing, props.live]);
  useEffect(() => () => void props.send({ type: 'watchPeers', infoHash: null }), []);

  if (!t) {
    return (
      <section class="details" aria-label="Details">
        <p class="muted" style={{ padding: '10px' }}>
          Select a torrent to see its details.
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
    <section class="details" aria-labelledby="details-title" data-infohash={t.infoHash}>
      <h2 id="details-title" class="details-title" title={t.name}>
        {t.name}
      </h2>
      <div class="tabs" role="tablist" aria-label="Torrent details" onKeyDown={onKeyDown}>
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
            {name}
          </button>
        ))}
      </div>
      <div class="tab-panel" id="tab-panel" role="tabpanel" aria-labelledby={`tab-${tab}`} data-tab={tab} tabIndex={0}>
        {tab === 'General' && <GeneralTab torrent={t} />}
        {tab === 'Files' && <FilesTab torrent={t} send={props.send} />}
        {tab === 'Peers' && <PeersTab peers={peers} />}
        {tab === 'Trackers' && <TrackersTab infoHash={t.infoHash} trackers={detail?.trackers} send={props.send} />}
        {tab === 'Pieces' && <PiecesTab detail={detail} piecesHave={t.piecesHave} />}
        {tab === 'Speed' && <SpeedTab speed={detail?.speed} slots={SPEED_SLOTS} />}
      </div>
    </section>
  );
}
