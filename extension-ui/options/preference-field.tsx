/**
 * One preference, saved on its own as soon as it changes (settings apply live): the service
 * worker validates it and answers; a refusal shows at the field (aria-invalid + role=alert) and
 * the value in force stays; a success shows "Saved" next to it.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Command, CommandResult, Preferences } from '../../src/extension/messages.js';
import type { PreferenceField } from '../../src/extension/preferences.js';
import { t } from '../common/i18n.js';

export type Send = (command: Command) => Promise<CommandResult>;

export interface FieldState {
  error: string;
  status: string;
  busy: boolean;
  save(value: unknown): Promise<boolean>;
}

export function usePreferenceField(field: PreferenceField, send: Send): FieldState {
  const [error, setError] = useState('');
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  return {
    error,
    status,
    busy,
    async save(value) {
      setBusy(true);
      setStatus('');
      setError('');
      const result = await send({ type: 'setPreferences', input: { [field]: value } });
      setBusy(false);
      if (result.ok) {
        setError('');
        setStatus(t('options_saved'));
        return true;
      }
      setError(result.fieldErrors?.[field] ?? result.error);
      return false;
    },
  };
}

export function FieldMessages(props: { id: string; state: FieldState }) {
  return (
    <>
      <p id={`${props.id}-error`} class="field-error" role="alert">
        {props.state.error}
      </p>
      <span id={`${props.id}-status`} class="field-status muted" role="status">
        {props.state.status}
      </span>
    </>
  );
}

/** A number typed as text, saved on change (blur or Enter); shows the value in force until edited. */
export function NumberPreference(props: { field: keyof Preferences; label: string; hint: string; prefs: Preferences; send: Send; decimal?: boolean; text?: boolean }) {
  const state = usePreferenceField(props.field, props.send);
  const value = props.prefs[props.field];
  // null: a goal that is off, shown (and typed) as an empty field.
  const inForce = value === null ? '' : String(value);
  const [text, setText] = useState(inForce);
  const [editing, setEditing] = useState(false);
  useEffect(() => {
    if (!editing) setText(inForce);
  }, [inForce, editing]);
  const id = `pref-${props.field}`;
  return (
    <div class="setting">
      <label for={id}>{props.label}</label>
      <input
        id={id}
        name={props.field}
        type="text"
        inputMode={props.text ? 'text' : props.decimal ? 'decimal' : 'numeric'}
        autocomplete="off"
        value={text}
        aria-invalid={state.error ? 'true' : 'false'}
        aria-describedby={`${id}-hint ${id}-error`}
        onInput={(e) => {
          setText((e.currentTarget as HTMLInputElement).value);
          setEditing(true);
        }}
        onChange={(e) => void state.save((e.currentTarget as HTMLInputElement).value).then((ok) => ok && setEditing(false))}
      />
      <p id={`${id}-hint`} class="muted hint">
        {props.hint}
      </p>
      <FieldMessages id={id} state={state} />
    </div>
  );
}

export function TogglePreference(props: {
  field: keyof Preferences;
  label: string;
  hint: string;
  prefs: Preferences;
  send: Send;
}) {
  const state = usePreferenceField(props.field, props.send);
  const id = `pref-${props.field}`;
  return (
    <div class="setting">
      <label>
        <input
          id={id}
          type="checkbox"
          name={props.field}
          checked={props.prefs[props.field] === true}
          aria-describedby={`${id}-hint ${id}-error`}
          onChange={(e) => void state.save((e.currentTarget as HTMLInputElement).checked)}
        />{' '}
        {props.label}
      </label>
      <p id={`${id}-hint`} class="muted hint">
        {props.hint}
      </p>
      <FieldMessages id={id} state={state} />
    </div>
  );
}

export function SelectPreference(props: { field: keyof Preferences; label: string; options: readonly { value: string; label: string }[]; prefs: Preferences; send: Send }) {
  const state = usePreferenceField(props.field, props.send);
  const id = `pref-${props.field}`;
  return (
    <div class="setting">
      <label for={id}>{props.label}</label>
      <select
        id={id}
        name={props.field}
        value={String(props.prefs[props.field])}
        aria-invalid={state.error ? 'true' : 'false'}
        aria-describedby={`${id}-error`}
        onChange={(e) => void state.save((e.currentTarget as HTMLSelectElement).value)}
      >
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <FieldMessages id={id} state={state} />
    </div>
  );
}
