/**
 * The form of the "Create torrent" page: files (input, folder input, drop zone), name, trackers,
 * web seeds, private flag, piece size. Every control has a label; a refused field gets
 * aria-invalid and its message in a role=alert region next to it. File names are text only.
 */
import type { ComponentChildren } from 'preact';
import { t } from '../common/i18n.js';
import { formatBytes } from '../popup/format.js';
import type { CreateField, CreateForm } from '../../src/extension/create/create-input.js';
import { CREATE_LIMITS } from '../../src/extension/create/create-input.js';
import type { PickedEntry } from './picked-files.js';

export type FieldErrors = Partial<Record<CreateField, string>>;

/** Shown in the list of picked files; the count and total say the rest. */
const LISTED_FILES = 20;

export function pieceSizes(): number[] {
  const out: number[] = [];
  for (let size = CREATE_LIMITS.minPieceLength; size <= CREATE_LIMITS.maxPieceLength; size *= 2) out.push(size);
  return out;
}

function FieldError(props: { id: string; error: string | undefined }) {
  return (
    <p id={props.id} class="field-error" role="alert">
      {props.error ?? ''}
    </p>
  );
}

function Field(props: { children: ComponentChildren }) {
  return <div class="create-field">{props.children}</div>;
}

export function FilesField(props: {
  picked: PickedEntry[];
  error: string | undefined;
  disabled: boolean;
  onPick(entries: PickedEntry[] | Promise<PickedEntry[]>): void;
  fromInput(list: FileList | null): PickedEntry[];
}) {
  const total = props.picked.reduce((sum, f) => sum + f.length, 0);
  const invalid = props.error ? 'true' : 'false';
  return (
    <fieldset class="create-files">
      <legend>{t('create_filesLegend')}</legend>
      <div class="create-pickers">
        <label for="create-files">{t('create_chooseFiles')}</label>
        <input id="create-files" type="file" multiple disabled={props.disabled} aria-invalid={invalid} aria-describedby="create-files-error" onChange={(e) => props.onPick(props.fromInput((e.currentTarget as HTMLInputElement).files))} />
        <label for="create-folder">{t('create_chooseFolder')}</label>
        <input
          id="create-folder"
          type="file"
          // @ts-expect-error not in preact's typings: picks a folder, each file with its webkitRelativePath
          webkitdirectory
          disabled={props.disabled}
          aria-invalid={invalid}
          aria-describedby="create-files-error"
          onChange={(e) => props.onPick(props.fromInput((e.currentTarget as HTMLInputElement).files))}
        />
      </div>
      <p class="drop-zone create-drop">{t('create_dropHint')}</p>
      <FieldError id="create-files-error" error={props.error} />
      {props.picked.length > 0 && (
        <div class="create-picked">
          <p id="create-summary">{t('create_summary', String(props.picked.length), formatBytes(total))}</p>
          <ul class="create-file-list">
            {props.picked.slice(0, LISTED_FILES).map((f) => (
              <li key={f.path}>
                <span class="create-file-path">{f.path}</span> <span class="muted">{formatBytes(f.length)}</span>
              </li>
            ))}
            {props.picked.length > LISTED_FILES && <li class="muted">{t('create_moreFiles', String(props.picked.length - LISTED_FILES))}</li>}
          </ul>
        </div>
      )}
    </fieldset>
  );
}

export function OptionFields(props: { form: CreateForm; errors: FieldErrors; disabled: boolean; update(patch: Partial<CreateForm>): void }) {
  const { form, errors, disabled, update } = props;
  const value = (e: Event): string => (e.currentTarget as HTMLInputElement).value;
  return (
    <>
      <Field>
        <label for="create-name">{t('create_name')}</label>
        <input id="create-name" type="text" value={form.name} disabled={disabled} aria-invalid={errors.name ? 'true' : 'false'} aria-describedby="create-name-error" onInput={(e) => update({ name: value(e) })} />
        <FieldError id="create-name-error" error={errors.name} />
      </Field>
      <Field>
        <label for="create-trackers">{t('create_trackers')}</label>
        <textarea id="create-trackers" rows={3} value={form.trackers} disabled={disabled} aria-invalid={errors.trackers ? 'true' : 'false'} aria-describedby="create-trackers-hint create-trackers-error" onInput={(e) => update({ trackers: value(e) })} />
        <p id="create-trackers-hint" class="hint muted">{t('create_trackersHint')}</p>
        <FieldError id="create-trackers-error" error={errors.trackers} />
      </Field>
      <Field>
        <label for="create-webseeds">{t('create_webSeeds')}</label>
        <textarea id="create-webseeds" rows={2} value={form.webSeeds} disabled={disabled} aria-invalid={errors.webSeeds ? 'true' : 'false'} aria-describedby="create-webseeds-hint create-webseeds-error" onInput={(e) => update({ webSeeds: value(e) })} />
        <p id="create-webseeds-hint" class="hint muted">{t('create_webSeedsHint')}</p>
        <FieldError id="create-webseeds-error" error={errors.webSeeds} />
      </Field>
      <Field>
        <label for="create-piece-size">{t('create_pieceSize')}</label>
        <select id="create-piece-size" value={String(form.pieceLength)} disabled={disabled} aria-invalid={errors.pieceLength ? 'true' : 'false'} aria-describedby="create-piece-size-error" onChange={(e) => update({ pieceLength: Number(value(e)) })}>
          <option value="0">{t('create_pieceSizeAuto')}</option>
          {pieceSizes().map((size) => (
            <option key={size} value={String(size)}>
              {formatBytes(size)}
            </option>
          ))}
        </select>
        <FieldError id="create-piece-size-error" error={errors.pieceLength} />
      </Field>
      <Field>
        <label>
          <input id="create-private" type="checkbox" checked={form.private} disabled={disabled} onChange={(e) => update({ private: (e.currentTarget as HTMLInputElement).checked })} /> {t('create_private')}
        </label>
        <p class="hint muted">{t('create_privateHint')}</p>
      </Field>
    </>
  );
}
