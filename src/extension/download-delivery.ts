/// <reference types="chrome" />
/**
 * Hands finished files to the browser's Downloads folder. The offscreen document makes a blob:
 * URL per file from its OPFS copy (offscreen documents have no chrome.downloads); the service
 * worker downloads each to `<name>/<path>` and reports when every one is complete, so the
 * offscreen document can revoke the URLs and record the torrent as delivered.
 */
import type { DeliveryFile } from './messages.js';

/** A download that neither completes nor fails in this time is reported as failed. */
export const DELIVERY_TIMEOUT_MS = 30 * 60_000;

export interface DeliveryOutcome {
  ok: boolean;
  error?: string;
}

export async function deliverFiles(files: readonly DeliveryFile[]): Promise<DeliveryOutcome> {
  const results = await Promise.allSettled(files.map((file) => downloadOne(file)));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) return { ok: false, error: String((failed.reason as Error)?.message ?? failed.reason) };
  return { ok: true };
}

async function downloadOne(file: DeliveryFile): Promise<void> {
  // Listen before starting: a small file can finish before download() resolves.
  const finished = new Map<number, { ok: boolean; error?: string }>();
  let wanted: number | null = null;
  let settle: ((outcome: { ok: boolean; error?: string }) => void) | null = null;
  const listener = (delta: chrome.downloads.DownloadDelta): void => {
    const state = delta.state?.current;
    if (state !== 'complete' && state !== 'interrupted') return;
    const outcome = state === 'complete' ? { ok: true } : { ok: false, error: `download of ${file.filename} was interrupted (${delta.error?.current ?? 'unknown reason'})` };
    if (wanted === delta.id && settle) settle(outcome);
    else finished.set(delta.id, outcome);
  };
  chrome.downloads.onChanged.addListener(listener);
  try {
    const id = await chrome.downloads.download({ url: file.url, filename: file.filename, conflictAction: 'uniquify', saveAs: false });
    const outcome = await new Promise<{ ok: boolean; error?: string }>((resolve) => {
      const early = finished.get(id);
      if (early) return resolve(early);
      wanted = id;
      const timer = setTimeout(() => resolve({ ok: false, error: `download of ${file.filename} did not finish` }), DELIVERY_TIMEOUT_MS);
      settle = (o) => {
        clearTimeout(timer);
        resolve(o);
      };
      // It may have finished between download() and here without an event we saw.
      void chrome.downloads.search({ id }).then(([item]) => {
        if (item?.state === 'complete') settle?.({ ok: true });
        else if (item?.state === 'interrupted') settle?.({ ok: false, error: `download of ${file.filename} was interrupted (${item.error ?? 'unknown reason'})` });
      });
    });
    if (!outcome.ok) throw new Error(outcome.error);
  } finally {
    chrome.downloads.onChanged.removeListener(listener);
  }
}
