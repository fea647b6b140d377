// Driving the dashboard (list selection, details tabs, peers view) and the options page's network settings, the way
// a user does: by labels and visible controls.
import type { Page } from 'puppeteer';

export interface PeerRowView {
  address: string;
  source: string;
  transport: string;
  encrypted: string;
  cells: string[];
}

/** Selects the torrent in the dashboard's list (filtering by its infohash) and opens Details › Peers. */
export async function showPeersOf(page: Page, infoHash: string): Promise<void> {
  await selectTorrent(page, infoHash);
  await openTab(page, 'Peers');
}

/** Shows only this torrent in the list (the name filter takes an infohash) and clicks its row. */
export async function selectTorrent(page: Page, infoHash: string): Promise<void> {
  const filter = await page.waitForSelector('::-p-aria(Filter by name)', { timeout: 10_000 });
  await filter!.click({ clickCount: 3 });
  await filter!.type(infoHash);
  const row = await page.waitForSelector(`li.torrent[data-infohash="${infoHash}"]`, { timeout: 30_000 });
  await row!.click();
  await page.waitForSelector(`section.details[data-infohash="${infoHash}"]`, { timeout: 10_000 });
  // The whole list again; the selection (and its details) stay.
  await filter!.click({ clickCount: 3 });
  await page.keyboard.press('Backspace');
}

export async function openTab(page: Page, tab: 'General' | 'Files' | 'Peers' | 'Trackers' | 'Pieces' | 'Speed'): Promise<void> {
  await page.click(`#tab-${tab}`);
  await page.waitForSelector(`.tab-panel[data-tab="${tab}"]`, { timeout: 5_000 });
}

export async function peerRows(page: Page): Promise<PeerRowView[]> {
  return page.$$eval('table.peers-table tr.peer', (rows) =>
    rows.map((tr) => ({
      address: tr.getAttribute('data-address') ?? '',
      source: tr.getAttribute('data-source') ?? '',
      transport: tr.getAttribute('data-transport') ?? '',
      encrypted: tr.getAttribute('data-encrypted') ?? '',
      cells: Array.from(tr.querySelectorAll('td'), (td) => td.textContent ?? ''),
    })),
  );
}

/** Polls the peers view until a row matches; every row seen is kept for the failure message. */
export async function waitForPeerRow(page: Page, match: (row: PeerRowView) => boolean, timeoutMs: number, what: string): Promise<PeerRowView> {
  const deadline = Date.now() + timeoutMs;
  const seen = new Map<string, PeerRowView>();
  while (Date.now() < deadline) {
    for (const row of await peerRows(page).catch(() => [])) {
      seen.set(JSON.stringify(row), row);
      if (match(row)) return row;
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`timeout waiting for ${what}; peer rows seen: ${JSON.stringify([...seen.values()])}`);
}

export interface NetworkForm {
  dht?: boolean;
  pex?: boolean;
  utp?: boolean;
  lsd?: boolean;
  /** The LSD interface address ('' for the OS's choice). */
  lsdInterface?: string;
  encryption?: string;
  port?: string;
  dhtBootstrap?: string;
}

/**
 * Fills the options page's network section and saves; resolves with the status line. Any edit
 * clears the status, so the line read is the answer to this save.
 */
export async function saveNetworkSettings(page: Page, form: NetworkForm): Promise<string> {
  await page.waitForSelector('#listen-port', { timeout: 15_000 });
  for (const key of ['dht', 'pex', 'utp', 'lsd'] as const) {
    const want = form[key];
    if (want === undefined) continue;
    const box = (await page.$(`input[name="${key}"]`))!;
    // A DOM click, not a mouse click at coordinates: sections above load asynchronously and can
    // move the box between finding it and clicking it.
    if ((await box.evaluate((el) => (el as HTMLInputElement).checked)) !== want) await box.evaluate((el) => (el as HTMLInputElement).click());
    await page.waitForFunction((name, checked) => (document.querySelector(`input[name="${name}"]`) as HTMLInputElement | null)?.checked === checked, { timeout: 5_000 }, key, want);
  }
  if (form.encryption !== undefined) await page.select('#encryption', form.encryption);
  const typeInto = async (selector: string, text: string): Promise<void> => {
    await page.$eval(selector, (el) => {
      (el as HTMLInputElement).value = '';
      el.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await page.type(selector, text);
  };
  if (form.port !== undefined) await typeInto('#listen-port', form.port);
  if (form.dhtBootstrap !== undefined) await typeInto('#dht-bootstrap', form.dhtBootstrap);
  if (form.lsdInterface !== undefined) await typeInto('#lsd-interface', form.lsdInterface);
  await page.click('::-p-text(Save network settings)');
  await page.waitForFunction(() => (document.querySelector('.save-status')?.textContent ?? '') !== '', { timeout: 15_000 });
  return page.$eval('.save-status', (el) => el.textContent ?? '');
}

/** What the service worker stored (chrome.storage.local), read from an extension page. */
export async function storedNetworkSettings(page: Page): Promise<Record<string, unknown> | undefined> {
  return page.evaluate(async () => {
    const items = await chrome.storage.local.get('networkSettings');
    return items.networkSettings as Record<string, unknown> | undefined;
  });
}
