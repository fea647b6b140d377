/**
 * The add field: Enter adds at once (no dialog), the page stays open, and a refusal is reported
 * at the field (aria-invalid + a role=alert message) with the list unchanged. "Open .torrent
 * file" picks a file and adds its bytes the same way; its refusals show at the same place.
 */
import { useRef, useState } from 'preact/hooks';
import type { AddSource, Command, CommandResult } from '../../src/extension/messages.js';
import { checkAddText, checkTorrentFile, toBase64 } from '../common/add-input.js';
import { t } from '../common/i18n.js';

export const ADD_LABEL = 'Add magnet link or torrent URL';

export function AddForm(props: { send: (command: Command) => Promise<CommandResult> }) {
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);

  const add = async (source: AddSource, clearText: boolean): Promise<void> => {
    setBusy(true);
    setStatus('');
    const result = await props.send({ type: 'add', source });
    setBusy(false);
    if (result.ok) {
      if (clearText) setText('');
      setError('');
      setStatus(t('popup_added'));
    } else {
      setError(result.error);
    }
  };

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    const checked = checkAddText(text);
    if (!checked.ok) return setError(checked.error);
    await add(checked.value, true);
  };

  const onFile = async (event: Event): Promise<void> => {
    const input = event.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    input.value = ''; // the same file can be picked again
    if (!file) return;
    const checked = checkTorrentFile(file);
    if (!checked.ok) return setError(checked.error);
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await file.arrayBuffer());
    } catch (e) {
      return setError(`${file.name} could not be read: ${(e as Error).message}`);
    }
    await add({ kind: 'torrent', base64: toBase64(bytes) }, false);
  };

  return (
    <form class="add-form" onSubmit={submit}>
      <label for="add-input">{t('popup_addLabel')}</label>
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
            setStatus('');
          }}
        />
        <button type="submit" disabled={busy}>
          {t('popup_add')}
        </button>
      </div>
      <div class="add-row add-file-row">
        <button type="button" class="secondary" disabled={busy} onClick={() => fileInput.current?.click()}>
          {t('popup_openFile')}
        </button>
        <input
          ref={fileInput}
          id="torrent-file"
          class="visually-hidden"
          type="file"
          accept=".torrent,application/x-bittorrent"
          tabIndex={-1}
          aria-label={t('popup_openFile')}
          onChange={(e) => void onFile(e)}
        />
        <span class="add-status muted" role="status">
          {status}
        </span>
      </div>
      <p id="add-error" class="field-error" role="alert">
        {error}
      </p>
    </form>
  );
}
