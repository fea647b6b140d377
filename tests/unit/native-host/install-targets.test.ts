import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HOST_NAME, profileTargets, userTargets } from '../../../native-host/install-targets.js';

// The locations Chrome documents for per-user native messaging hosts, per OS. Linux is also
// exercised end to end (tests/integration/native-host/install.test.ts); macOS and Windows can only
// be checked here, as paths and registry keys, on this Linux machine.
describe('native host install targets', () => {
  it('macOS: Application Support of Chrome, Chromium, Edge and Brave', () => {
    const targets = userTargets('uninstall', 'darwin', '/Users/ann');
    expect(targets.map((t) => t.manifest)).toEqual([
      `/Users/ann/Library/Application Support/Google/Chrome/NativeMessagingHosts/${HOST_NAME}.json`,
      `/Users/ann/Library/Application Support/Chromium/NativeMessagingHosts/${HOST_NAME}.json`,
      `/Users/ann/Library/Application Support/Microsoft Edge/NativeMessagingHosts/${HOST_NAME}.json`,
      `/Users/ann/Library/Application Support/BraveSoftware/Brave-Browser/NativeMessagingHosts/${HOST_NAME}.json`,
    ]);
    expect(targets.every((t) => t.registryKey === undefined)).toBe(true);
  });

  it('Windows: one manifest, named by an HKCU key per browser', () => {
    const targets = userTargets('install', 'win32', 'C:\\Users\\ann');
    expect(new Set(targets.map((t) => t.manifest)).size).toBe(1);
    expect(targets[0]!.manifest.endsWith(`${HOST_NAME}.json`)).toBe(true);
    expect(targets.map((t) => t.registryKey)).toEqual([
      `HKCU\\Software\\Google\\Chrome\\NativeMessagingHosts\\${HOST_NAME}`,
      `HKCU\\Software\\Chromium\\NativeMessagingHosts\\${HOST_NAME}`,
      `HKCU\\Software\\Microsoft\\Edge\\NativeMessagingHosts\\${HOST_NAME}`,
      `HKCU\\Software\\BraveSoftware\\Brave-Browser\\NativeMessagingHosts\\${HOST_NAME}`,
    ]);
  });

  it('Linux install: only browsers whose folder exists, else Chrome', async () => {
    const home = await mkdtemp(join(tmpdir(), 'te-home-'));
    expect(userTargets('install', 'linux', home).map((t) => t.browser)).toEqual(['Google Chrome']);
    await mkdir(join(home, '.config', 'chromium'), { recursive: true });
    await mkdir(join(home, '.config', 'BraveSoftware', 'Brave-Browser'), { recursive: true });
    expect(userTargets('install', 'linux', home).map((t) => t.browser)).toEqual(['Chromium', 'Brave']);
    expect(userTargets('uninstall', 'linux', home)).toHaveLength(4);
  });

  it('a profile gets its own NativeMessagingHosts folder', () => {
    expect(profileTargets('/tmp/p')).toEqual([{ browser: 'profile', manifest: `/tmp/p/NativeMessagingHosts/${HOST_NAME}.json` }]);
  });
});
