/**
 * Details › Files: the file tree with a checkbox per file and folder (unchecked = skipped), a
 * priority per file (a folder's choice applies below it), per-file progress from the engine's
 * verified bytes, and "Show" for files delivered to the Downloads folder. A change is sent at
 * once and shown as pending until the next snapshot confirms it. Only the rows in view are in
 * the DOM (virtual-rows.ts): a torrent of 10,000 files scrolls like one of ten.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Command, CommandResult, TorrentRow } from '../../src/extension/messages.js';
import { formatBytes, formatPercent } from '../popup/format.js';
import { t } from '../common/i18n.js';
import { TreeToggle } from './tree-toggle.js';
import { buildFileTree, checkState, refreshProgress, visibleNodes, type TreeNode } from './file-tree.js';
import { useVirtualRows } from './virtual-rows.js';
import { showDelivered } from './show-download.js';
import { PlayButton } from '../player/play-button.js';

export const PRIORITIES: { value: number; label(): string }[] = [
  { value: 0, label: () => t('dash_priority_skip') },
  { value: 1, label: () => t('dash_priority_low') },
  { value: 4, label: () => t('dash_priority_normal') },
  { value: 7, label: () => t('dash_priority_high') },
];

function PrioritySelect(props: { value: number | 'mixed'; label: string; onChange(priority: number): void }) {
  const known = props.value === 'mixed' || PRIORITIES.some((p) => p.value === props.value);
  return (
    <select aria-label={props.label} value={String(props.value)} onChange={(e) => props.onChange(Number((e.currentTarget as HTMLSelectElement).value))}>
      {props.value === 'mixed' && <option value="mixed">{t('dash_priorityMixed')}</option>}
      {!known && <option value={String(props.value)}>{t('dash_priorityN', String(props.value))}</option>}
      {PRIORITIES.map((p) => (
        <option key={p.value} value={String(p.value)}>
          {p.label()}
        </option>
      ))}
    </select>
  );
}

export function FilesTab(props: { torrent: TorrentRow; send: (c: Command) => Promise<CommandResult> }) {
  const row = props.torrent;
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  const [pending, setPending] = useState<Map<number, number>>(new Map());
  const [message, setMessage] = useState('');
  // The tree's shape depends on the paths only: rebuilt for another torrent, refreshed per snapshot.
  const shape = useMemo(() => buildFileTree(row.files, row.name), [row.infoHash, row.files.length, row.name]);
  const last = useRef<{ shape: TreeNode[]; tree: readonly TreeNode[] } | null>(null);
  const tree = useMemo(() => {
    const next = refreshProgress(last.current?.shape === shape ? last.current.tree : shape, row.files);
    last.current = { shape, tree: next };
    return next;
  }, [shape, row.files]);
  const engine = useMemo(() => new Map(row.files.map((f) => [f.index, f.priority as number])), [row.files]);
  // Pending changes the snapshot now confirms are dropped.
  useEffect(() => {
    if ([...pending].some(([i, p]) => engine.get(i) === p)) setPending(new Map([...pending].filter(([i, p]) => engine.get(i) !== p)));
  }, [row.files]);
  const rows = useMemo(() => visibleNodes(tree, collapsed), [tree, collapsed]);
  const win = useVirtualRows(rows.length, '.tab-panel');
  if (row.files.length === 0) return <p class="muted">{t('dash_filesUnknown')}</p>;

  const priority = (i: number): number => pending.get(i) ?? engine.get(i) ?? 0;
  const nodePriority = (n: TreeNode): number | 'mixed' => {
    const first = priority(n.indexes[0]!);
    return n.indexes.every((i) => priority(i) === first) ? first : 'mixed';
  };

  const apply = async (indexes: number[], value: number): Promise<void> => {
    const next = new Map(pending);
    for (const i of indexes) next.set(i, value);
    setPending(next);
    const result = await props.send({ type: 'setFilePriorities', infoHash: row.infoHash, files: indexes.map((index) => ({ index, priority: value })) });
    if (!result.ok) {
      setMessage(result.error);
      setPending(new Map([...next].filter(([i]) => !indexes.includes(i))));
    } else setMessage('');
  };

  const delivered = row.delivery?.target === 'downloads' && row.delivery.state === 'delivered';
  const columns = delivered ? 5 : 4;
  return (
    <div>
      <p role="status" class="field-error">
        {message}
      </p>
      <table class="grid files-table" aria-label={t('dash_files')} aria-rowcount={rows.length + 1} data-count={rows.length} data-window={`${win.start}-${win.end}`}>
        <thead>
          <tr>
            <th scope="col">{t('dash_col_name')}</th>
            <th scope="col" class="num">{t('dash_col_size')}</th>
            <th scope="col">{t('dash_col_progress')}</th>
            <th scope="col">{t('dash_col_priority')}</th>
            {delivered && (
              <th scope="col">
                <span class="visually-hidden">{t('dash_show')}</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody ref={win.body}>
          <tr class="spacer" aria-hidden="true">
            <td colSpan={columns} style={{ height: `${win.offset}px` }} />
          </tr>
          {rows.slice(win.start, win.end).map((n, i) => {
            const state = checkState(n, (i) => priority(i) > 0);
            const fileProgress = n.length > 0 ? n.downloaded / n.length : 1;
            return (
              <tr key={n.key} class={n.file ? 'file' : 'folder'} data-row={win.start + i} aria-rowindex={win.start + i + 2} data-index={n.file ? n.file.index : undefined} data-path={n.file?.path} data-priority={n.file ? priority(n.file.index) : undefined}>
                <td>
                  <span class="tree-name" style={{ paddingLeft: `${n.depth * 16}px` }}>
                    <TreeToggle node={n} collapsed={collapsed} setCollapsed={setCollapsed} />
                    <input
                      type="checkbox"
                      aria-label={t('dash_downloadFile', n.name)}
                      checked={state === 'all'}
                      indeterminate={state === 'some'}
                      onChange={() => void apply(n.indexes, state === 'all' ? 0 : 4)}
                    />
                    <span class="file-name">{n.name}</span>
                    {n.file && <PlayButton infoHash={row.infoHash} fileIndex={n.file.index} path={n.file.path} />}
                  </span>
                </td>
                <td class="num">{formatBytes(n.length)}</td>
                <td>
                  <progress class="file-progress" max={1} value={fileProgress} aria-label={t('dash_progressOf', n.name)} /> {formatPercent(fileProgress)}
                </td>
                <td>
                  <PrioritySelect value={nodePriority(n)} label={t('dash_priorityOf', n.name)} onChange={(p) => void apply(n.indexes, p)} />
                </td>
                {delivered && (
                  <td>
                    {n.file && priority(n.file.index) > 0 && n.downloaded === n.length && (
                      <button type="button" class="secondary" aria-label={t('dash_showInFolder', n.name)} onClick={() => void showDelivered(n.file!.path).then((m) => setMessage(m ?? ''))}>
                        {t('dash_show')}
                      </button>
                    )}
                  </td>
                )}
              </tr>
            );
          })}
          <tr class="spacer" aria-hidden="true">
            <td colSpan={columns} style={{ height: `${win.after}px` }} />
          </tr>
        </tbody>
      </table>
    </div>
  );
}
