// Driving the options page's "Download location" the way a user does: by labels, buttons and
// by dropping a folder from a file manager (CDP Input.dispatchDragEvent with a real path, the
// same drop event a file manager produces). Headless Chromium cannot answer showDirectoryPicker:
// its dialog cancels at once, and Page.setInterceptFileChooserDialog only aborts the picker.
import type { Page } from 'puppeteer';

export async function chooseFolderMode(page: Page): Promise<void> {
  const radio = await page.waitForSelector('input[name="location"][value="folder"]:not(:disabled)', { timeout: 10_000 });
  await radio!.click();
  await page.waitForSelector('.download-location[data-mode="folder"] .drop-zone', { timeout: 5_000 });
}

export async function dropFolder(page: Page, path: string): Promise<void> {
  const zone = await page.waitForSelector('.drop-zone', { timeout: 5_000 });
  const box = (await zone!.boundingBox())!;
  const x = box.x + box.width / 2;
  const y = box.y + box.height / 2;
  const cdp = await page.createCDPSession();
  const data = { items: [], files: [path], dragOperationsMask: 1 };
  for (const type of ['dragEnter', 'dragOver', 'drop'] as const) await cdp.send('Input.dispatchDragEvent', { type, x, y, data });
  await cdp.detach();
}

export interface LocationView {
  mode: string;
  access: string;
  folder: string;
  message: string;
  grantButton: boolean;
}

export async function locationView(page: Page): Promise<LocationView> {
  return page.$eval('.download-location', (section) => ({
    mode: section.getAttribute('data-mode') ?? '',
    access: section.getAttribute('data-access') ?? '',
    folder: section.querySelector('.folder-name')?.textContent ?? '',
    message: section.querySelector('.location-message')?.textContent ?? '',
    grantButton: Array.from(section.querySelectorAll('button')).some((b) => b.textContent?.trim() === 'Grant access again'),
  }));
}

export async function waitForLocation(page: Page, match: (view: LocationView) => boolean, timeoutMs: number, what: string): Promise<LocationView> {
  const deadline = Date.now() + timeoutMs;
  let last: LocationView | null = null;
  while (Date.now() < deadline) {
    last = await locationView(page).catch(() => null);
    if (last && match(last)) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timeout waiting for ${what}; options show ${JSON.stringify(last)}`);
}

export async function clickButton(page: Page, text: string): Promise<void> {
  const button = await page.waitForSelector(`::-p-text(${text})`, { timeout: 5_000 });
  await button!.click();
}

/** The delivery state shown in a popup row: data-delivery and its text. */
export async function deliveryOf(page: Page, infoHash: string): Promise<{ state: string; text: string }> {
  return page.$eval(`li.torrent[data-infohash="${infoHash}"]`, (li) => {
    const line = li.querySelector('.torrent-delivery');
    return { state: line?.getAttribute('data-delivery') ?? '', text: line?.textContent ?? '' };
  });
}
