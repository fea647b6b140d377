// Driving the popup's new controls, the service worker and a local web server for the popup,
// options and interception tests.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page, WebWorker } from 'puppeteer';
import { EXTENSION_ORIGIN, type ExtensionBrowser } from './extension-browser.js';

/** The extension's service worker, to call its real handlers and chrome.* APIs. */
export async function serviceWorker(browser: ExtensionBrowser): Promise<WebWorker> {
  const target = await browser.browser.waitForTarget((t) => t.type() === 'service_worker' && t.url().startsWith(EXTENSION_ORIGIN), { timeout: 20_000 });
  return (await target.worker())!;
}

export async function badgeText(browser: ExtensionBrowser): Promise<string> {
  return (await serviceWorker(browser)).evaluate(() => chrome.action.getBadgeText({}));
}

/** The add field's error text and aria-invalid. */
export async function addFieldError(page: Page): Promise<{ text: string; invalid: string }> {
  return page.$eval('#add-input', (input) => ({
    text: document.getElementById('add-error')?.textContent ?? '',
    invalid: input.getAttribute('aria-invalid') ?? '',
  }));
}

export async function waitForAddError(page: Page, timeoutMs = 40_000): Promise<{ text: string; invalid: string }> {
  await page.waitForFunction(() => (document.getElementById('add-error')?.textContent ?? '') !== '', { timeout: timeoutMs });
  return addFieldError(page);
}

/** "Open .torrent file": the real file input behind the button. */
export async function openTorrentFile(page: Page, path: string): Promise<void> {
  const [chooser] = await Promise.all([page.waitForFileChooser({ timeout: 5_000 }), page.click('::-p-text(Open .torrent file)')]);
  await chooser.accept([path]);
}

/** Remove from a row: Remove → (delete data?) → Remove torrent. */
export async function removeTorrent(page: Page, infoHash: string, deleteData: boolean): Promise<void> {
  const row = `li.torrent[data-infohash="${infoHash}"]`;
  await page.click(`${row} button.danger`);
  await page.waitForSelector(`${row} .remove-confirm`, { timeout: 5_000 });
  const box = (await page.$(`${row} input[name="deleteData"]`))!;
  if ((await box.evaluate((el) => (el as HTMLInputElement).checked)) !== deleteData) await box.click();
  await page.click(`${row} ::-p-text(Remove torrent)`);
}

export async function clickRowButton(page: Page, infoHash: string, text: string): Promise<void> {
  await page.click(`li.torrent[data-infohash="${infoHash}"] ::-p-text(${text})`);
}

/** True if OPFS holds the torrent's storage root (its pieces). */
export async function opfsHasRoot(page: Page, root: string): Promise<boolean> {
  return page.evaluate(async (name: string) => {
    try {
      const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('torrents');
      await dir.getDirectoryHandle(name);
      return true;
    } catch {
      return false;
    }
  }, encodeURIComponent(root));
}

export interface WebServer {
  origin: string;
  requests: string[];
  close(): Promise<void>;
}

/** A web server on 127.0.0.1 answering from a route table (path without query → handler). */
export async function startWebServer(routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void>): Promise<WebServer> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const route = routes[(req.url ?? '/').split('?')[0]!];
    if (route) route(req, res);
    else res.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
