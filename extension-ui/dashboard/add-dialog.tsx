/**
 * The add dialog: a .torrent (file, drop or URL) or a magnet link, then its name, size and file
 * tree with a checkbox per file and folder, so the user chooses before anything downloads.
 * - .torrent: the engine parses it without adding it (`preview`); Add sends the choice with it.
 * - magnet: the files are unknown until peers send the metadata, so the torrent is added with
 *   nothing wanted (`addWithFiles` 'choose-later'); the tree appears when the snapshot has its
 *   files, and Add sets the priorities. Cancel removes it again, with its data. The choice
 *   outlives restarts (the engine marks the row `chooseFiles`): the dashboard then opens this
 *   dialog at that step for the torrent (`chooseFor`).
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { AddPreview, AddSource, Command, CommandResult, Snapshot } from '../../src/extension/messages.js';
import { formatBytes } from '../popup/format.js';
import { t } from '../common/i18n.js';
import { TreeToggle } from './tree-toggle.js';
import { buildFileTree, checkState, visibleNodes, type FlatFile } from './file-tree.js';
import { useVirtualRows } from './virtual-rows.js';

type Send = (command: Command) => Promise<CommandResult>;

export function toBase64(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

export async function torrentFileSource(file: File): Promise<AddSource> {
  return { kind: 'torrent', base64: toBase64(new Uint8Array(await file.arrayBuffer())) };
}

function textSource(text: string): AddSource {
  return /^magnet:/i.test(text) || /^[0-9a-f]{40}$/i.test(text) ? { kind: 'magnet', uri: /^magnet:/i.test(text) ? text : `magnet:?xt=urn:btih:${text}` } : { kind: 'url', url: text };
}

type Step =
  | { kind: 'source' }
  | { kind: 'working'; what: string }
  /** A .torrent: nothing added yet. */
  | { kind: 'choose'; source: AddSource; preview: AddPreview }
  /** A magnet added with nothing wanted; files come with the metadata. */
  | { kind: 'magnet'; infoHash: string; name: string };

export function AddDialog(props: { open: boolean; initial: AddSource | null; chooseFor?: string; snapshot: Snapshot; send: Send; onClose(magnet?: string): void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [step, setStep] = useState<Step>({ kind: 'source' });
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  const [wanted, setWanted] = useState<Set<number>>(new Set());
  const [paused, setPaused] = useState(false);
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());

  const reset = (): void => {
    setStep({ kind: 'source' });
    setText('');
    setError('');
    setWanted(new Set());
    setPaused(false);
    setCollapsed(new Set());
  };

  useEffect(() => {
    const el = dialog.current;
    if (!el) return;
    if (props.open && !el.open) {
      el.showModal();
      if (props.chooseFor) setStep({ kind: 'magnet', infoHash: props.chooseFor, name: props.chooseFor });
      else if (props.initial) void begin(props.initial);
    } else if (!props.open && el.open) el.close();
  }, [props.open, props.initial, props.chooseFor]);

  const begin = async (source: AddSource): Promise<void> => {
    setError('');
    if (source.kind === 'magnet') {
      setStep({ kind: 'working', what: t('dash_addingMagnet') });
      const result = await props.send({ type: 'addWithFiles', source, files: 'choose-later' });
      if (!result.ok) return fail(result.error);
      const hex = 'infoHash' in result && result.infoHash ? result.infoHash : '';
      setStep({ kind: 'magnet', infoHash: hex, name: hex });
      return;
    }
    setStep({ kind: 'working', what: t('dash_readingTorrent') });
    const result = await props.send({ type: 'preview', source });
    if (!result.ok) return fail(result.error);
    if (!('preview' in result)) return fail(t('dash_noPreview'));
    setWanted(new Set(result.preview.files?.map((f) => f.index) ?? []));
    setStep({ kind: 'choose', source, preview: result.preview });
  };

  const fail = (message: string): void => {
    setStep({ kind: 'source' });
    setError(message);
  };

  // A magnet's files, once its metadata arrived (the engine lists them with every file skipped).
  const magnetRow = step.kind === 'magnet' ? props.snapshot.torrents.find((t) => t.infoHash === step.infoHash) : undefined;
  const magnetFiles = magnetRow && magnetRow.files.length > 0 ? magnetRow.files : null;
  const [magnetSeeded, setMagnetSeeded] = useState('');
  useEffect(() => {
    if (step.kind === 'magnet' && magnetFiles && magnetSeeded !== step.infoHash) {
      setMagnetSeeded(step.infoHash);
      setWanted(new Set(magnetFiles.map((f) => f.index)));
    }
  }, [step, magnetFiles !== null]);

  const files: FlatFile[] | null = step.kind === 'choose' ? step.preview.files : step.kind === 'magnet' ? magnetFiles : null;
  const name = step.kind === 'choose' ? step.preview.name : (magnetRow?.name ?? (step.kind === 'magnet' ? step.name : ''));
  const total = step.kind === 'choose' ? step.preview.totalLength : (magnetRow?.totalLength ?? 0);
  const tree = useMemo(() => (files ? buildFileTree(files.map((f) => ({ index: f.index, path: f.path, length: f.length })), name) : []), [files, name]);
  const nodes = useMemo(() => visibleNodes(tree, collapsed), [tree, collapsed]);
  const win = useVirtualRows(nodes.length, '.add-files');
  const chosenBytes = files ? files.reduce((n, f) => n + (wanted.has(f.index) ? f.length : 0), 0) : 0;

  const close = (): void => {
    const magnet = step.kind === 'magnet' ? step.infoHash : undefined;
    reset();
    props.onClose(magnet);
  };

  const cancel = async (): Promise<void> => {
    if (step.kind === 'magnet' && step.infoHash) await props.send({ type: 'remove', infoHash: step.infoHash, deleteData: true });
    close();
  };

  const confirm = async (): Promise<void> => {
    if (!files || wanted.size === 0) return setError(t('dash_chooseOne'));
    setError('');
    if (step.kind === 'choose') {
      const result = await props.send({ type: 'addWithFiles', source: step.source, files: [...wanted].sort((a, b) => a - b), ...(paused ? { paused: true } : {}) });
      if (!result.ok) return setError(result.error);
    } else if (step.kind === 'magnet') {
      const result = await props.send({ type: 'setFilePriorities', infoHash: step.infoHash, files: [...wanted].map((index) => ({ index, priority: 4 })) });
      if (!result.ok) return setError(result.error);
      if (paused) await props.send({ type: 'pause', infoHash: step.infoHash });
    }
    close();
  };

  const toggle = (indexes: number[], on: boolean): void => {
    const next = new Set(wanted);
    for (const i of indexes) {
      if (on) next.add(i);
      else next.delete(i);
    }
    setWanted(next);
  };

  const submitSource = (e: Event): void => {
    e.preventDefault();
    const value = text.trim();
    if (!value) return setError(t('dash_sourceEmpty'));
    void begin(textSource(value));
  };

  return (
    <dialog
      ref={dialog}
      class="add-dialog"
      aria-labelledby="add-dialog-title"
      onCancel={(e) => {
        e.preventDefault();
        void cancel();
      }}
    >
      <h2 id="add-dialog-title">{t('dash_addTitle')}</h2>
      {step.kind === 'source' && (
        <form class="add-source" onSubmit={submitSource}>
          <label for="dialog-source">{t('dash_sourceLabel')}</label>
          <input
            id="dialog-source"
            type="text"
            autocomplete="off"
            spellcheck={false}
            value={text}
            placeholder="magnet:?xt=urn:btih:…"
            aria-invalid={error ? 'true' : 'false'}
            aria-describedby="dialog-error"
            onInput={(e) => setText((e.currentTarget as HTMLInputElement).value)}
          />
          <label for="dialog-file">{t('dash_chooseFile')}</label>
          <input
            id="dialog-file"
            type="file"
            accept=".torrent,application/x-bittorrent"
            onChange={(e) => {
              const file = (e.currentTarget as HTMLInputElement).files?.[0];
              if (file) void torrentFileSource(file).then(begin);
            }}
          />
          <p id="dialog-error" class="field-error" role="alert">
            {error}
          </p>
          <div class="dialog-actions">
            <button type="button" class="secondary" onClick={close}>
              {t('dash_cancel')}
            </button>
            <button type="submit">{t('dash_continue')}</button>
          </div>
        </form>
      )}
      {step.kind === 'working' && <p role="status">{step.what}</p>}
      {(step.kind === 'choose' || step.kind === 'magnet') && (
        <div class="add-choose" data-infohash={step.kind === 'choose' ? step.preview.infoHash : step.infoHash}>
          <p>
            <strong class="add-name">{name}</strong>
          </p>
          {!files ? (
            <p role="status" class="muted">
              {t('dash_waitingFiles')}
            </p>
          ) : (
            <>
              <p class="add-size" role="status">
                {t('dash_chosen', formatBytes(chosenBytes), formatBytes(total), String(wanted.size), String(files.length))}
              </p>
              <div class="dialog-actions" style={{ justifyContent: 'flex-start', marginTop: 0 }}>
                <button type="button" class="secondary" onClick={() => setWanted(new Set(files.map((f) => f.index)))}>
                  {t('dash_selectAll')}
                </button>
                <button type="button" class="secondary" onClick={() => setWanted(new Set())}>
                  {t('dash_selectNone')}
                </button>
              </div>
              <div class="add-files">
                <table class="grid" aria-label={t('dash_filesToDownload')} aria-rowcount={nodes.length} data-count={nodes.length} data-window={`${win.start}-${win.end}`}>
                  <colgroup>
                    <col />
                    <col style={{ width: '84px' }} />
                  </colgroup>
                  <tbody ref={win.body}>
                    <tr class="spacer" aria-hidden="true">
                      <td colSpan={2} style={{ height: `${win.offset}px` }} />
                    </tr>
                    {nodes.slice(win.start, win.end).map((n, i) => {
                      const state = checkState(n, (index) => wanted.has(index));
                      return (
                        <tr key={n.key} class={n.file ? 'file' : 'folder'} data-row={win.start + i} aria-rowindex={win.start + i + 1} data-index={n.file?.index}>
                          <td>
                            <span class="tree-name" style={{ paddingLeft: `${n.depth * 16}px` }}>
                              <TreeToggle node={n} collapsed={collapsed} setCollapsed={setCollapsed} />
                              <input type="checkbox" aria-label={t('dash_downloadFile', n.name)} checked={state === 'all'} indeterminate={state === 'some'} onChange={() => toggle(n.indexes, state !== 'all')} />
                              <span class="file-name">{n.name}</span>
                            </span>
                          </td>
                          <td class="num">{formatBytes(n.length)}</td>
                        </tr>
                      );
                    })}
                    <tr class="spacer" aria-hidden="true">
                      <td colSpan={2} style={{ height: `${win.after}px` }} />
                    </tr>
                  </tbody>
                </table>
              </div>
              <label style={{ display: 'block', marginTop: '8px' }}>
                <input type="checkbox" checked={paused} onChange={(e) => setPaused((e.currentTarget as HTMLInputElement).checked)} /> {t('dash_addPaused')}
              </label>
            </>
          )}
          <p id="dialog-error" class="field-error" role="alert">
            {error}
          </p>
          <div class="dialog-actions">
            <button type="button" class="secondary" onClick={() => void cancel()}>
              {t('dash_cancel')}
            </button>
            <button type="button" disabled={!files || wanted.size === 0} onClick={() => void confirm()}>
              {t('dash_add')}
            </button>
          </div>
        </div>
      )}
    </dialog>
  );
}
