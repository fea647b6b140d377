/// <reference types="chrome" />
/**
 * "Show the delivered file": finds the browser download that delivered it (the service worker
 * saved it as `<name>` or `<name>/<path>` under Downloads) and asks Chromium to show it in the
 * file manager (under the name delivery gave it: download-names.ts). Resolves with a message when it cannot.
 */
import { downloadPath } from '../../src/extension/download-names.js';
import { t } from '../common/i18n.js';

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A regex (RE2, as chrome.downloads takes it) matching `relative` at the end of an absolute path, any separator. */
export function deliveredPathPattern(relative: string): string {
  return `(^|[/\\\\])${relative.split('/').map(escapeRegex).join('[/\\\\]')}$`;
}

export async function showDelivered(relative: string): Promise<string | null> {
  const found = await chrome.downloads.search({ filenameRegex: deliveredPathPattern(downloadPath(relative)), state: 'complete', orderBy: ['-startTime'], limit: 1 });
  const item = found[0];
  if (!item) return t('dash_showGone');
  if (item.exists === false) return t('dash_showMoved');
  chrome.downloads.show(item.id);
  return null;
}
