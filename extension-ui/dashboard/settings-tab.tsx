/**
 * Details › Settings: the torrent's own limits, seeding goals (or the global ones), super-seeding
 * and connection cap, saved together; the engine checks them and keeps them across restarts.
 * The form starts from the engine's values and follows them until the user edits it. Above it,
 * where the torrent stands: queue place, forced start, seeding time (as the engine reports them).
 */
import { useEffect, useState } from 'preact/hooks';
import type { Command, CommandResult, TorrentRow } from '../../src/extension/messages.js';
import type { TorrentSettingsField } from '../../src/extension/torrent-settings-input.js';
import { t } from '../common/i18n.js';
import { stateLabel } from '../popup/format.js';

interface Form {
  downloadLimitKiB: string;
  uploadLimitKiB: string;
  useGlobalGoals: boolean;
  seedRatio: string;
  seedTimeMinutes: string;
  superSeed: boolean;
  maxConnections: string;
}

function formOf(row: TorrentRow): Form {
  const s = row.settings;
  const goals = s?.seedGoals;
  return {
    downloadLimitKiB: String(Math.round((s?.downloadLimit ?? 0) / 1024)),
    uploadLimitKiB: String(Math.round((s?.uploadLimit ?? 0) / 1024)),
    useGlobalGoals: goals === undefined,
    seedRatio: goals?.ratio !== undefined ? String(goals.ratio) : '',
    seedTimeMinutes: goals?.timeMs !== undefined ? String(Math.round(goals.timeMs / 60_000)) : '',
    superSeed: s?.superSeed ?? false,
    maxConnections: s?.maxConnections !== undefined ? String(s.maxConnections) : '',
  };
}

function hoursMinutes(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  return t('dash_set_hoursMinutes', String(Math.floor(minutes / 60)), String(minutes % 60));
}

function TextField(props: { field: TorrentSettingsField; label: string; hint: string; value: string; error: string | undefined; disabled?: boolean; onInput(value: string): void }) {
  const id = `ts-${props.field}`;
  return (
    <div class="setting">
      <label for={id}>{props.label}</label>
      <input
        id={id}
        name={props.field}
        type="text"
        inputMode={props.field === 'seedRatio' ? 'decimal' : 'numeric'}
        autocomplete="off"
        value={props.value}
        disabled={props.disabled}
        aria-invalid={props.error ? 'true' : 'false'}
        aria-describedby={`${id}-hint ${id}-error`}
        onInput={(e) => props.onInput((e.currentTarget as HTMLInputElement).value)}
      />
      <span id={`${id}-hint`} class="muted hint">
        {props.hint}
      </span>
      <span id={`${id}-error`} class="field-error" role="alert">
        {props.error ?? ''}
      </span>
    </div>
  );
}

export function SettingsTab(props: { torrent: TorrentRow; send(command: Command): Promise<CommandResult> }) {
  const row = props.torrent;
  const inForce = formOf(row);
  const [form, setForm] = useState<Form>(inForce);
  const [editing, setEditing] = useState(false);
  const [errors, setErrors] = useState<Partial<Record<TorrentSettingsField, string>>>({});
  const [status, setStatus] = useState('');
  const key = JSON.stringify(inForce);
  useEffect(() => {
    if (!editing) setForm(inForce);
  }, [key, editing]);
  useEffect(() => {
    setEditing(false);
    setErrors({});
    setStatus('');
  }, [row.infoHash]);

  const edit = (change: Partial<Form>): void => {
    setForm({ ...form, ...change });
    setEditing(true);
    setStatus('');
  };
  const save = async (e: Event): Promise<void> => {
    e.preventDefault();
    const input: Record<string, unknown> = {
      downloadLimitKiB: form.downloadLimitKiB,
      uploadLimitKiB: form.uploadLimitKiB,
      useGlobalGoals: form.useGlobalGoals,
      superSeed: form.superSeed,
      maxConnections: form.maxConnections,
      ...(form.useGlobalGoals ? {} : { seedRatio: form.seedRatio, seedTimeMinutes: form.seedTimeMinutes }),
    };
    const result = await props.send({ type: 'setTorrentSettings', infoHash: row.infoHash, input });
    if (result.ok) {
      setErrors({});
      setEditing(false);
      setStatus(t('dash_set_saved'));
    } else {
      setErrors(result.fieldErrors ?? { downloadLimitKiB: result.error });
      setStatus('');
    }
  };

  const forced = row.settings?.forced ?? false;
  return (
    <div class="settings-tab">
      <dl class="general-grid">
        <dt>{t('dash_set_queuePosition')}</dt>
        <dd data-field="queuePosition">{row.queuePosition !== undefined ? String(row.queuePosition + 1) : '—'}</dd>
        <dt>{t('dash_set_start')}</dt>
        <dd data-field="forced">{forced ? t('dash_set_forced') : t('dash_set_byQueue')}</dd>
        <dt>{t('dash_set_state')}</dt>
        <dd data-field="state">{stateLabel(row.state)}</dd>
        <dt>{t('dash_set_seedingTime')}</dt>
        <dd data-field="seedingTime">{hoursMinutes(row.seedingMs ?? 0)}</dd>
      </dl>
      <form class="torrent-settings" aria-labelledby="ts-title" onSubmit={(e) => void save(e)}>
        <h3 id="ts-title">{t('dash_set_title')}</h3>
        <TextField field="downloadLimitKiB" label={t('dash_set_downloadLimit')} hint={t('dash_set_limitHint')} value={form.downloadLimitKiB} error={errors.downloadLimitKiB} onInput={(v) => edit({ downloadLimitKiB: v })} />
        <TextField field="uploadLimitKiB" label={t('dash_set_uploadLimit')} hint={t('dash_set_limitHint')} value={form.uploadLimitKiB} error={errors.uploadLimitKiB} onInput={(v) => edit({ uploadLimitKiB: v })} />
        <TextField field="maxConnections" label={t('dash_set_maxConnections')} hint={t('dash_set_maxConnectionsHint')} value={form.maxConnections} error={errors.maxConnections} onInput={(v) => edit({ maxConnections: v })} />
        <div class="setting">
          <label>
            <input type="checkbox" name="useGlobalGoals" checked={form.useGlobalGoals} onChange={(e) => edit({ useGlobalGoals: (e.currentTarget as HTMLInputElement).checked })} /> {t('dash_set_useGlobalGoals')}
          </label>
          <span class="field-error" role="alert">
            {errors.useGlobalGoals ?? ''}
          </span>
        </div>
        <TextField field="seedRatio" label={t('dash_set_seedRatio')} hint={t('dash_set_seedRatioHint')} value={form.seedRatio} error={errors.seedRatio} disabled={form.useGlobalGoals} onInput={(v) => edit({ seedRatio: v })} />
        <TextField field="seedTimeMinutes" label={t('dash_set_seedTime')} hint={t('dash_set_seedTimeHint')} value={form.seedTimeMinutes} error={errors.seedTimeMinutes} disabled={form.useGlobalGoals} onInput={(v) => edit({ seedTimeMinutes: v })} />
        <div class="setting">
          <label>
            <input type="checkbox" name="superSeed" checked={form.superSeed} aria-describedby="ts-superSeed-hint" onChange={(e) => edit({ superSeed: (e.currentTarget as HTMLInputElement).checked })} /> {t('dash_set_superSeed')}
          </label>
          <span id="ts-superSeed-hint" class="muted hint">
            {t('dash_set_superSeedHint')}
          </span>
          <span class="field-error" role="alert">
            {errors.superSeed ?? ''}
          </span>
        </div>
        <div class="dialog-actions">
          <span class="muted" role="status">
            {status}
          </span>
          <button type="button" class="secondary" disabled={!editing} onClick={() => (setEditing(false), setErrors({}), setForm(inForce))}>
            {t('dash_set_reset')}
          </button>
          <button type="submit">{t('dash_set_save')}</button>
        </div>
      </form>
    </div>
  );
}
