/// <reference types="chrome" />
/**
 * Opens the side-panel dashboard. chrome.sidePanel.open needs a user gesture, so it is called
 * synchronously in the click (the window id is looked up when the popup opens, not in the click);
 * if the browser refuses, the dashboard opens in a tab instead.
 */
import { useEffect, useState } from 'preact/hooks';
import { t } from '../common/i18n.js';

export function SidePanelButton() {
  const [windowId, setWindowId] = useState<number | undefined>(undefined);
  const [error, setError] = useState('');
  useEffect(() => {
    void chrome.windows.getCurrent().then((w) => setWindowId(w.id)).catch(() => undefined);
  }, []);
  const open = (): void => {
    setError('');
    const fallback = (): void => void chrome.tabs.create({ url: chrome.runtime.getURL('extension-ui/dashboard.html') });
    if (windowId === undefined || !chrome.sidePanel?.open) return fallback();
    chrome.sidePanel
      .open({ windowId })
      .catch((e: Error) => {
        setError(e.message);
        fallback();
      });
  };
  return (
    <button type="button" class="secondary" onClick={open} data-side-panel-error={error || undefined}>
      {t('popup_openDashboard')}
    </button>
  );
}
