/// <reference types="chrome" />
/**
 * Magnet links: TorrentEdge becomes the browser's handler for magnet: with
 * navigator.registerProtocolHandler, called from this extension page in the user's click. The
 * browser then asks once (an icon at the right of the address bar: "Allow TorrentEdge to open
 * magnet links?"); a clicked magnet: link afterwards opens extension-ui/add.html?uri=<the link>.
 * Turning it off unregisters the handler where the browser supports that.
 */
import { useState } from 'preact/hooks';
import type { Preferences } from '../../src/extension/messages.js';
import { t } from '../common/i18n.js';
import { FieldMessages, usePreferenceField, type Send } from './preference-field.js';

/** The handler URL: %s is replaced by the browser with the clicked magnet link, URL-encoded. */
export function magnetHandlerUrl(): string {
  return chrome.runtime.getURL('extension-ui/add.html?uri=%s');
}

type HandlerNavigator = Navigator & { unregisterProtocolHandler?: (scheme: string, url: string) => void };

export function MagnetHandler(props: { prefs: Preferences; send: Send }) {
  const state = usePreferenceField('interceptMagnets', props.send);
  const [problem, setProblem] = useState('');
  const [note, setNote] = useState('');
  const id = 'pref-interceptMagnets';
  const register = (): string | undefined => {
    try {
      navigator.registerProtocolHandler('magnet', magnetHandlerUrl());
      return undefined;
    } catch (error) {
      return t('options_magnetRegisterFailed', (error as Error).message);
    }
  };
  const onChange = (event: Event): void => {
    const on = (event.currentTarget as HTMLInputElement).checked;
    if (on) {
      const problem = register();
      if (problem) {
        (event.currentTarget as HTMLInputElement).checked = false;
        setProblem(problem);
        return;
      }
    } else {
      try {
        (navigator as HandlerNavigator).unregisterProtocolHandler?.('magnet', magnetHandlerUrl());
      } catch {
        // Not registered: nothing to undo.
      }
    }
    setProblem('');
    setNote(on ? t('options_magnetAsked') : '');
    void state.save(on);
  };
  return (
    <div class="setting magnet-handler">
      <label>
        <input id={id} type="checkbox" name="interceptMagnets" checked={props.prefs.interceptMagnets} aria-describedby={`${id}-hint ${id}-error ${id}-problem`} onChange={onChange} />{' '}
        {t('options_magnetLabel')}
      </label>
      <p id={`${id}-hint`} class="muted hint">
        {t('options_magnetHint')}
      </p>
      {props.prefs.interceptMagnets && (
        <button
          type="button"
          class="secondary"
          onClick={() => {
            const failed = register();
            setProblem(failed ?? '');
            setNote(failed ? '' : t('options_magnetAsked'));
          }}
        >
          {t('options_magnetRegisterAgain')}
        </button>
      )}
      <p id={`${id}-problem`} class="field-error" role="alert">
        {problem}
      </p>
      <p class="magnet-note" role="status">
        {note}
      </p>
      <FieldMessages id={id} state={state} />
    </div>
  );
}
