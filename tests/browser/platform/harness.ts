/**
 * Runs browser adapters in real headless Chromium: vite bundles `page.ts` (and the OPFS worker)
 * into a temp folder, a node:http server on 127.0.0.1 serves it (a secure context, so OPFS
 * works; cross-origin isolated, so SharedArrayBuffer exists), and tests call `window.te`.
 */
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, normalize, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import puppeteer, { type Browser, type Page } from 'puppeteer';

const here = dirname(fileURLToPath(import.meta.url));

export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface BrowserFixture {
  browser: Browser;
  page: Page;
  origin: string;
  /** Open a fresh page on the fixture's origin (same profile, so same OPFS and IndexedDB). */
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.html': 'text/html', '.map': 'application/json' };
const INDEX = '<!doctype html><meta charset="utf-8"><title>te</title><script type="module" src="/page.js"></script>';

/** Bundle `entry` (default: this folder's page.ts) with its worker, serve it, open it. */
export async function openBrowserFixture(entry = join(here, 'page.ts')): Promise<BrowserFixture> {
  const work = await mkdtemp(join(tmpdir(), 'te-browser-'));
  const outDir = join(work, 'dist');
  await build({
    configFile: false,
    root: dirname(entry),
    logLevel: 'warn',
    build: {
      outDir,
      emptyOutDir: true,
      minify: false,
      target: 'esnext',
      modulePreload: false,
      copyPublicDir: false,
      rollupOptions: { input: entry, output: { entryFileNames: 'page.js' } },
    },
    worker: { format: 'es' },
  });
  const server = await serve(outDir);
  const address = server.address();
  const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const browser = await puppeteer.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    pipe: true,
    userDataDir: join(work, 'profile'),
    args: CHROMIUM_FLAGS,
  });
  const newPage = async (): Promise<Page> => {
    const page = await browser.newPage();
    page.on('pageerror', (error) => console.error('[page error]', error));
    await page.goto(`${origin}/`);
    await page.waitForFunction('window.te !== undefined', { timeout: 10_000 });
    return page;
  };
  const page = await newPage();
  return {
    browser,
    page,
    origin,
    newPage,
    async close() {
      await browser.close().catch(() => undefined);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(work, { recursive: true, force: true });
    },
  };
}

function serve(dir: string): Promise<Server> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    // Cross-origin isolation makes SharedArrayBuffer available, as in the extension.
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    if (path === '/') {
      res.setHeader('Content-Type', 'text/html');
      res.end(INDEX);
      return;
    }
    const file = normalize(join(dir, path));
    if (!file.startsWith(dir)) {
      res.writeHead(403).end();
      return;
    }
    readFile(file).then(
      (body) => {
        res.setHeader('Content-Type', TYPES[extname(file)] ?? 'application/octet-stream');
        res.end(body);
      },
      () => res.writeHead(404).end(),
    );
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
