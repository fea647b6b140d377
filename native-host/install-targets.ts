/**
 * Where Chromium-family browsers look for native messaging host manifests
 * (https://developer.chrome.com/docs/extensions/develop/concepts/native-messaging#native-messaging-host-location).
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export const HOST_NAME = 'com.torrentedge.relay';
export const ALLOWED_ORIGIN = 'chrome-extension://bkhngainmfimebdhdakboflefceoakbd/';

export interface Target {
  browser: string;
  /** The manifest file to write. */
  manifest: string;
  /** Windows: the registry key whose default value names the manifest. */
  registryKey?: string;
}

interface Browser {
  name: string;
  linux: string;
  mac: string;
  windowsKey: string;
}

const BROWSERS: readonly Browser[] = [
  { name: 'Google Chrome', linux: '.config/google-chrome', mac: 'Library/Application Support/Google/Chrome', windowsKey: 'Software\\Google\\Chrome' },
  { name: 'Chromium', linux: '.config/chromium', mac: 'Library/Application Support/Chromium', windowsKey: 'Software\\Chromium' },
  { name: 'Microsoft Edge', linux: '.config/microsoft-edge', mac: 'Library/Application Support/Microsoft Edge', windowsKey: 'Software\\Microsoft\\Edge' },
  {
    name: 'Brave',
    linux: '.config/BraveSoftware/Brave-Browser',
    mac: 'Library/Application Support/BraveSoftware/Brave-Browser',
    windowsKey: 'Software\\BraveSoftware\\Brave-Browser',
  },
];

/** One browser profile given with --profile: only its own NativeMessagingHosts folder. */
export function profileTargets(userDataDir: string): Target[] {
  return [{ browser: 'profile', manifest: join(userDataDir, 'NativeMessagingHosts', `${HOST_NAME}.json`) }];
}

/**
 * The per-user locations of every supported browser. Installing, only browsers whose user
 * folder exists (or Chrome's if none does); uninstalling, all of them.
 */
export function userTargets(mode: 'install' | 'uninstall', platform: NodeJS.Platform = process.platform, home: string = homedir()): Target[] {
  if (platform === 'win32') {
    const localAppData = process.env['LOCALAPPDATA'] ?? join(home, 'AppData', 'Local');
    const manifest = join(localAppData, 'TorrentEdge', `${HOST_NAME}.json`);
    return BROWSERS.map((b) => ({ browser: b.name, manifest, registryKey: `HKCU\\${b.windowsKey}\\NativeMessagingHosts\\${HOST_NAME}` }));
  }
  const all = BROWSERS.map((b) => ({
    browser: b.name,
    manifest: join(home, platform === 'darwin' ? b.mac : b.linux, 'NativeMessagingHosts', `${HOST_NAME}.json`),
  }));
  if (mode === 'uninstall') return all;
  const present = all.filter((t) => existsSync(dirname(dirname(t.manifest))));
  return present.length > 0 ? present : all.slice(0, 1);
}
