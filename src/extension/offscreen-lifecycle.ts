/// <reference types="chrome" />
/**
 * The offscreen document hosts the engine (offscreen documents can spawn workers and make blob
 * URLs; a service worker cannot keep sockets or an OPFS worker). Exactly one exists: check the
 * live contexts before creating, and share one creation in flight.
 */
export const OFFSCREEN_PATH = 'src/extension/offscreen/offscreen.html';

let creating: Promise<void> | null = null;

export async function offscreenExists(): Promise<boolean> {
  const url = chrome.runtime.getURL(OFFSCREEN_PATH);
  const contexts = await chrome.runtime.getContexts({
    contextTypes: [chrome.runtime.ContextType.OFFSCREEN_DOCUMENT],
    documentUrls: [url],
  });
  return contexts.length > 0;
}

/** Create the offscreen document unless it is already there. */
export async function ensureOffscreen(): Promise<void> {
  if (creating) return creating;
  creating = (async () => {
    if (await offscreenExists()) return;
    try {
      await chrome.offscreen.createDocument({
        url: OFFSCREEN_PATH,
        reasons: [chrome.offscreen.Reason.WORKERS, chrome.offscreen.Reason.BLOBS],
        justification: 'Runs the BitTorrent engine: its storage worker, and blob URLs for finished files.',
      });
    } catch (error) {
      // A race with another creation ("Only a single offscreen document may be created") is fine.
      if (!(await offscreenExists())) throw error;
    }
  })().finally(() => {
    creating = null;
  });
  return creating;
}
