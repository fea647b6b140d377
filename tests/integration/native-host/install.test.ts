/** `install.js --profile`: the manifest Chrome reads, and a launcher that really starts the host. */
import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { HostProcess, INSTALL, requireBuild } from './helpers.js';

const run = promisify(execFile);

beforeAll(requireBuild);

async function installInto(profile: string, ...extra: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [INSTALL, '--profile', profile, ...extra]);
  return stdout;
}

describe('install-host --profile', () => {
  it('writes the manifest with the extension as the only allowed origin', async () => {
    const profile = await mkdtemp(join(tmpdir(), 'profile-'));
    const stdout = await installInto(profile);
    const manifestPath = join(profile, 'NativeMessagingHosts', 'com.torrentedge.relay.json');
    expect(stdout).toContain(manifestPath);
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as Record<string, unknown>;
    expect(manifest).toMatchObject({ name: 'com.torrentedge.relay', type: 'stdio', allowed_origins: ['chrome-extension://bkhngainmfimebdhdakboflefceoakbd/'] });
    expect(manifest['path']).toBe(join(profile, 'NativeMessagingHosts', 'torrentedge-relay'));
  });

  it('writes an executable launcher with absolute node and main.js paths', async () => {
    const profile = await mkdtemp(join(tmpdir(), 'profile-'));
    await installInto(profile);
    const launcher = join(profile, 'NativeMessagingHosts', 'torrentedge-relay');
    expect(statSync(launcher).mode & 0o777).toBe(0o755);
    const script = await readFile(launcher, 'utf8');
    expect(script.startsWith('#!/bin/sh\n')).toBe(true);
    expect(script).toContain(`exec '${process.execPath}' '`);
    expect(script).toMatch(/build\/native-host\/main\.js' "\$@"/);
  });

  it('the launcher starts the host, which answers ready', async () => {
    const profile = await mkdtemp(join(tmpdir(), 'profile-'));
    await installInto(profile);
    const host = HostProcess.spawn(join(profile, 'NativeMessagingHosts', 'torrentedge-relay'), []);
    const ready = await host.ready();
    expect(ready.port).toBeGreaterThan(0);
    expect(ready.secret).toMatch(/^[0-9a-f]{32}$/);
    expect(await host.stop()).toBe(0);
  });

  it('installing twice is harmless', async () => {
    const profile = await mkdtemp(join(tmpdir(), 'profile-'));
    await installInto(profile);
    await installInto(profile);
    expect(existsSync(join(profile, 'NativeMessagingHosts', 'com.torrentedge.relay.json'))).toBe(true);
  });

  it('--uninstall removes the manifest and the launcher, and prints them', async () => {
    const profile = await mkdtemp(join(tmpdir(), 'profile-'));
    await installInto(profile);
    const stdout = await installInto(profile, '--uninstall');
    const manifestPath = join(profile, 'NativeMessagingHosts', 'com.torrentedge.relay.json');
    const launcher = join(profile, 'NativeMessagingHosts', 'torrentedge-relay');
    expect(existsSync(manifestPath)).toBe(false);
    expect(existsSync(launcher)).toBe(false);
    expect(stdout).toContain(`removed ${manifestPath}`);
    expect(stdout).toContain(`removed ${launcher}`);
  });

  it('--profile without a directory is a usage error', async () => {
    const error = (await run(process.execPath, [INSTALL, '--profile']).catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(error.code).toBe(2);
    expect(error.stderr).toMatch(/--profile needs a browser user-data directory/);
  });
});
