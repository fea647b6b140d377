// Real Chromium with the real extension (dist/) and, when asked, the real native host registered
// for a throwaway profile. Headless, but the same browser: service worker, offscreen document,
// OPFS, IndexedDB, native messaging, downloads.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import puppeteer, { type Browser, type Page } from 'puppeteer';
import { DIST, HOST_INSTALLER, ROOT } from './build.js';

const run = promisify(execFile);
export const CHROMIUM = process.env.CHROME_PATH ?? '/usr/bin/chromium';
/** Pinned by the `key` in manifest.json. */
export const EXTENSION_ID = 'bkhngainmfimebdhdakboflefceoakbd';
export const EXTENSION_ORIGIN = `chrome-extension://${EXTENSION_ID}`;

export interface Profile {
  dir: string;
  downloads: string;
  remove(): Promise<void>;
}

export interface ProfileOptions {
  /**
   * The site setting "Allow editing files" (content setting `file_system_write_guard` = allow)
   * for the extension: a folder the user hands over (picked or dropped) is writable without the
   * "Let site edit files?" prompt, which headless Chromium cannot show.
   */
  allowFileEditing?: boolean;
}

/** A fresh user-data-dir whose downloads land in `<dir>/../downloads` without asking. */
export async function makeProfile(label: string, options: ProfileOptions = {}): Promise<Profile> {
  const base = await mkdtemp(join(tmpdir(), `torrentedge-ext-${label}-`));
  const dir = join(base, 'profile');
  const downloads = join(base, 'downloads');
  await mkdir(join(dir, 'Default'), { recursive: true });
  await mkdir(downloads, { recursive: true });
  const prefs = {
    download: { default_directory: downloads, prompt_for_download: false, directory_upgrade: true },
    savefile: { default_directory: downloads },
    ...(options.allowFileEditing
      ? { profile: { content_settings: { exceptions: { file_system_write_guard: { [`${EXTENSION_ORIGIN},*`]: { setting: 1 } } } } } }
      : {}),
  };
  await writeFile(join(dir, 'Default', 'Preferences'), JSON.stringify(prefs));
  return {
    dir,
    downloads,
    remove: async () => {
      if (process.env.TORRENTEDGE_KEEP_TMP) return console.log(`browser profile kept in ${base}`);
      await rm(base, { recursive: true, force: true });
    },
  };
}

/** `npm run install-host -- --profile <dir>`, through the built installer. */
export async function installHost(profile: Profile): Promise<void> {
  await run(process.execPath, [HOST_INSTALLER, '--profile', profile.dir], { cwd: ROOT, timeout: 30_000 });
}

export interface ExtensionBrowser {
  browser: Browser;
  pid: number;
  /** Console errors and page errors seen in extension pages this test opened. */
  pageErrors: string[];
  openPage(path: string): Promise<Page>;
  /** Like a crash: SIGKILL, no shutdown work. */
  kill(): Promise<void>;
  close(): Promise<void>;
}

export async function launchBrowser(profile: Profile, extraArgs: readonly string[] = []): Promise<ExtensionBrowser> {
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    pipe: true,
    userDataDir: profile.dir,
    enableExtensions: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--load-extension=${DIST}`,
      `--disable-extensions-except=${DIST}`,
      ...extraArgs,
    ],
  });
  const pid = browser.process()?.pid ?? -1;
  // Downloads go to the folder named in the profile's Preferences (makeProfile). Not CDP's
  // Browser.setDownloadBehavior: it saves chrome.downloads files under GUID names.
  await browser.waitForTarget((t) => t.type() === 'service_worker' && t.url().startsWith(EXTENSION_ORIGIN), { timeout: 20_000 });
  const pageErrors: string[] = [];
  let closed = false;
  return {
    browser,
    pid,
    pageErrors,
    async openPage(path) {
      const page = await browser.newPage();
      page.on('console', (message) => {
        if (message.type() === 'error') pageErrors.push(`${path}: ${message.text()}`);
      });
      page.on('pageerror', (error) => pageErrors.push(`${path}: ${(error as Error).message}`));
      await page.goto(`${EXTENSION_ORIGIN}/${path}`);
      return page;
    },
    async kill() {
      closed = true;
      const proc = browser.process();
      if (!proc) return;
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      proc.kill('SIGKILL');
      await exited;
      browser.disconnect().catch(() => undefined);
    },
    async close() {
      if (closed) return;
      closed = true;
      await browser.close().catch(() => undefined);
    },
  };
}

export async function readPreferences(profile: Profile): Promise<unknown> {
  return JSON.parse(await readFile(join(profile.dir, 'Default', 'Preferences'), 'utf8'));
}
