/// <reference types="chrome" />
/**
 * "Create torrent": the user picks files or a folder (inputs or a drop), sets trackers, web
 * seeds, the private flag and the piece size; a worker hashes while copying the files into the
 * browser's storage (progress bar, Cancel), then the engine seeds them at once. The magnet and
 * the .torrent are offered at the end. Opened from the popup and the dashboard.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { mount } from '../popup/mount.js';
import { useEngine } from '../popup/engine-link.js';
import { HostBanner } from '../popup/host-banner.js';
import { formatBytes } from '../popup/format.js';
import { t } from '../common/i18n.js';
import { useTheme } from '../common/theme.js';
import { checkCreateForm, suggestName, type CreateForm } from '../../src/extension/create/create-input.js';
import { sweepStaging } from '../../src/extension/create/staging.js';
import { FilesField, OptionFields, type FieldErrors } from './create-fields.js';
import { CreateResult } from './create-result.js';
import { fromDrop, fromInput, type PickedEntry } from './picked-files.js';
import { startCreateJob, type CreateJob, type JobEvent } from './create-job.js';

type Phase =
  | { kind: 'form' }
  | { kind: 'hashing'; hashed: number; total: number }
  | { kind: 'adding' }
  | { kind: 'done'; torrent: Uint8Array; infoHash: string };

const EMPTY_FORM: CreateForm = { files: [], name: '', trackers: '', webSeeds: '', private: false, pieceLength: 0 };

function CreatePage() {
  const { snapshot, send } = useEngine();
  useTheme(snapshot);
  const [picked, setPicked] = useState<PickedEntry[]>([]);
  const [form, setForm] = useState<CreateForm>(EMPTY_FORM);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [phase, setPhase] = useState<Phase>({ kind: 'form' });
  const [status, setStatus] = useState('');
  const [dragging, setDragging] = useState(false);
  const job = useRef<CreateJob | null>(null);

  // Staging folders of pages closed mid-hash (or a crash) are removed; live ones hold a lock.
  useEffect(() => void sweepStaging().catch(() => undefined), []);

  const busy = phase.kind === 'hashing' || phase.kind === 'adding';
  const update = (patch: Partial<CreateForm>): void => setForm((f) => ({ ...f, ...patch }));

  const pick = async (entries: PickedEntry[] | Promise<PickedEntry[]>): Promise<void> => {
    let list: PickedEntry[];
    try {
      list = await entries;
    } catch {
      setErrors((e) => ({ ...e, files: t('create_unreadableDrop') }));
      return;
    }
    setPicked(list);
    setPhase({ kind: 'form' });
    setStatus('');
    setErrors((e) => ({ ...e, files: undefined }));
    update({ files: list, name: suggestName(list) });
  };

  const onEvent = (event: JobEvent): void => {
    switch (event.type) {
      case 'progress':
        setPhase({ kind: 'hashing', hashed: event.hashed, total: event.total });
        return;
      case 'hashed':
        setPhase({ kind: 'adding' });
        return;
      case 'done':
        job.current = null;
        setStatus('');
        setPhase({ kind: 'done', torrent: event.torrent, infoHash: event.infoHash });
        return;
      case 'cancelled':
        job.current = null;
        setPhase({ kind: 'form' });
        setStatus(t('create_cancelled'));
        return;
      case 'error':
        job.current = null;
        setPhase({ kind: 'form' });
        setStatus(event.message);
    }
  };

  const create = (): void => {
    const checked = checkCreateForm({ ...form, files: picked });
    if (!checked.ok) {
      setErrors(checked.errors);
      setStatus(t('create_fixFields'));
      return;
    }
    setErrors({});
    setStatus('');
    const files = checked.plan.order.map((i) => picked[i]!.file);
    setPhase({ kind: 'hashing', hashed: 0, total: checked.plan.totalLength });
    job.current = startCreateJob(checked.plan, files, send, onEvent, `TorrentEdge/${chrome.runtime.getManifest().version}`);
  };

  const percent = phase.kind === 'hashing' ? Math.floor((phase.hashed / Math.max(1, phase.total)) * 100) : phase.kind === 'form' ? 0 : 100;
  return (
    <main
      class={`create-page${dragging ? ' dragging' : ''}`}
      onDragOver={(e) => {
        if (busy) return;
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={(e) => {
        if (!e.relatedTarget) setDragging(false);
      }}
      onDrop={(e) => {
        e.preventDefault();
        setDragging(false);
        if (!busy && e.dataTransfer) void pick(fromDrop(e.dataTransfer));
      }}
    >
      <h1>{t('create_title')}</h1>
      <HostBanner host={snapshot.host} />
      <form
        class="create-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!busy) create();
        }}
      >
        <FilesField picked={picked} error={errors.files} disabled={busy} onPick={(entries) => void pick(entries)} fromInput={fromInput} />
        <OptionFields form={form} errors={errors} disabled={busy} update={update} />
        <div class="create-actions">
          <button type="submit" id="create-start" disabled={busy}>
            {t('create_start')}
          </button>
          {phase.kind === 'hashing' && (
            <button type="button" class="secondary" id="create-cancel" onClick={() => job.current?.cancel()}>
              {t('create_cancel')}
            </button>
          )}
        </div>
      </form>
      {phase.kind !== 'form' && (
        <div class="create-progress-box">
          <label for="create-progress">{phase.kind === 'hashing' ? t('create_hashing') : phase.kind === 'adding' ? t('create_adding') : t('create_hashed')}</label>
          <progress id="create-progress" class="torrent-progress" max={100} value={percent} />
          <p class="muted" id="create-progress-text">
            {phase.kind === 'hashing' ? t('create_progressText', String(percent), formatBytes(phase.hashed), formatBytes(phase.total)) : `${percent} %`}
          </p>
        </div>
      )}
      <p class="field-error" role="alert" id="create-status">
        {status}
      </p>
      {phase.kind === 'done' && <CreateResult torrent={phase.torrent} infoHash={phase.infoHash} snapshot={snapshot} send={send} />}
    </main>
  );
}

mount(<CreatePage />);
