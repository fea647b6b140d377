/**
 * The side-panel dashboard (also a tab at chrome-extension://<id>/extension-ui/dashboard.html):
 * totals, the torrent list (virtualized, sort, filter, multi-select, actions), the selected
 * torrent's details in tabs, and the add dialog (also opened by dropping .torrent files).
 * Renders the engine's snapshots as they come; never computes torrent state.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { AddSource, Command, Snapshot } from '../../src/extension/messages.js';
import { AddForm } from '../popup/add-form.js';
import { useEngine } from '../popup/engine-link.js';
import { HostBanner } from '../popup/host-banner.js';
import { mount } from '../popup/mount.js';
import { t } from '../common/i18n.js';
import { useTheme } from '../common/theme.js';
import { AddDialog, torrentFileSource } from './add-dialog.js';
import { Details } from './details.js';
import { ListTools } from './list-tools.js';
import { RemoveDialog } from './remove-dialog.js';
import { EMPTY_SELECTION, pruneSelection, type Selection } from './selection.js';
import { TorrentTable } from './torrent-table.js';
import { TotalsBar } from './totals-bar.js';
import { AltSpeedToggle } from './alt-speed-toggle.js';
import { QueueTools } from './queue-tools.js';
import { StatisticsView } from './statistics-view.js';
import { filterTorrents, sortTorrents, type SortDir, type SortKey, type StateFilter } from './torrent-query.js';
import './dashboard.css';

declare global {
  interface Window {
    /**
     * Renders a given snapshot instead of the engine's (null: back to the engine's). For tests
     * and screenshots (a list of 1,000 torrents without 1,000 torrents); this page only.
     */
    torrentEdgeDashboard?: { show(snapshot: Snapshot | null): void };
  }
}

function isTorrentFile(file: File): boolean {
  return /\.torrent$/i.test(file.name) || file.type === 'application/x-bittorrent';
}

function Dashboard() {
  const engine = useEngine();
  const [injected, setInjected] = useState<Snapshot | null>(null);
  useEffect(() => {
    window.torrentEdgeDashboard = { show: setInjected };
  }, []);
  const snapshot = injected ?? engine.snapshot;
  const send = engine.send;
  // The theme is the user's preference from the engine, also while a test snapshot is shown.
  useTheme(engine.snapshot);
  useEffect(() => {
    document.title = t('dash_title');
  }, []);

  const [filter, setFilter] = useState<StateFilter>('all');
  const [text, setText] = useState('');
  const [sort, setSort] = useState<{ key: SortKey; dir: SortDir }>({ key: 'addedAt', dir: 'asc' });
  const [selection, setSelection] = useState<Selection>(EMPTY_SELECTION);
  const [removing, setRemoving] = useState<string[]>([]);
  const [adding, setAdding] = useState<{ open: boolean; initial: AddSource | null; chooseFor?: string }>({ open: false, initial: null });
  const [dragging, setDragging] = useState(false);
  const [dropMessage, setDropMessage] = useState('');
  const [showStats, setShowStats] = useState(false);
  const [queueMessage, setQueueMessage] = useState('');

  const rows = useMemo(() => sortTorrents(filterTorrents(snapshot.torrents, filter, text), sort.key, sort.dir), [snapshot.torrents, filter, text, sort]);
  const byHash = useMemo(() => new Map(snapshot.torrents.map((row) => [row.infoHash, row])), [snapshot.torrents]);
  // Opened at one torrent (`?torrent=<infohash>`, e.g. from a completion notification): select it
  // once it is in the list.
  const [openAt, setOpenAt] = useState(() => new URLSearchParams(location.search).get('torrent'));
  useEffect(() => {
    if (openAt && byHash.has(openAt)) {
      setSelection({ ids: new Set([openAt]), anchor: openAt, focus: openAt });
      setOpenAt(null);
      return;
    }
    const pruned = pruneSelection(selection, new Set(byHash.keys()));
    if (pruned !== selection) setSelection(pruned);
  }, [byHash]);

  // A magnet added with "choose files later" whose metadata arrived (also after a restart): the
  // file chooser opens for it, once per page.
  const [offered, setOffered] = useState<ReadonlySet<string>>(new Set());
  const due = snapshot.torrents.find((row) => row.chooseFiles && row.files.length > 0 && !offered.has(row.infoHash));
  useEffect(() => {
    if (!due || adding.open || injected) return;
    setOffered(new Set([...offered, due.infoHash]));
    setAdding({ open: true, initial: null, chooseFor: due.infoHash });
  }, [due?.infoHash, adding.open]);

  const selected = [...selection.ids].map((id) => byHash.get(id)).filter((t) => t !== undefined);
  const focused = selection.focus ? byHash.get(selection.focus) : selected.length === 1 ? selected[0] : undefined;
  const all = (make: (infoHash: string) => Command): void => {
    for (const t of selected) void send(make(t.infoHash));
  };

  const onSortColumn = (key: SortKey): void =>
    setSort((s) => (s.key === key ? { key, dir: s.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: key === 'name' || key === 'eta' ? 'asc' : 'desc' }));

  const onDrop = async (e: DragEvent): Promise<void> => {
    e.preventDefault();
    setDragging(false);
    const files = Array.from(e.dataTransfer?.files ?? []).filter(isTorrentFile);
    if (files.length === 0) return setDropMessage(t('dash_dropHint'));
    setDropMessage(files.length > 1 ? t('dash_dropMany', files[0]!.name, String(files.length - 1)) : '');
    setAdding({ open: true, initial: await torrentFileSource(files[0]!) });
  };
  const hasFiles = (e: DragEvent): boolean => Array.from(e.dataTransfer?.types ?? []).includes('Files');

  return (
    <main
      class="dash"
      onDragEnter={(e) => {
        if (hasFiles(e)) {
          e.preventDefault();
          setDragging(true);
        }
      }}
      onDragOver={(e) => {
        if (hasFiles(e)) e.preventDefault();
      }}
      onDragLeave={(e) => {
        if (!e.relatedTarget) setDragging(false);
      }}
      onDrop={(e) => void onDrop(e)}
    >
      <header class="dash-header">
        <h1>TorrentEdge</h1>
        <TotalsBar totals={snapshot.dashboard?.totals} />
        <AltSpeedToggle alt={snapshot.dashboard?.altSpeed} send={send} />
        <button type="button" class="secondary" aria-expanded={showStats ? 'true' : 'false'} aria-controls="stats-view" onClick={() => setShowStats(!showStats)}>
          {t('dash_statistics')}
        </button>
        <button type="button" onClick={() => setAdding({ open: true, initial: null })}>
          {t('dash_addTorrent')}
        </button>
        <button type="button" class="secondary" onClick={() => void chrome.tabs.create({ url: chrome.runtime.getURL('extension-ui/create.html') })}>
          {t('create_open')}
        </button>
      </header>
      <HostBanner host={snapshot.host} />
      {showStats && (
        <div id="stats-view">
          <StatisticsView statistics={snapshot.dashboard?.statistics} />
        </div>
      )}
      <AddForm send={send} />
      <p role="status" class="muted drop-message">
        {dropMessage}
      </p>
      <ListTools
        filter={filter}
        onFilter={setFilter}
        text={text}
        onText={setText}
        sort={sort}
        onSort={setSort}
        selected={selected}
        onPause={() => all((infoHash) => ({ type: 'pause', infoHash }))}
        onResume={() => all((infoHash) => ({ type: 'resume', infoHash }))}
        onRemove={() => setRemoving(selected.map((t) => t.infoHash))}
      />
      <QueueTools selected={selected} send={send} onResult={setQueueMessage} />
      <p role="alert" class="field-error queue-message">
        {queueMessage}
      </p>
      <TorrentTable
        rows={rows}
        selection={selection}
        onSelection={setSelection}
        sort={sort}
        onSort={onSortColumn}
        onRemove={() => setRemoving(selected.map((t) => t.infoHash))}
        empty={snapshot.starting ? t('dash_loading') : snapshot.torrents.length === 0 ? t('dash_empty') : t('dash_noMatch')}
      />
      <Details torrent={focused} snapshot={snapshot} send={send} live={injected === null} />
      <RemoveDialog
        names={removing.map((id) => byHash.get(id)?.name ?? id)}
        onAnswer={(answer) => {
          if (answer) for (const infoHash of removing) void send({ type: 'remove', infoHash, deleteData: answer === 'delete' });
          setRemoving([]);
        }}
      />
      <AddDialog
        open={adding.open}
        initial={adding.initial}
        chooseFor={adding.chooseFor}
        snapshot={snapshot}
        send={send}
        onClose={(magnet) => {
          // The magnet's files were just chosen (or it was removed): no second offer for it.
          if (magnet) setOffered((seen) => new Set([...seen, magnet]));
          setAdding({ open: false, initial: null });
        }}
      />
      {dragging && (
        <div class="drop-overlay" aria-hidden="true">
          <span>{t('dash_dropOverlay')}</span>
        </div>
      )}
    </main>
  );
}

mount(<Dashboard />);
