/// <reference types="chrome" />
/** Where the dashboard lives, and the dashboard at one torrent: the contract with the pages that open it (it reads `?torrent=`). */
export const DASHBOARD_PATH = 'extension-ui/dashboard.html';

export function dashboardUrl(infoHash?: string): string {
  return chrome.runtime.getURL(infoHash ? `${DASHBOARD_PATH}?torrent=${encodeURIComponent(infoHash)}` : DASHBOARD_PATH);
}
