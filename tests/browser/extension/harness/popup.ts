// Reading and driving the popup the way a user does: by its label and visible text.
import type { Page } from 'puppeteer';

export const ADD_LABEL = 'Add magnet link or torrent URL';

export interface RowView {
  infoHash: string;
  name: string;
  state: string;
  progress: number;
  error: string;
}

export async function addByTyping(page: Page, text: string): Promise<void> {
  const input = await page.waitForSelector(`::-p-aria(${ADD_LABEL})`, { timeout: 10_000 });
  await input!.click({ clickCount: 3 });
  await input!.type(text);
  await page.keyboard.press('Enter');
}

export async function rows(page: Page): Promise<RowView[]> {
  return page.$$eval('li.torrent', (items) =>
    items.map((li) => ({
      infoHash: li.getAttribute('data-infohash') ?? '',
      name: li.querySelector('.torrent-name')?.textContent ?? '',
      state: li.getAttribute('data-state') ?? '',
      progress: Number((li.querySelector('progress') as HTMLProgressElement | null)?.value ?? 0),
      error: li.querySelector('.torrent-error')?.textContent ?? '',
    })),
  );
}

export async function waitForRow(page: Page, match: (row: RowView) => boolean, timeoutMs: number, what: string): Promise<RowView> {
  const deadline = Date.now() + timeoutMs;
  let last: RowView[] = [];
  while (Date.now() < deadline) {
    last = await rows(page).catch(() => []);
    const found = last.find(match);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timeout waiting for ${what}; rows: ${JSON.stringify(last)}`);
}

/** SHA-256 (hex) and size of a file in the extension's OPFS, read from an extension page. */
export async function opfsDigest(page: Page, root: string, path: string): Promise<{ size: number; sha256: string }> {
  return page.evaluate(
    async (rootName: string, filePath: string) => {
      let dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('torrents');
      dir = await dir.getDirectoryHandle(rootName);
      const parts = filePath.split('/');
      for (const part of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(part);
      const file = await (await dir.getFileHandle(parts[parts.length - 1]!)).getFile();
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await file.arrayBuffer()));
      return { size: file.size, sha256: [...digest].map((b) => b.toString(16).padStart(2, '0')).join('') };
    },
    encodeURIComponent(root),
    path,
  );
}
