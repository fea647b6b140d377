/**
 * The add field: Enter adds at once (no dialog), the page stays open, and a refusal is reported
 * at the field (aria-invalid + a role=alert message) with the list unchanged.
 */
import { useState } from 'preact/hooks';
import type { AddSource, Command, CommandResult } from '../../src/extension/messages.js';

export const ADD_LABEL = 'Add magnet link or torrent URL';

/** Magnet links go as they are; anything else is treated as the address of a .torrent file. */
function toSource(text: string): AddSource {
  return /^magnet:/i.test(text) ? { kind: 'magnet', uri: text } : { kind: 'url', url: text };
}

export function AddForm(props: { send: (command: Command) => Promise<CommandResult> }) {
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    const value = text.trim();
    if (!value) {
      setError('Paste a magnet link (magnet:?xt=urn:btih:…) or the address of a .torrent file.');
      return;
    }
    setBusy(true);
    const result = await props.send({ type: 'add', source: toSource(value) });
    setBusy(false);
    if (result.ok) {
      setText('');
      setError('');
    } else {
      setError(result.error);
    }
  };

  return (
    <form class="add-form" onSubmit={submit}>
      <label for="add-input">{ADD_LABEL}</label>
      <div class="add-row">
        <input
          id="add-input"
          type="text"
          autocomplete="off"
          spellcheck={false}
          placeholder="magnet:?xt=urn:btih:…"
          value={text}
          aria-invalid={error ? 'true' : 'false'}
          aria-describedby="add-error"
          onInput={(e) => {
            setText((e.currentTarget as HTMLInputElement).value);
            if (error) setError('');
          }}
        />
        <button type="submit" disabled={busy}>
          Add
        </button>
      </div>
      <p id="add-error" class="field-error" role="alert">
        {error}
      </p>
    </form>
  );
}
